import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { bigintNumber, epochMs } from '../database/columns';

/** Where a unit's chain restarts after retention removed its oldest closed periods. */
@Entity('interaction_retention')
export class InteractionRetentionEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 64 })
  unitId: string;

  @Column({ type: 'varchar', length: 40 })
  periodLabel: string;

  /** The last removed record's seq; verification resumes after it. */
  @Column({ type: 'bigint', transformer: bigintNumber })
  throughSeq: number;

  /** That record's hash: the next record's prevHash. */
  @Column({ type: 'varchar', length: 64 })
  lastHash: string;

  @Column({ type: 'integer' })
  removedCount: number;

  /** SHA-256 of the sealed export's manifest, kept as proof of what was removed. */
  @Column({ type: 'varchar', length: 64 })
  manifestSha256: string;

  @Column({ type: 'bigint', transformer: epochMs })
  removedAt: Date;
}
