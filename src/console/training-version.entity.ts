import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The one row (id 1) counting changes to the console's training examples; instances poll it. */
@Entity('console_training_version')
export class TrainingVersionEntity {
  @PrimaryColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer' })
  version: number;
}
