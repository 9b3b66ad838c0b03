import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DatabaseService } from '../database/database.service';
import { GENESIS_HASH } from './hash-chain';
import { InteractionChainEntity } from './interaction-chain.entity';
import { InteractionRetentionEntity } from './interaction-retention.entity';
import { InteractionRecordEntity } from './interaction-record.entity';
import type { ReportRow } from './report-row';

const RECORD_COLUMNS = [
  'unitId',
  'seq',
  'occurredAt',
  'channel',
  'conversationId',
  'userKey',
  'language',
  'intent',
  'topic',
  'confidence',
  'userText',
  'replyText',
  'replyKeys',
  'contentVersion',
  'planItems',
  'outcome',
  'satisfaction',
  'latencyMs',
  'inboxEventId',
  'audience',
  'prevHash',
  'hash',
] as const;

/** The only writer of interaction_record: inserts, never updates or deletes. */
@Injectable()
export class InteractionRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Locks and returns the unit's chain head inside the caller's transaction. */
  async lockHead(manager: EntityManager, unitId: string): Promise<{ seq: number; hash: string }> {
    const sql = `SELECT "seq", "hash" FROM "interaction_chain" WHERE "unitId" = ${this.db.param(1)}${this.db.forUpdate}`;
    let rows = await manager.query<{ seq: string | number; hash: string }[]>(sql, [unitId]);
    if (!rows.length) {
      await manager
        .createQueryBuilder()
        .insert()
        .into(InteractionChainEntity)
        .values({ unitId, seq: 0, hash: GENESIS_HASH })
        .orIgnore()
        .execute();
      rows = await manager.query<{ seq: string | number; hash: string }[]>(sql, [unitId]);
    }
    return { seq: Number(rows[0].seq), hash: rows[0].hash };
  }

  /** Many records in one statement (in the caller's transaction, after lockHead). */
  async insertMany(manager: EntityManager, records: Omit<InteractionRecordEntity, 'id'>[]): Promise<void> {
    if (!records.length) return;
    await this.db.insertRows(
      manager,
      'interaction_record',
      RECORD_COLUMNS,
      records.map((r) => [
        r.unitId,
        r.seq,
        r.occurredAt.getTime(),
        r.channel,
        r.conversationId,
        r.userKey,
        r.language,
        r.intent,
        r.topic,
        r.confidence,
        r.userText,
        r.replyText,
        JSON.stringify(r.replyKeys),
        r.contentVersion,
        r.planItems,
        r.outcome,
        r.satisfaction,
        r.latencyMs,
        r.inboxEventId,
        r.audience,
        r.prevHash,
        r.hash,
      ]),
    );
  }

  /** The unit's new head, after insertMany (the row is locked by lockHead). */
  async moveHead(manager: EntityManager, unitId: string, seq: number, hash: string): Promise<void> {
    const p = (i: number) => this.db.param(i);
    await manager.query(
      `UPDATE "interaction_chain" SET "seq" = ${p(1)}, "hash" = ${p(2)} WHERE "unitId" = ${p(3)}`,
      [seq, hash, unitId],
    );
  }

  /** Records of one unit in chain order, in pages (for verification and exports). */
  async page(unitId: string, afterSeq: number, limit: number): Promise<InteractionRecordEntity[]> {
    return this.db.manager
      .getRepository(InteractionRecordEntity)
      .createQueryBuilder('r')
      .where('r.unitId = :unitId AND r.seq > :afterSeq', { unitId, afterSeq })
      .orderBy('r.seq', 'ASC')
      .limit(limit)
      .getMany();
  }

  async byConversation(conversationId: string): Promise<InteractionRecordEntity[]> {
    return this.db.manager.getRepository(InteractionRecordEntity).find({
      where: { conversationId },
      order: { seq: 'ASC' },
    });
  }

  async byInboxEvent(inboxEventId: number): Promise<InteractionRecordEntity | null> {
    return this.db.manager.getRepository(InteractionRecordEntity).findOne({ where: { inboxEventId } });
  }

  async head(unitId: string): Promise<{ seq: number; hash: string } | null> {
    const row = await this.db.manager.getRepository(InteractionChainEntity).findOne({ where: { unitId } });
    return row ? { seq: row.seq, hash: row.hash } : null;
  }

  /** Records of one unit from `afterSeq` on, in chain order, page by page (keyset; constant memory). */
  async *pagesBySeq(
    unitId: string,
    afterSeq: number,
    size = 5000,
  ): AsyncGenerator<InteractionRecordEntity[]> {
    let cursor = afterSeq;
    for (;;) {
      const page = await this.page(unitId, cursor, size);
      if (!page.length) return;
      yield page;
      cursor = page[page.length - 1].seq;
      if (page.length < size) return;
    }
  }

  /**
   * The columns a report reads, for a unit's records in [from, to), in time order: raw rows (no
   * entity hydration) in keyset pages, so a million records stream in constant memory.
   */
  async *reportRows(unitId: string, from: Date, to: Date, size = 5000): AsyncGenerator<ReportRow[]> {
    const p = (i: number) => this.db.param(i);
    const columns = `"id", "unitId", "seq", "occurredAt", "channel", "conversationId", "userKey", "language", "intent", "topic",
      "confidence", "userText", "replyKeys", "contentVersion", "planItems", "outcome", "satisfaction", "latencyMs", "audience", "hash"`;
    let after: { at: number; id: number } | null = null;
    for (;;) {
      const rows: Record<string, unknown>[] = after
        ? await this.db.manager.query(
            // A plain range on occurredAt keeps the (unitId, occurredAt) index usable; the OR only
            // skips the rows of the boundary instant already read.
            `SELECT ${columns} FROM "interaction_record" WHERE "unitId" = ${p(1)} AND "occurredAt" < ${p(2)}
               AND "occurredAt" >= ${p(3)} AND ("occurredAt" > ${p(4)} OR "id" > ${p(5)})
             ORDER BY "occurredAt", "id" LIMIT ${size}`,
            [unitId, to.getTime(), after.at, after.at, after.id],
          )
        : await this.db.manager.query(
            `SELECT ${columns} FROM "interaction_record" WHERE "unitId" = ${p(1)} AND "occurredAt" >= ${p(2)}
               AND "occurredAt" < ${p(3)} ORDER BY "occurredAt", "id" LIMIT ${size}`,
            [unitId, from.getTime(), to.getTime()],
          );
      if (!rows.length) return;
      const page = rows.map(toReportRow);
      yield page;
      const last = page[page.length - 1];
      after = { at: last.occurredAt, id: last.id };
      if (rows.length < size) return;
    }
  }

  async unitIds(): Promise<string[]> {
    const rows = await this.db.manager
      .getRepository(InteractionChainEntity)
      .find({ select: { unitId: true } });
    return rows.map((r) => r.unitId).sort();
  }

  retentionAnchor(unitId: string): Promise<InteractionRetentionEntity | null> {
    return this.db.manager
      .getRepository(InteractionRetentionEntity)
      .findOne({ where: { unitId }, order: { throughSeq: 'DESC' } });
  }

  /**
   * Retention, the only deletion of interaction records: the anchor is written first (the database
   * trigger allows deleting only what an anchor covers), then every record up to it, in one transaction.
   */
  async removeThrough(anchor: Omit<InteractionRetentionEntity, 'id'>): Promise<number> {
    return this.db.transaction(async (manager) => {
      await manager.save(manager.create(InteractionRetentionEntity, anchor));
      const result = await manager
        .createQueryBuilder()
        .delete()
        .from(InteractionRecordEntity)
        .where('"unitId" = :unitId AND seq <= :seq', { unitId: anchor.unitId, seq: anchor.throughSeq })
        .execute();
      return result.affected ?? 0;
    });
  }
}

/** PostgreSQL returns bigint as strings and SQLite may return numbers: one shape for both. */
function toReportRow(raw: Record<string, unknown>): ReportRow {
  const r = raw as Record<string, string | number | null>;
  const num = (v: unknown) => Number(v);
  const str = (v: string | number | null | undefined) => (v === null || v === undefined ? null : String(v));
  return {
    id: num(r.id),
    unitId: String(r.unitId),
    seq: num(r.seq),
    occurredAt: num(r.occurredAt),
    channel: String(r.channel),
    conversationId: String(r.conversationId),
    userKey: String(r.userKey),
    language: String(r.language),
    intent: String(r.intent),
    topic: str(r.topic),
    confidence: r.confidence === null || r.confidence === undefined ? null : num(r.confidence),
    userText: str(r.userText),
    replyKeys: String(r.replyKeys),
    contentVersion: String(r.contentVersion),
    planItems: String(r.planItems ?? ''),
    outcome: String(r.outcome),
    satisfaction: str(r.satisfaction),
    latencyMs: num(r.latencyMs),
    audience: r.audience === 'playground' ? 'playground' : r.audience === 'public' ? 'public' : undefined,
    hash: String(r.hash),
  };
}
