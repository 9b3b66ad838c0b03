import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../database/columns';

export type InboxStatus = 'pending' | 'processing' | 'done' | 'failed' | 'ignored';

/**
 * A durable inbound event: written before the platform gets its 200, processed after. The text is
 * kept encrypted until the turn is processed, then replaced by its redacted form.
 */
@Entity('inbox_event')
@Index('uq_inbox_external', ['channel', 'externalId'], { unique: true })
@Index('ix_inbox_status', ['status', 'id'])
@Index('ix_inbox_conversation', ['conversationKey', 'id'])
export class InboxEventEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 16 })
  channel: string;

  @Column({ type: 'varchar', length: 191 })
  externalId: string;

  /** Null when the page / OA is not one of ours: acknowledged and recorded, never answered. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  unitId: string | null;

  @Column({ type: 'varchar', length: 128 })
  userId: string;

  /** unit|channel|user: the serialisation key of the worker. */
  @Column({ type: 'varchar', length: 220 })
  conversationKey: string;

  @Column({ type: 'varchar', length: 16 })
  kind: string;

  @Column({ type: 'text', nullable: true })
  text: string | null;

  @Column({ type: 'text', nullable: true })
  payload: string | null;

  @Column({ type: 'simple-json', nullable: true })
  meta: Record<string, string> | null;

  @Column({ type: 'bigint', transformer: epochMs })
  occurredAt: Date;

  @Column({ type: 'bigint', transformer: epochMs })
  receivedAt: Date;

  @Column({ type: 'varchar', length: 12, default: 'pending' })
  status: InboxStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  lockedUntil: Date | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  lockedBy: string | null;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  processedAt: Date | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  correlationId: string | null;
}
