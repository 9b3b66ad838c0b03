import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DatabaseService } from '../database/database.service';
import type { Audience } from '../messaging/audience';
import { GENESIS_HASH } from './hash-chain';
import { InteractionChainEntity } from './interaction-chain.entity';
import { InteractionRetentionEntity } from './interaction-retention.entity';
import { InteractionRecordEntity } from './interaction-record.entity';
import type { LogRecord } from './log-record';

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

  async append(
    manager: EntityManager,
    record: Omit<InteractionRecordEntity, 'id'>,
  ): Promise<InteractionRecordEntity> {
    const saved = await manager
      .getRepository(InteractionRecordEntity)
      .save(manager.create(InteractionRecordEntity, record));
    await manager.update(
      InteractionChainEntity,
      { unitId: record.unitId },
      { seq: record.seq, hash: record.hash },
    );
    return saved;
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

  /**
   * Records of one unit with afterSeq < seq <= throughSeq, in chain order: raw rows (no entity
   * hydration) in keyset pages on (unitId, seq). The next page is asked for before the current one is
   * handed out, so the database reads it while the caller works on this one.
   */
  async *recordPages(
    unitId: string,
    afterSeq: number,
    throughSeq: number,
    size = 2000,
  ): AsyncGenerator<LogRecord[]> {
    const p = (i: number) => this.db.param(i);
    const sql = `SELECT ${RECORD_COLUMNS} FROM "interaction_record"
      WHERE "unitId" = ${p(1)} AND "seq" > ${p(2)} AND "seq" <= ${p(3)} ORDER BY "seq" LIMIT ${size}`;
    const read = (after: number) =>
      this.db.manager.query<Record<string, unknown>[]>(sql, [unitId, after, throughSeq]);
    let next = afterSeq < throughSeq ? read(afterSeq) : null;
    try {
      while (next) {
        const rows = await next;
        next = null;
        if (!rows.length) return;
        const page = rows.map(toLogRecord);
        const last = page[page.length - 1].seq;
        if (rows.length === size && last < throughSeq) next = read(last);
        yield page;
      }
    } finally {
      // A caller that stopped early must not leave a read in flight to fail unobserved.
      await next?.catch(() => undefined);
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

const RECORD_COLUMNS = [
  'id',
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
]
  .map((c) => `"${c}"`)
  .join(', ');

/**
 * One shape for both databases (PostgreSQL returns bigint as strings, SQLite numbers), and the values
 * the entity would have given the hash: replyKeys parsed, a NULL audience absent.
 */
function toLogRecord(raw: Record<string, unknown>): LogRecord {
  const r = raw as Record<string, string | number | null | undefined>;
  const text = (v: string | number | null | undefined) => (v === null || v === undefined ? null : String(v));
  const num = (v: string | number | null | undefined) => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(r.id),
    unitId: String(r.unitId),
    seq: Number(r.seq),
    occurredAt: Number(r.occurredAt),
    channel: String(r.channel),
    conversationId: String(r.conversationId),
    userKey: String(r.userKey),
    language: String(r.language),
    intent: String(r.intent),
    topic: text(r.topic),
    confidence: num(r.confidence),
    userText: text(r.userText),
    replyText: String(r.replyText),
    replyKeys: parseReplyKeys(String(r.replyKeys)),
    contentVersion: String(r.contentVersion),
    planItems: String(r.planItems ?? ''),
    outcome: String(r.outcome),
    satisfaction: text(r.satisfaction),
    latencyMs: Number(r.latencyMs),
    inboxEventId: num(r.inboxEventId),
    // Whatever it holds is hashed (an edited value must fail); only NULL is absent.
    audience: (text(r.audience) ?? undefined) as Audience | undefined,
    prevHash: String(r.prevHash),
    hash: String(r.hash),
  };
}

/** Stored as JSON text (simple-json); text that does not parse is kept, so its hash fails rather than the read. */
function parseReplyKeys(text: string): string[] {
  try {
    return JSON.parse(text) as string[];
  } catch {
    return text as unknown as string[];
  }
}
