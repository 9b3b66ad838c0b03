import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../database/columns';

/** One login try, keyed by "email:<address>" or "ip:<address>", for rate limiting and lock-out. */
@Entity('console_login_attempt')
export class LoginAttemptEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 200 })
  key: string;

  @Column({ type: 'bigint', transformer: epochMs })
  at: Date;

  @Column({ type: 'boolean' })
  success: boolean;
}
