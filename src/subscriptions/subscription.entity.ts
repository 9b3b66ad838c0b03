import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../database/columns';

export type SubscriptionStatus = 'subscribed' | 'unsubscribed';
export type ConsentSource = 'message' | 'quick_reply';

/**
 * One citizen's opt-in to the unit's news on one conversation, with the proof of consent: when, the
 * exact sentence the bot confirmed in the citizen's language, and how it was given. Opting out keeps
 * the row (status, unsubscribedAt) so that the opt-out is provable too; deleting one's data removes it.
 */
@Entity('subscription')
@Index('ix_subscription_unit_status', ['unitId', 'status'])
export class SubscriptionEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 64 })
  unitId: string;

  @Column({ type: 'varchar', length: 16 })
  channel: string;

  @Column({ type: 'varchar', length: 36, unique: true })
  conversationId: string;

  /** Platform user id: campaigns are sent to it. */
  @Column({ type: 'varchar', length: 128 })
  userId: string;

  /** The conversation's pseudonym, as the evidence log knows the citizen. */
  @Column({ type: 'varchar', length: 64 })
  userKey: string;

  @Column({ type: 'varchar', length: 2 })
  language: string;

  @Column({ type: 'varchar', length: 16 })
  status: SubscriptionStatus;

  /** ",vneid,health_insurance," (commas around each id, for LIKE '%,vneid,%'), or '' for every topic. */
  @Column({ type: 'varchar', length: 255, default: '' })
  topics: string;

  @Column({ type: 'bigint', transformer: epochMs })
  consentAt: Date;

  @Column({ type: 'text' })
  consentWording: string;

  @Column({ type: 'varchar', length: 16 })
  consentSource: ConsentSource;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  unsubscribedAt: Date | null;

  @Column({ type: 'bigint', transformer: epochMs })
  createdAt: Date;

  @Column({ type: 'bigint', transformer: epochMs })
  updatedAt: Date;
}
