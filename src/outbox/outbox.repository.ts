import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { LeaseLostError } from '../common/errors';
import { DatabaseService } from '../database/database.service';
import { OutboxAttemptEntity } from './outbox-attempt.entity';
import { OutboxMessageEntity, type OutboxStatus } from './outbox-message.entity';

export type NewOutboxMessage = Pick<
  OutboxMessageEntity,
  | 'unitId'
  | 'channel'
  | 'conversationId'
  | 'recipientId'
  | 'inboxEventId'
  | 'userMessageAt'
  | 'position'
  | 'origin'
  | 'message'
> & { correlationId?: string | null };

@Injectable()
export class OutboxRepository {
  constructor(private readonly db: DatabaseService) {}

  async insert(manager: EntityManager, rows: NewOutboxMessage[], now: Date): Promise<OutboxMessageEntity[]> {
    if (!rows.length) return [];
    const entities = rows.map((r) =>
      manager.create(OutboxMessageEntity, {
        ...r,
        correlationId: r.correlationId ?? null,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: now,
        createdAt: now,
      }),
    );
    return manager.getRepository(OutboxMessageEntity).save(entities);
  }

  async recover(now: Date, everything: boolean): Promise<number> {
    return this.db.transaction(async (manager) => {
      const qb = manager
        .createQueryBuilder()
        .update(OutboxMessageEntity)
        .set({ status: 'pending', nextAttemptAt: now, lockedBy: null })
        .where('status = :status', { status: 'sending' });
      if (!everything) qb.andWhere('"nextAttemptAt" < :now', { now: now.getTime() });
      return (await qb.execute()).affected ?? 0;
    });
  }

  /** Claims due messages, the earliest unsent one per conversation only, and opens an attempt for each. */
  async claim(
    limit: number,
    skipConversations: Set<string>,
    owner: string,
    now: Date,
    leaseMs: number,
  ): Promise<{ message: OutboxMessageEntity; attemptId: number }[]> {
    if (limit <= 0) return [];
    const candidates = await this.db.manager.query<{ id: number | string; conversationId: string }[]>(
      this.sql(`SELECT m."id", m."conversationId" FROM "outbox_message" m
        WHERE m."status" IN ('pending', 'sending') AND m."nextAttemptAt" <= $1
          AND NOT EXISTS (SELECT 1 FROM "outbox_message" p WHERE p."conversationId" = m."conversationId"
                          AND p."id" < m."id" AND p."status" IN ('pending', 'sending'))
        ORDER BY m."id" LIMIT $2`),
      [now.getTime(), limit * 4 + skipConversations.size],
    );
    const seen = new Set(skipConversations);
    const picked: number[] = [];
    for (const c of candidates) {
      if (picked.length >= limit) break;
      if (seen.has(c.conversationId)) continue;
      seen.add(c.conversationId);
      picked.push(Number(c.id));
    }
    const claimed: { message: OutboxMessageEntity; attemptId: number }[] = [];
    for (const id of picked) {
      const attempt = await this.db.transaction(async (manager) => {
        const result = await manager
          .createQueryBuilder()
          .update(OutboxMessageEntity)
          .set({
            status: 'sending',
            lockedBy: owner,
            nextAttemptAt: new Date(now.getTime() + leaseMs),
            attempts: () => '"attempts" + 1',
          })
          // While sending, nextAttemptAt is the lease expiry: an expired send is taken over.
          .where(`id = :id AND status IN ('pending', 'sending') AND "nextAttemptAt" <= :now`, {
            id,
            now: now.getTime(),
          })
          .execute();
        if (!result.affected) return null;
        const saved = await manager.save(
          manager.create(OutboxAttemptEntity, { outboxId: id, startedAt: now }),
        );
        return saved.id;
      });
      if (attempt === null) continue;
      const message = await this.db.manager.findOneOrFail(OutboxMessageEntity, { where: { id } });
      claimed.push({ message, attemptId: attempt });
    }
    return claimed;
  }

  /** Records the attempt's result — only while `owner` still holds the message (else LeaseLostError). */
  async finish(
    id: number,
    owner: string,
    attemptId: number,
    now: Date,
    attempt: Pick<OutboxAttemptEntity, 'result' | 'httpStatus' | 'errorCode' | 'error'>,
    next: {
      status: OutboxStatus;
      nextAttemptAt?: Date;
      platformMessageId?: string | null;
      lastError?: string | null;
      partsSent?: number;
    },
  ): Promise<void> {
    await this.db.transaction(async (manager) => {
      await manager.update(OutboxAttemptEntity, { id: attemptId }, { ...attempt, finishedAt: now });
      const result = await manager.update(
        OutboxMessageEntity,
        { id, status: 'sending', lockedBy: owner },
        {
          status: next.status,
          lockedBy: null,
          ...(next.nextAttemptAt ? { nextAttemptAt: next.nextAttemptAt } : {}),
          ...(next.status === 'sent'
            ? { sentAt: now, platformMessageId: next.platformMessageId ?? null, lastError: null }
            : {}),
          ...(next.lastError !== undefined && next.status !== 'sent' ? { lastError: next.lastError } : {}),
          ...(next.partsSent !== undefined ? { partsSent: next.partsSent } : {}),
        },
      );
      if (!result.affected)
        throw new LeaseLostError(`outbox message ${id}: lease lost (another worker took it over)`);
    });
  }

  /** Heartbeat: extends the lease of every message `owner` is sending, in one statement. */
  async extendLeases(owner: string, until: Date): Promise<number> {
    const result = await this.db.manager
      .createQueryBuilder()
      .update(OutboxMessageEntity)
      .set({ nextAttemptAt: until })
      .where('status = :status AND "lockedBy" = :owner', { status: 'sending', owner })
      .execute();
    return result.affected ?? 0;
  }

  byInboxEvent(inboxEventId: number): Promise<OutboxMessageEntity[]> {
    return this.db.manager.find(OutboxMessageEntity, {
      where: { inboxEventId },
      order: { position: 'ASC', id: 'ASC' },
    });
  }

  /** A conversation's messages after a given id (the web chat polls for staff replies). */
  after(conversationId: string, afterId: number, limit = 50): Promise<OutboxMessageEntity[]> {
    return this.db.manager
      .getRepository(OutboxMessageEntity)
      .createQueryBuilder('m')
      .where('m.conversationId = :conversationId AND m.id > :afterId', { conversationId, afterId })
      .orderBy('m.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** The latest messages of one origin (staff) in a conversation, oldest first. */
  async byOrigin(conversationId: string, origin: string, limit: number): Promise<OutboxMessageEntity[]> {
    const rows = await this.db.manager
      .getRepository(OutboxMessageEntity)
      .createQueryBuilder('m')
      .where('m.conversationId = :conversationId AND m.origin = :origin', { conversationId, origin })
      .orderBy('m.id', 'DESC')
      .limit(limit)
      .getMany();
    return rows.reverse();
  }

  /** Messages to one recipient on one channel of a unit after a given id (web chat polling). */
  forRecipient(
    unitId: string,
    channel: string,
    recipientId: string,
    afterId: number,
    limit = 50,
  ): Promise<OutboxMessageEntity[]> {
    return this.db.manager
      .getRepository(OutboxMessageEntity)
      .createQueryBuilder('m')
      .where(
        'm.channel = :channel AND m.recipientId = :recipientId AND m.id > :afterId AND m.unitId = :unitId',
        {
          channel,
          recipientId,
          afterId,
          unitId,
        },
      )
      .orderBy('m.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  attempts(outboxIds: number[]): Promise<OutboxAttemptEntity[]> {
    if (!outboxIds.length) return Promise.resolve([]);
    return this.db.manager.find(OutboxAttemptEntity, {
      where: { outboxId: In(outboxIds) },
      order: { id: 'ASC' },
    });
  }

  findById(id: number): Promise<OutboxMessageEntity | null> {
    return this.db.manager.findOne(OutboxMessageEntity, { where: { id } });
  }

  /**
   * Deletes finished bot messages created before `cutoff`, with their attempts, in batches. Staff
   * replies stay: the console transcript reads them from here (bot replies are in the interaction log).
   */
  purgeFinished(cutoff: Date, batch = 1000): Promise<number> {
    const p = (i: number) => this.db.param(i);
    return this.db.deleteInBatches(
      `SELECT "id" FROM "outbox_message" WHERE "origin" = 'bot'
        AND "status" IN ('sent', 'failed', 'window_closed', 'unreachable') AND "createdAt" < ${p(1)}
        ORDER BY "id" LIMIT ${p(2)}`,
      [cutoff.getTime()],
      async (manager, ids) => {
        await manager.delete(OutboxAttemptEntity, { outboxId: In(ids) });
        await manager.delete(OutboxMessageEntity, { id: In(ids) });
      },
      batch,
    );
  }

  private sql(text: string): string {
    return this.db.kind === 'sqlite' ? text.replace(/\$\d+/g, '?') : text;
  }
}
