import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { LeaseLostError } from '../common/errors';
import { DatabaseService } from '../database/database.service';
import { InboxEventEntity } from './inbox-event.entity';

export type NewInboxEvent = Omit<
  InboxEventEntity,
  'id' | 'status' | 'attempts' | 'lockedUntil' | 'lockedBy' | 'lastError' | 'processedAt'
> & { status?: InboxEventEntity['status'] };

// Claimable: pending and due, or a claim whose lease expired (its worker died or stalled). An
// expired claim is itself the earliest candidate of its conversation, so it blocks nothing forever.
const CLAIMABLE = `(("status" = 'pending' AND ("lockedUntil" IS NULL OR "lockedUntil" <= :now))
  OR ("status" = 'processing' AND "lockedUntil" <= :now))`;

@Injectable()
export class InboxRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Inserts the events not seen before (channel + externalId) in one transaction; returns each id and whether it was new. */
  async insertNew(events: NewInboxEvent[]): Promise<{ id: number; duplicate: boolean; status: string }[]> {
    return this.db.transaction(async (manager) => {
      const out: { id: number; duplicate: boolean; status: string }[] = [];
      for (const event of events) {
        const result = await manager
          .createQueryBuilder()
          .insert()
          .into(InboxEventEntity)
          .values({ ...event, status: event.status ?? 'pending', attempts: 0 })
          .orIgnore()
          .execute();
        const inserted = result.identifiers[0]?.id as number | undefined;
        if (
          inserted !== undefined &&
          result.raw !== undefined &&
          (await this.isNew(manager, event, inserted))
        ) {
          out.push({ id: inserted, duplicate: false, status: event.status ?? 'pending' });
        } else {
          const existing = await manager.findOneOrFail(InboxEventEntity, {
            where: { channel: event.channel, externalId: event.externalId },
            select: { id: true, status: true },
          });
          out.push({ id: existing.id, duplicate: true, status: existing.status });
        }
      }
      return out;
    });
  }

  // SQLite reports the last rowid even when OR IGNORE skipped the row: confirm it is ours.
  private async isNew(manager: EntityManager, event: NewInboxEvent, id: number): Promise<boolean> {
    const row = await manager.findOne(InboxEventEntity, {
      where: { id },
      select: { id: true, channel: true, externalId: true },
    });
    return !!row && row.channel === event.channel && row.externalId === event.externalId;
  }

  /** Makes in-flight rows claimable again after a crash (all of them on SQLite: one process). */
  async recover(now: Date, everything: boolean): Promise<number> {
    return this.db.transaction(async (manager) => {
      const qb = manager
        .createQueryBuilder()
        .update(InboxEventEntity)
        .set({ status: 'pending', lockedBy: null, lockedUntil: null })
        .where('status = :status', { status: 'processing' });
      if (!everything) qb.andWhere('"lockedUntil" < :now', { now: now.getTime() });
      const result = await qb.execute();
      return result.affected ?? 0;
    });
  }

  /**
   * Claims up to `limit` events whose conversation has nothing earlier still waiting or running:
   * the order within a conversation is kept, different conversations go in parallel.
   */
  async claim(
    limit: number,
    skipKeys: Set<string>,
    owner: string,
    now: Date,
    leaseMs: number,
  ): Promise<InboxEventEntity[]> {
    if (limit <= 0) return [];
    const candidates = await this.db.manager.query<{ id: number | string; conversationKey: string }[]>(
      this.sql(`SELECT e."id", e."conversationKey" FROM "inbox_event" e
        WHERE ((e."status" = 'pending' AND (e."lockedUntil" IS NULL OR e."lockedUntil" <= $1))
               OR (e."status" = 'processing' AND e."lockedUntil" <= $2))
          AND NOT EXISTS (SELECT 1 FROM "inbox_event" p WHERE p."conversationKey" = e."conversationKey"
                          AND p."id" < e."id" AND p."status" IN ('pending', 'processing'))
        ORDER BY e."id" LIMIT $3`),
      [now.getTime(), now.getTime(), limit * 4 + skipKeys.size],
    );
    const picked: number[] = [];
    const keys = new Set(skipKeys);
    for (const c of candidates) {
      if (picked.length >= limit) break;
      if (keys.has(c.conversationKey)) continue;
      keys.add(c.conversationKey);
      picked.push(Number(c.id));
    }
    const claimed: number[] = [];
    for (const id of picked) {
      const ok = await this.db.transaction(async (manager) => {
        const result = await manager
          .createQueryBuilder()
          .update(InboxEventEntity)
          .set({
            status: 'processing',
            lockedBy: owner,
            lockedUntil: new Date(now.getTime() + leaseMs),
            attempts: () => '"attempts" + 1',
          })
          .where(`id = :id AND ${CLAIMABLE}`, { id, now: now.getTime() })
          .execute();
        return (result.affected ?? 0) > 0;
      });
      if (ok) claimed.push(id);
    }
    if (!claimed.length) return [];
    return this.db.manager.find(InboxEventEntity, { where: { id: In(claimed) }, order: { id: 'ASC' } });
  }

  /**
   * Inside the turn's transaction: done, with the text replaced by its redacted form — only while
   * `owner` still holds the claim; otherwise throws LeaseLostError so the whole turn rolls back.
   */
  async complete(
    manager: EntityManager,
    id: number,
    owner: string,
    status: 'done' | 'ignored',
    redactedText: string | null,
    now: Date,
  ): Promise<void> {
    const result = await manager
      .createQueryBuilder()
      .update(InboxEventEntity)
      .set({
        status,
        text: redactedText,
        processedAt: now,
        lockedBy: null,
        lockedUntil: null,
        lastError: null,
      })
      .where('id = :id AND status = :status AND "lockedBy" = :owner', { id, status: 'processing', owner })
      .execute();
    if (!result.affected)
      throw new LeaseLostError(`inbox event ${id}: lease lost (another worker took it over)`);
  }

  /** Heartbeat: extends the lease of every row `owner` is processing, in one statement. */
  async extendLeases(owner: string, until: Date): Promise<number> {
    const result = await this.db.manager
      .createQueryBuilder()
      .update(InboxEventEntity)
      .set({ lockedUntil: until })
      .where('status = :status AND "lockedBy" = :owner', { status: 'processing', owner })
      .execute();
    return result.affected ?? 0;
  }

  /** Gives the row back (retry later, or failed) — only while `owner` still holds it. */
  async release(id: number, owner: string, error: string, retryAt: Date | null): Promise<void> {
    await this.db.transaction((manager) =>
      manager.update(
        InboxEventEntity,
        { id, status: 'processing', lockedBy: owner },
        retryAt
          ? { status: 'pending', lockedBy: null, lockedUntil: retryAt, lastError: error.slice(0, 2000) }
          : { status: 'failed', lockedBy: null, lockedUntil: null, lastError: error.slice(0, 2000) },
      ),
    );
  }

  findById(id: number): Promise<InboxEventEntity | null> {
    return this.db.manager.findOne(InboxEventEntity, { where: { id } });
  }

  /** The open and failed rows only: the status index answers it without reading processed rows. */
  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.db.manager.query<{ status: string; n: string | number }[]>(
      `SELECT "status", COUNT(*) AS "n" FROM "inbox_event" WHERE "status" IN ('pending', 'processing', 'failed')
       GROUP BY "status"`,
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  async hasPending(): Promise<boolean> {
    const rows = await this.db.manager.query<unknown[]>(
      `SELECT 1 FROM "inbox_event" WHERE "status" = 'pending' LIMIT 1`,
    );
    return rows.length > 0;
  }

  /** Deletes processed events received before `cutoff`, `batch` rows per transaction; returns the count. */
  purgeProcessed(cutoff: Date, batch = 1000): Promise<number> {
    const p = (i: number) => this.db.param(i);
    return this.db.deleteInBatches(
      `SELECT "id" FROM "inbox_event" WHERE "status" IN ('done', 'ignored', 'failed')
        AND "receivedAt" < ${p(1)} ORDER BY "id" LIMIT ${p(2)}`,
      [cutoff.getTime()],
      (manager, ids) => manager.delete(InboxEventEntity, { id: In(ids) }),
      batch,
    );
  }

  private sql(text: string): string {
    return this.db.kind === 'sqlite' ? text.replace(/\$\d+/g, '?') : text;
  }
}
