import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../database/columns';

export type TicketStatus = 'received' | 'in_progress' | 'resolved' | 'rejected';

/**
 * A complaint or piece of feedback taken in the chat. The code (PA-2026-000123) is the citizen's
 * key to its status from any channel; the description and the contact are for staff only.
 */
@Entity('complaint_ticket')
@Index('uq_ticket_code', ['code'], { unique: true })
@Index('ix_ticket_unit', ['unitId', 'status', 'id'])
@Index('ix_ticket_created', ['unitId', 'createdAt'])
@Index('uq_ticket_source', ['sourceKey'], { unique: true })
export class ComplaintTicketEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 20 })
  code: string;

  @Column({ type: 'varchar', length: 64 })
  unitId: string;

  @Column({ type: 'varchar', length: 36 })
  conversationId: string;

  @Column({ type: 'varchar', length: 16 })
  channel: string;

  @Column({ type: 'varchar', length: 2 })
  language: string;

  @Column({ type: 'varchar', length: 12, default: 'received' })
  status: TicketStatus;

  /** What happened: clear text only when the author consented, redacted otherwise. */
  @Column({ type: 'text' })
  description: string;

  /** Where / which department. */
  @Column({ type: 'text', nullable: true })
  location: string | null;

  /** When it happened, as the citizen said it. */
  @Column({ type: 'text', nullable: true })
  occurredWhen: string | null;

  /** A contact given with consent, sealed (SecretBox); staff only. */
  @Column({ type: 'text', nullable: true })
  contact: string | null;

  @Column({ type: 'boolean', default: false })
  contactConsent: boolean;

  /** The unit's latest answer to the citizen (shown on a status look-up). */
  @Column({ type: 'text', nullable: true })
  response: string | null;

  @Column({ type: 'bigint', transformer: epochMs })
  createdAt: Date;

  @Column({ type: 'bigint', transformer: epochMs })
  updatedAt: Date;

  /** The turn that filed it (opaque, one per inbound event): a re-run of that turn gets this ticket back. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  sourceKey: string | null;

  /** When it reached resolved or rejected (handled). */
  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  handledAt: Date | null;

  /** The last notice to the citizen in his channel: queued, sent, window_closed, failed; null = none tried. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  noticeStatus: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  noticeAt: Date | null;
}
