import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../database/columns';

type StaffRequestKind = 'handoff' | 'data_deletion' | 'callback';

/** Something a person at the unit must do: take over a conversation, call back, delete data. */
@Entity('staff_request')
@Index('ix_staff_request_open', ['unitId', 'status', 'id'])
export class StaffRequestEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 64 })
  unitId: string;

  @Column({ type: 'varchar', length: 36 })
  conversationId: string;

  @Column({ type: 'varchar', length: 16 })
  kind: StaffRequestKind;

  /** open | closed */
  @Column({ type: 'varchar', length: 8, default: 'open' })
  status: string;

  /** A contact the citizen chose to give (sealed with SecretBox; staff only). */
  @Column({ type: 'text', nullable: true })
  contact: string | null;

  @Column({ type: 'bigint', transformer: epochMs })
  createdAt: Date;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  closedAt: Date | null;

  @Column({ type: 'varchar', length: 191, nullable: true })
  closedBy: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;
}
