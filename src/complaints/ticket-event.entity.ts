import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../database/columns';

/** The history of a ticket: created, status changes with a note, replies to the citizen. */
@Entity('ticket_event')
@Index('ix_ticket_event', ['ticketId', 'id'])
export class TicketEventEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer' })
  ticketId: number;

  @Column({ type: 'bigint', transformer: epochMs })
  at: Date;

  /** citizen, bot, or the staff account's e-mail. */
  @Column({ type: 'varchar', length: 191 })
  actor: string;

  /** created | status | reply | note */
  @Column({ type: 'varchar', length: 12 })
  kind: string;

  @Column({ type: 'varchar', length: 12, nullable: true })
  fromStatus: string | null;

  @Column({ type: 'varchar', length: 12, nullable: true })
  toStatus: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;
}
