import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { LeaseLostError } from '../common/errors';
import type { Settled } from '../common/group-commit';
import { readDate, readJson, readNumber, readText } from '../database/columns-read';
import { DatabaseService } from '../database/database.service';
import type { OutboundMessage } from '../messaging/outbound-message';
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
> & { correlationId?: string | null; sourceRef?: string | null };

const INSERT_COLUMNS = [
  'unitId',
  'channel',
  'conversationId',
  'recipientId',
  'inboxEventId',
  'userMessageAt',
  'position',
  'partsSent',
  'origin',
  'message',
  'status',
  'attempts',
  'nextAttemptAt',
  'createdAt',
  'correlationId',
  'sourceRef',
] as const;

/** One attempt's outcome, as the dispatcher hands it to finishMany. */
export interface FinishedAttempt {
  id: number;
  /** The message's sourceRef: a row that ends (not retried) is told to its source's listener. */
  sourceRef?: string | null;
  attemptId: number;
  now: Date;
  attempt: Pick<OutboxAttemptEntity, 'result' | 'httpStatus' | 'errorCode' | 'error'>;
  next: {
    status: OutboxStatus;
    nextAttemptAt?: Date;
    platformMessageId?: string | null;
    lastError?: string | null;
    partsSent?: number;
  };
}

@Injectable()
export class OutboxRepository {
  constructor(private readonly db: DatabaseService) {}

  /** One multi-row INSERT in the caller's transaction; returns the rows as stored. */
  async insert(manager: EntityManager, rows: NewOutboxMessage[], now: Date): Promise<OutboxMessageEntity[]> {
    if (!rows.length) return [];
    const ids = await this.db.insertRows<{ id: number | string }>(
      manager,
      'outbox_message',
      INSERT_COLUMNS,
      rows.map((r) => [
        r.unitId,
        r.channel,
        r.conversationId,
        r.recipientId,
        r.inboxEventId,
        r.userMessageAt ? r.userMessageAt.getTime() : null,
        r.position,
        0,
        r.origin,
        JSON.stringify(r.message),
        'pending',
        0,
        now.getTime(),
        now.getTime(),
        r.correlationId ?? null,
        r.sourceRef ?? null,
      ]),
      'RETURNING "id"',
    );
    // Ids are drawn in VALUES order (SQLite's rowid, PostgreSQL's sequence); RETURNING's order is
    // not promised, so sort them.
    const sorted = ids.map((r) => Number(r.id)).sort((x, y) => x - y);
    return rows.map((r, i) =>
      Object.assign(new OutboxMessageEntity(), {
        ...r,
        id: sorted[i],
        partsSent: 0,
        status: 'pending' as const,
        attempts: 0,
        nextAttemptAt: now,
        lastError: null,
        platformMessageId: null,
        createdAt: now,
        sentAt: null,
        lockedBy: null,
        correlationId: r.correlationId ?? null,
        sourceRef: r.sourceRef ?? null,
      }),
    );
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

  /**
   * Claims up to `limit` due messages of one channel in one statement — per conversation only the
   * earliest unsent one, so replies keep their order — and opens an attempt for each.
   */
  async claim(
    channel: string | { except: string[] },
    limit: number,
    owner: string,
    now: Date,
    leaseMs: number,
  ): Promise<{ message: OutboxMessageEntity; attemptId: number }[]> {
    if (limit <= 0) return [];
    const lock = this.db.kind === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    // The channel, or every channel but the listed ones (a channel with no sender is claimed too,
    // to fail visibly); the limit comes last, since SQLite binds ? in the order they appear.
    const channels = typeof channel === 'string' ? [channel] : ['', ...channel.except];
    const marks = channels.map((_, i) => `$${i + 4}`).join(', ');
    const which = typeof channel === 'string' ? `m."channel" = $4` : `m."channel" NOT IN (${marks})`;
    const limitMark = `$${channels.length + 4}`;
    return this.db.transaction(async (manager) => {
      // While sending, nextAttemptAt is the lease expiry: an expired send is taken over.
      const rows = await this.db.returning<Record<string, unknown>>(
        manager,
        this.sql(`UPDATE "outbox_message" SET "status" = 'sending', "lockedBy" = $1,
            "nextAttemptAt" = $2, "attempts" = "attempts" + 1
          WHERE "id" ${this.db.inSubquery(`SELECT m."id" FROM "outbox_message" m
            WHERE m."status" IN ('pending', 'sending') AND m."nextAttemptAt" <= $3 AND ${which}
              AND NOT EXISTS (SELECT 1 FROM "outbox_message" p WHERE p."conversationId" = m."conversationId"
                              AND p."id" < m."id" AND p."status" IN ('pending', 'sending'))
            ORDER BY m."id" LIMIT ${limitMark}${lock}`)}
          RETURNING *`),
        [owner, now.getTime() + leaseMs, now.getTime(), ...channels, limit],
      );
      if (!rows.length) return [];
      const messages = rows.map(toOutboxMessage).sort((x, y) => x.id - y.id);
      const opened = await this.db.insertRows<{ id: number | string; outboxId: number | string }>(
        manager,
        'outbox_attempt',
        ['outboxId', 'startedAt'],
        messages.map((m) => [m.id, now.getTime()]),
        'RETURNING "id", "outboxId"',
      );
      const attemptOf = new Map(opened.map((o) => [Number(o.outboxId), Number(o.id)]));
      return messages.map((message) => ({ message, attemptId: attemptOf.get(message.id)! }));
    });
  }

  /**
   * Records attempts' results in one transaction. Each is kept only while `owner` still holds its
   * message; the others come back as LeaseLostError, in the same order.
   */
  async finishMany(
    items: FinishedAttempt[],
    owner: string,
    onEnded?: (manager: EntityManager, ended: FinishedAttempt[]) => Promise<void>,
  ): Promise<Settled<void>[]> {
    return this.db.transaction(async (manager) => {
      // Two statements for the whole batch, whatever its size: on PostgreSQL a statement is a
      // round trip, and two per send were a sixth of a turn's.
      const m = (column: string) => `"outbox_message"."${column}"`;
      const held = await this.db.updateRows<{ id: unknown }>(
        manager,
        'outbox_message',
        FINISH_COLUMNS,
        items.map(({ id, now, next }) => {
          const sent = next.status === 'sent';
          return [
            id,
            next.status,
            next.nextAttemptAt ? next.nextAttemptAt.getTime() : null,
            sent ? now.getTime() : null,
            sent ? 1 : 0,
            sent ? (next.platformMessageId ?? null) : null,
            sent || next.lastError !== undefined ? 1 : 0,
            sent ? null : (next.lastError ?? null),
            next.partsSent ?? null,
          ];
        }),
        // COALESCE and CASE keep what an outcome leaves unset.
        (p) => `SET "status" = v."status", "lockedBy" = NULL,
            "nextAttemptAt" = COALESCE(v."nextAttemptAt", ${m('nextAttemptAt')}),
            "sentAt" = COALESCE(v."sentAt", ${m('sentAt')}),
            "platformMessageId" = CASE WHEN v."setPlatformId" = 1 THEN v."platformMessageId" ELSE ${m('platformMessageId')} END,
            "lastError" = CASE WHEN v."setError" = 1 THEN v."lastError" ELSE ${m('lastError')} END,
            "partsSent" = COALESCE(v."partsSent", ${m('partsSent')})
          FROM v WHERE ${m('id')} = v."id" AND ${m('status')} = 'sending' AND ${m('lockedBy')} = ${p(0)}
          RETURNING ${m('id')} AS "id"`,
        [owner],
      );
      const kept = new Set(held.map((r) => Number(r.id)));
      const done = items.filter((item) => kept.has(item.id));
      if (done.length)
        await this.db.updateRows(
          manager,
          'outbox_attempt',
          ATTEMPT_COLUMNS,
          done.map(({ attemptId, now, attempt }) => [
            attemptId,
            attempt.result,
            attempt.httpStatus,
            attempt.errorCode,
            attempt.error,
            now.getTime(),
          ]),
          () => `SET "result" = v."result", "httpStatus" = v."httpStatus", "errorCode" = v."errorCode",
            "error" = v."error", "finishedAt" = v."finishedAt"
          FROM v WHERE "outbox_attempt"."id" = v."id"`,
        );
      const ended = done.filter((item) => item.sourceRef && item.next.status !== 'pending');
      if (ended.length && onEnded) await onEnded(manager, ended);
      return items.map((item): Settled<void> =>
        kept.has(item.id)
          ? { ok: true, value: undefined }
          : {
              ok: false,
              error: new LeaseLostError(
                `outbox message ${item.id}: lease lost (another worker took it over)`,
              ),
            },
      );
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

  /** Messages waiting to be sent (retries included), counted up to `cap` over the index of open rows. */
  async countPending(cap: number): Promise<number> {
    const rows = await this.db.manager.query<{ n: string | number }[]>(
      `SELECT COUNT(*) AS "n" FROM (SELECT 1 FROM "outbox_message" WHERE "status" = 'pending' LIMIT ${this.db.param(1)}) AS "open"`,
      [cap],
    );
    return Number(rows[0]?.n ?? 0);
  }

  findById(id: number): Promise<OutboxMessageEntity | null> {
    return this.db.manager.findOne(OutboxMessageEntity, { where: { id } });
  }

  /**
   * Deletes finished bot, campaign and notice messages created before `cutoff`, with their attempts,
   * in batches. Staff replies stay: the console transcript reads them from here (bot replies and
   * campaign messages are in the interaction log, campaign results on their recipients, notices on
   * their tickets).
   */
  purgeFinished(cutoff: Date, batch = 1000): Promise<number> {
    const p = (i: number) => this.db.param(i);
    return this.db.deleteInBatches(
      `SELECT "id" FROM "outbox_message" WHERE "origin" IN ('bot', 'campaign', 'promo', 'notice')
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

/** A row as the claim's RETURNING gives it (no entity hydration on the hot path). */
function toOutboxMessage(r: Record<string, unknown>): OutboxMessageEntity {
  return Object.assign(new OutboxMessageEntity(), {
    id: readNumber(r.id),
    unitId: String(r.unitId),
    channel: String(r.channel),
    conversationId: String(r.conversationId),
    recipientId: String(r.recipientId),
    inboxEventId: r.inboxEventId === null ? null : readNumber(r.inboxEventId),
    userMessageAt: readDate(r.userMessageAt),
    position: readNumber(r.position),
    partsSent: readNumber(r.partsSent),
    origin: String(r.origin),
    message: readJson<OutboundMessage>(r.message)!,
    status: String(r.status) as OutboxStatus,
    attempts: readNumber(r.attempts),
    nextAttemptAt: readDate(r.nextAttemptAt)!,
    lastError: readText(r.lastError),
    platformMessageId: readText(r.platformMessageId),
    createdAt: readDate(r.createdAt)!,
    sentAt: readDate(r.sentAt),
    lockedBy: readText(r.lockedBy),
    correlationId: readText(r.correlationId),
    sourceRef: readText(r.sourceRef),
  });
}

/** The values a finished attempt gives its message (finishMany), with their SQL types. */
const FINISH_COLUMNS = [
  ['id', 'integer'],
  ['status', 'text'],
  ['nextAttemptAt', 'bigint'],
  ['sentAt', 'bigint'],
  ['setPlatformId', 'integer'],
  ['platformMessageId', 'text'],
  ['setError', 'integer'],
  ['lastError', 'text'],
  ['partsSent', 'integer'],
] as const;

/** What an attempt records when it ends. */
const ATTEMPT_COLUMNS = [
  ['id', 'integer'],
  ['result', 'text'],
  ['httpStatus', 'integer'],
  ['errorCode', 'text'],
  ['error', 'text'],
  ['finishedAt', 'bigint'],
] as const;
