import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../database/columns';

/** Head of one unit's hash chain (last seq and hash). */
@Entity('interaction_chain')
export class InteractionChainEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  unitId: string;

  @Column({ type: 'bigint', transformer: bigintNumber })
  seq: number;

  @Column({ type: 'varchar', length: 64 })
  hash: string;
}
