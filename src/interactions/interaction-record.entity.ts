import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber, epochMs } from '../database/columns';
import type { Audience } from '../messaging/audience';
import type { RecordKind } from './hash-chain';

/**
 * One turn, as evidence. Append-only: no code path updates or deletes a row; each row is chained
 * to the previous one of its unit by SHA-256.
 */
@Entity('interaction_record')
@Index('uq_interaction_seq', ['unitId', 'seq'], { unique: true })
@Index('ix_interaction_time', ['unitId', 'occurredAt'])
@Index('ix_interaction_conversation', ['conversationId', 'seq'])
@Index('uq_interaction_inbox_event', ['inboxEventId'], { unique: true })
export class InteractionRecordEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 64 })
  unitId: string;

  /** Position in the unit's chain, from 1. */
  @Column({ type: 'bigint', transformer: bigintNumber })
  seq: number;

  @Column({ type: 'bigint', transformer: epochMs })
  occurredAt: Date;

  @Column({ type: 'varchar', length: 16 })
  channel: string;

  @Column({ type: 'varchar', length: 36 })
  conversationId: string;

  @Column({ type: 'varchar', length: 64 })
  userKey: string;

  @Column({ type: 'varchar', length: 2 })
  language: string;

  @Column({ type: 'varchar', length: 32 })
  intent: string;

  @Column({ type: 'varchar', length: 48, nullable: true })
  topic: string | null;

  @Column({ type: 'double precision', nullable: true })
  confidence: number | null;

  /** Redacted, and only when the citizen consented. */
  @Column({ type: 'text', nullable: true })
  userText: string | null;

  /** The reply as sent, rendered and redacted. */
  @Column({ type: 'text' })
  replyText: string;

  @Column({ type: 'simple-json' })
  replyKeys: string[];

  @Column({ type: 'varchar', length: 16 })
  contentVersion: string;

  /** Plan items served, comma-separated with leading and trailing commas (",vneid,english_programme,"). */
  @Column({ type: 'varchar', length: 255 })
  planItems: string;

  @Column({ type: 'varchar', length: 12 })
  outcome: string;

  @Column({ type: 'varchar', length: 4, nullable: true })
  satisfaction: string | null;

  @Column({ type: 'integer' })
  latencyMs: number;

  @Column({ type: 'integer', nullable: true })
  inboxEventId: number | null;

  /** public | playground (web chat tried out, counted nowhere); NULL on older records = public. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  audience: Audience | null;

  /** What the record is when not a turn ('campaign': a campaign message sent); chained when set. */
  @Column({ type: 'varchar', length: 12, nullable: true })
  kind: RecordKind | null;

  /** What produced it when not a turn (e.g. "outbox:<id>"): unique, so it is never recorded twice. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  sourceKey: string | null;

  @Column({ type: 'varchar', length: 64 })
  prevHash: string;

  @Column({ type: 'varchar', length: 64 })
  hash: string;
}
