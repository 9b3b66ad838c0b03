import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../database/columns';

/** A classifier example added from the console; applied on top of intents/*\/examples.yaml at start. */
@Entity('console_training_example')
export class TrainingExampleEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 32 })
  intent: string;

  @Column({ type: 'varchar', length: 48 })
  topic: string;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'varchar', length: 64 })
  unitId: string;

  @Column({ type: 'varchar', length: 191 })
  createdBy: string;

  @Column({ type: 'bigint', transformer: epochMs })
  createdAt: Date;
}
