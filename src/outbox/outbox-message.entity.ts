import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../database/columns';
import type { OutboundMessage } from '../messaging/outbound-message';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'window_closed' | 'unreachable';

/** A rendered reply waiting for (or done with) delivery; written in the same transaction as its turn. */
@Entity('outbox_message')
@Index('ix_outbox_due', ['status', 'nextAttemptAt'])
@Index('ix_outbox_conversation', ['conversationId', 'id'])
export class OutboxMessageEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 64 })
  unitId: string;

  @Column({ type: 'varchar', length: 16 })
  channel: string;

  @Column({ type: 'varchar', length: 36 })
  conversationId: string;

  @Column({ type: 'varchar', length: 128 })
  recipientId: string;

  @Column({ type: 'integer', nullable: true })
  inboxEventId: number | null;

  /** When the citizen last wrote before this message: the platforms' reply windows count from it. */
  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  userMessageAt: Date | null;

  /** Order of the message within its turn. */
  @Column({ type: 'integer', default: 0 })
  position: number;

  /** Platform messages already delivered when one reply needs several (long text, then buttons). */
  @Column({ type: 'integer', default: 0 })
  partsSent: number;

  /** bot, or staff (a console reply). */
  @Column({ type: 'varchar', length: 8, default: 'bot' })
  origin: string;

  @Column({ type: 'simple-json' })
  message: OutboundMessage;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: OutboxStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** Not before this instant (backoff); while sending, the lease expiry. */
  @Column({ type: 'bigint', transformer: epochMs })
  nextAttemptAt: Date;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'varchar', length: 128, nullable: true })
  platformMessageId: string | null;

  @Column({ type: 'bigint', transformer: epochMs })
  createdAt: Date;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  sentAt: Date | null;

  /** The worker holding the row while sending: only it may record the result. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  lockedBy: string | null;

  /** The correlation id of the turn (or staff request) that wrote the message: every delivery log carries it. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  correlationId: string | null;

  /** What wrote it when not a turn: "campaign-recipient:<id>", "ticket:<id>"; told the result when it ends. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  sourceRef: string | null;
}
