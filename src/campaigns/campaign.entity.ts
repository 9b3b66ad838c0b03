import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../database/columns';

/**
 * draft → approved (by another person) → sending → done; cancelled from draft or approved. An
 * approved campaign with a future scheduledAt waits for it.
 */
export type CampaignStatus = 'draft' | 'approved' | 'sending' | 'done' | 'cancelled';

/** A propaganda message the unit sends to the citizens who subscribed. */
@Entity('campaign')
export class CampaignEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 64 })
  unitId: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  /** A plan item id (PLAN_ITEMS): what the report counts the sends under. */
  @Column({ type: 'varchar', length: 48 })
  planItem: string;

  @Column({ type: 'text', nullable: true })
  textVi: string | null;

  @Column({ type: 'text', nullable: true })
  textEn: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  buttonUrl: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  buttonTitleVi: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  buttonTitleEn: string | null;

  /** Channels of the audience with leading and trailing commas (",messenger,zalo,"); '' = every channel. */
  @Column({ type: 'varchar', length: 64, default: '' })
  channels: string;

  /** Only conversations in this language; null = each recipient in his own (when the text exists). */
  @Column({ type: 'varchar', length: 2, nullable: true })
  language: string | null;

  /** Only subscribers of this topic (or of every topic); null = every subscriber. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  topic: string | null;

  @Column({ type: 'varchar', length: 12 })
  status: CampaignStatus;

  /** Hash of what is sent (texts, button): the evidence records name it. */
  @Column({ type: 'varchar', length: 16 })
  contentVersion: string;

  /** console | cli */
  @Column({ type: 'varchar', length: 8 })
  source: string;

  @Column({ type: 'varchar', length: 191 })
  createdBy: string;

  @Column({ type: 'bigint', transformer: epochMs })
  createdAt: Date;

  @Column({ type: 'bigint', transformer: epochMs })
  updatedAt: Date;

  @Column({ type: 'varchar', length: 191, nullable: true })
  approvedBy: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  approvedAt: Date | null;

  /** Not before this instant; null = not yet (an approved campaign then waits for "send now"). */
  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  scheduledAt: Date | null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  startedAt: Date | null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  finishedAt: Date | null;

  /** The instance sending it (one at a time) and until when it holds it. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  owner: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  leaseUntil: Date | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;
}
