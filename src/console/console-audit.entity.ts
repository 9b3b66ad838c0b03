import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../database/columns';

export type AuditAction =
  | 'login'
  | 'login_failed'
  | 'logout'
  | 'export'
  | 'ticket_status'
  | 'ticket_reply'
  | 'handoff_reply'
  | 'handoff_release'
  | 'training_add'
  | 'training_remove'
  | 'user_add'
  | 'user_active'
  | 'unit_details'
  | 'campaign_draft'
  | 'campaign_approve'
  | 'campaign_send'
  | 'campaign_cancel';

/** Who did what and when in the console. Details are redacted (no phone numbers, IDs or e-mails). */
@Entity('console_audit')
export class ConsoleAuditEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'bigint', transformer: epochMs })
  at: Date;

  @Column({ type: 'integer', nullable: true })
  userId: number | null;

  @Column({ type: 'varchar', length: 191 })
  email: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  unitId: string | null;

  @Column({ type: 'varchar', length: 32 })
  action: AuditAction;

  @Column({ type: 'varchar', length: 191, nullable: true })
  target: string | null;

  @Column({ type: 'text', nullable: true })
  detail: string | null;
}
