import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { readText } from '../database/columns-read';
import { DatabaseService } from '../database/database.service';
import { jsonRowsSql } from '../database/json-rows';
import type { Audience } from '../messaging/audience';
import { GENESIS_HASH, type RecordKind } from './hash-chain';
import { InteractionChainEntity } from './interaction-chain.entity';
import { InteractionRetentionEntity } from './interaction-retention.entity';
import { InteractionRecordEntity } from './interaction-record.entity';
import type { LogRecord } from './log-record';

const INSERT_COLUMNS = [
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
  'kind',
  'sourceKey',
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
      INSERT_COLUMNS,
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
        r.kind,
        r.sourceKey,
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
   * Up to `size` records of one unit with afterSeq < seq <= throughSeq, in chain order: a keyset page
   * on (unitId, seq), each record read as one JSON text (no entity, no driver property per column).
   */
  async recordPage(unitId: string, afterSeq: number, throughSeq: number, size: number): Promise<LogRecord[]> {
    const p = (i: number) => this.db.param(i);
    const sql = jsonRowsSql(this.db.kind, {
      columns: RECORD_COLUMNS.map((c) => `"${c}"`),
      real: ['"confidence"'],
      rest: `FROM "interaction_record" WHERE "unitId" = ${p(1)} AND "seq" > ${p(2)} AND "seq" <= ${p(3)}
        ORDER BY "seq" LIMIT ${size}`,
    });
    const rows = await this.db.manager.query<{ row: string }[]>(sql, [unitId, afterSeq, throughSeq]);
    return rows.map((r) => toLogRecord(JSON.parse(r.row) as unknown[]));
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

/** What a read of the log returns: the row id, then the inserted columns. */
const RECORD_COLUMNS = ['id', ...INSERT_COLUMNS] as const;

type Value = string | number | null;
const num = (v: Value) => (v === null ? null : Number(v));

/** The values the entity would have given the hash: replyKeys parsed, a NULL audience absent. */
function toLogRecord(values: unknown[]): LogRecord {
  const v = values as Value[];
  return {
    id: Number(v[0]),
    unitId: String(v[1]),
    seq: Number(v[2]),
    occurredAt: Number(v[3]),
    channel: String(v[4]),
    conversationId: String(v[5]),
    userKey: String(v[6]),
    language: String(v[7]),
    intent: String(v[8]),
    topic: readText(v[9]),
    confidence: num(v[10]),
    userText: readText(v[11]),
    replyText: String(v[12]),
    replyKeys: parseReplyKeys(String(v[13])),
    contentVersion: String(v[14]),
    planItems: String(v[15] ?? ''),
    outcome: String(v[16]),
    satisfaction: readText(v[17]),
    latencyMs: Number(v[18]),
    inboxEventId: num(v[19]),
    // Whatever it holds is hashed (an edited value must fail); only NULL is absent.
    audience: (readText(v[20]) ?? undefined) as Audience | undefined,
    prevHash: String(v[21]),
    hash: String(v[22]),
    kind: (readText(v[23]) ?? undefined) as RecordKind | undefined,
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
