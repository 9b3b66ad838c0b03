import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../database/columns';

/** One delivery attempt; written before the call, completed after, so a crash mid-call stays visible. */
@Entity('outbox_attempt')
@Index('ix_attempt_message', ['outboxId', 'id'])
export class OutboxAttemptEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer' })
  outboxId: number;

  @Column({ type: 'bigint', transformer: epochMs })
  startedAt: Date;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  finishedAt: Date | null;

  /** ok | transient | permanent | window_closed | unreachable; null while in flight (or interrupted). */
  @Column({ type: 'varchar', length: 16, nullable: true })
  result: string | null;

  @Column({ type: 'integer', nullable: true })
  httpStatus: number | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  errorCode: string | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;
}
