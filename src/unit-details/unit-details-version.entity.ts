import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../database/columns';

/** One saved version of a unit's details (its units-file entry as JSON); the newest is in use. */
@Entity('unit_details_version')
@Index('uq_unit_details_version', ['unitId', 'version'], { unique: true })
export class UnitDetailsVersionEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 64 })
  unitId: string;

  /** 1, 2, … per unit (0 is the units file itself). */
  @Column({ type: 'integer' })
  version: number;

  /** The entry in the units file's shape, as JSON: exportable back to YAML as it is. */
  @Column({ type: 'text' })
  entry: string;

  /** SHA-256 of the canonical entry: interaction records name its first characters. */
  @Column({ type: 'varchar', length: 64 })
  hash: string;

  @Column({ type: 'varchar', length: 191 })
  createdBy: string;

  @Column({ type: 'bigint', transformer: epochMs })
  createdAt: Date;

  /** The fields changed from the version before, comma-separated (for the history and the audit). */
  @Column({ type: 'text' })
  changes: string;
}
