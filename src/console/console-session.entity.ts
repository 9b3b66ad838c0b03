import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns';

/** A signed-in browser. Only the SHA-256 of the cookie's token is stored: a database leak opens no session. */
@Entity('console_session')
export class ConsoleSessionEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ type: 'integer' })
  userId: number;

  @Column({ type: 'bigint', transformer: epochMs })
  createdAt: Date;

  @Column({ type: 'bigint', transformer: epochMs })
  lastSeenAt: Date;

  @Column({ type: 'bigint', transformer: epochMs })
  expiresAt: Date;
}
