import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { LeaseLostError } from '../common/errors';
import { readDate, readJson, readNumber, readText } from '../database/columns-read';
import { DatabaseService } from '../database/database.service';
import { InboxEventEntity } from './inbox-event.entity';

export type NewInboxEvent = Omit<
  InboxEventEntity,
  'id' | 'status' | 'attempts' | 'lockedUntil' | 'lockedBy' | 'lastError' | 'processedAt'
> & { status?: InboxEventEntity['status'] };

const INSERT_COLUMNS = [
  'channel',
  'externalId',
  'unitId',
  'userId',
  'conversationKey',
  'kind',
  'text',
  'payload',
  'meta',
  'occurredAt',
  'receivedAt',
  'status',
  'attempts',
  'correlationId',
] as const;

@Injectable()
export class InboxRepository {
  constructor(private readonly db: DatabaseService) {}

  /**
   * Inserts the events not seen before (channel + externalId) with one multi-row statement in one
   * transaction; returns, for each event in order, its id and whether it was new. Two copies of one
   * delivery in the same batch are one event: the second is its duplicate.
   */
  async insertNew(events: NewInboxEvent[]): Promise<{ id: number; duplicate: boolean; status: string }[]> {
    if (!events.length) return [];
    // The platform waits on this commit for its 200: it goes before turns and claims (urgent).
    return this.db.transaction(async (manager) => {
      const keyOf = (e: { channel: string; externalId: string }) => `${e.channel}\u0000${e.externalId}`;
      const first = new Map<string, NewInboxEvent>();
      for (const event of events) if (!first.has(keyOf(event))) first.set(keyOf(event), event);
      const inserted = await this.db.insertRows<{ id: number | string; channel: string; externalId: string }>(
        manager,
        'inbox_event',
        INSERT_COLUMNS,
        [...first.values()].map((e) => [
          e.channel,
          e.externalId,
          e.unitId,
          e.userId,
          e.conversationKey,
          e.kind,
          e.text,
          e.payload,
          e.meta ? JSON.stringify(e.meta) : null,
          e.occurredAt.getTime(),
          e.receivedAt.getTime(),
          e.status ?? 'pending',
          0,
          e.correlationId,
        ]),
        `ON CONFLICT ("channel", "externalId") DO NOTHING RETURNING "id", "channel", "externalId"`,
      );
      const ids = new Map(inserted.map((r) => [keyOf(r), Number(r.id)]));
      const taken = new Set<string>();
      const out: { id: number; duplicate: boolean; status: string }[] = [];
      for (const event of events) {
        const key = keyOf(event);
        const id = ids.get(key);
        if (id !== undefined) {
          out.push({ id, duplicate: taken.has(key), status: event.status ?? 'pending' });
          taken.add(key);
          continue;
        }
        // Stored before this batch (a platform re-delivery): rare, so one look-up each.
        const existing = await manager.findOneOrFail(InboxEventEntity, {
          where: { channel: event.channel, externalId: event.externalId },
          select: { id: true, status: true },
        });
        out.push({ id: existing.id, duplicate: true, status: existing.status });
      }
      return out;
    }, true);
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
   * Claims up to `limit` events in one statement: for each conversation only its earliest open
   * event, and only when nothing earlier of it is still running, so the order within a conversation
   * is kept while different conversations go in parallel. PostgreSQL skips rows another instance is
   * claiming at the same moment (FOR UPDATE SKIP LOCKED); on SQLite the statement is atomic.
   */
  async claim(
    limit: number,
    skipKeys: Set<string>,
    owner: string,
    now: Date,
    leaseMs: number,
  ): Promise<InboxEventEntity[]> {
    if (limit <= 0) return [];
    const lock = this.db.kind === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    // SQLite's planner would rather sort every open row by id than walk the partial index in order.
    const open = this.db.kind === 'sqlite' ? ' INDEXED BY "ix_inbox_open"' : '';
    // In a transaction so that SQLite's one connection runs it between, never inside, other writes.
    const rows = await this.db.transaction((manager) =>
      this.db.returning<Record<string, unknown>>(
        manager,
        this.sql(`UPDATE "inbox_event" SET "status" = 'processing', "lockedBy" = $1, "lockedUntil" = $2,
          "attempts" = "attempts" + 1
        WHERE "id" ${this.db.inSubquery(`SELECT e."id" FROM "inbox_event" e${open}
          WHERE e."status" IN ('pending', 'processing')
            AND ((e."status" = 'pending' AND (e."lockedUntil" IS NULL OR e."lockedUntil" <= $3))
                 OR (e."status" = 'processing' AND e."lockedUntil" <= $4))
            AND NOT EXISTS (SELECT 1 FROM "inbox_event" p WHERE p."conversationKey" = e."conversationKey"
                            AND p."id" < e."id" AND p."status" IN ('pending', 'processing'))
          ORDER BY e."id" LIMIT $5${lock}`)}
        RETURNING *`),
        [owner, now.getTime() + leaseMs, now.getTime(), now.getTime(), limit],
      ),
    );
    if (!rows.length) return [];
    const claimed = rows.map(toInboxEvent).sort((a, b) => a.id - b.id);
    // A conversation this worker is still running (its claim outlived the lease): give it back.
    const mine = claimed.filter((r) => skipKeys.has(r.conversationKey)).map((r) => r.id);
    if (mine.length) {
      await this.db.transaction((manager) =>
        manager.query(
          this.sql(`UPDATE "inbox_event" SET "status" = 'pending', "lockedBy" = NULL, "lockedUntil" = NULL,
          "attempts" = "attempts" - 1 WHERE "lockedBy" = $1 AND "id" IN (${mine.map(Number).join(', ')})`),
          [owner],
        ),
      );
    }
    return claimed.filter((r) => !mine.includes(r.id));
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
    const affected = await this.db.execute(
      manager,
      this.sql(`UPDATE "inbox_event" SET "status" = $1, "text" = $2, "processedAt" = $3, "lockedBy" = NULL,
        "lockedUntil" = NULL, "lastError" = NULL WHERE "id" = $4 AND "status" = 'processing' AND "lockedBy" = $5`),
      [status, redactedText, now.getTime(), id, owner],
    );
    if (!affected) throw new LeaseLostError(`inbox event ${id}: lease lost (another worker took it over)`);
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

  /** Pending events, counted up to `cap` over the index of open rows: a scrape never walks a huge backlog. */
  async countPending(cap: number): Promise<number> {
    const rows = await this.db.manager.query<{ n: string | number }[]>(
      `SELECT COUNT(*) AS "n" FROM (SELECT 1 FROM "inbox_event" WHERE "status" = 'pending' LIMIT ${this.db.param(1)}) AS "open"`,
      [cap],
    );
    return Number(rows[0]?.n ?? 0);
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

/** A row as the claim's RETURNING gives it (no entity hydration on the hot path). */
function toInboxEvent(r: Record<string, unknown>): InboxEventEntity {
  return Object.assign(new InboxEventEntity(), {
    id: readNumber(r.id),
    channel: String(r.channel),
    externalId: String(r.externalId),
    unitId: readText(r.unitId),
    userId: String(r.userId),
    conversationKey: String(r.conversationKey),
    kind: String(r.kind),
    text: readText(r.text),
    payload: readText(r.payload),
    meta: readJson<Record<string, string>>(r.meta),
    occurredAt: readDate(r.occurredAt)!,
    receivedAt: readDate(r.receivedAt)!,
    status: String(r.status) as InboxEventEntity['status'],
    attempts: readNumber(r.attempts),
    lockedUntil: readDate(r.lockedUntil),
    lockedBy: readText(r.lockedBy),
    lastError: readText(r.lastError),
    processedAt: readDate(r.processedAt),
    correlationId: readText(r.correlationId),
  });
}
