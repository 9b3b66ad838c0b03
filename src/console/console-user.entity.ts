import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../database/columns';

export type ConsoleRole = 'admin' | 'staff' | 'viewer';
export const CONSOLE_ROLES: ConsoleRole[] = ['admin', 'staff', 'viewer'];
/** unitId of an account that sees every unit (Department of Health oversight). */
export const ALL_UNITS = 'all';

@Entity('console_user')
export class ConsoleUserEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 191 })
  email: string;

  /** A unit id, or "all". */
  @Column({ type: 'varchar', length: 64 })
  unitId: string;

  @Column({ type: 'varchar', length: 8 })
  role: ConsoleRole;

  /** bcrypt. */
  @Column({ type: 'varchar', length: 100 })
  passwordHash: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'bigint', transformer: epochMs })
  createdAt: Date;

  @Column({ type: 'bigint', transformer: epochMs })
  updatedAt: Date;
}
