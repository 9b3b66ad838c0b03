import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { epochMs } from '../database/columns';

/**
 * pending: to send (waits for the rate limit and quiet hours); queued: its outbox row is written;
 * sent; outside_window: the platform's window was closed (nothing sent); not_subscribed: in the
 * audience's channels and language but not subscribed (to the topic); failed / unreachable.
 */
export type RecipientState =
  'pending' | 'queued' | 'sent' | 'outside_window' | 'not_subscribed' | 'failed' | 'unreachable';

/** How a message went: Messenger UPDATE, a Zalo consultation or promotion message, the web chat. */
export type RecipientRoute = 'update' | 'consultation' | 'promotion' | 'web';

/** One conversation of a campaign's audience: what was decided for it and what happened. */
@Entity('campaign_recipient')
@Index('uq_campaign_recipient', ['campaignId', 'conversationId'], { unique: true })
export class CampaignRecipientEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'integer' })
  campaignId: number;

  @Column({ type: 'varchar', length: 64 })
  unitId: string;

  @Column({ type: 'varchar', length: 36 })
  conversationId: string;

  @Column({ type: 'varchar', length: 16 })
  channel: string;

  @Column({ type: 'varchar', length: 128 })
  recipientId: string;

  @Column({ type: 'varchar', length: 2 })
  language: string;

  @Column({ type: 'varchar', length: 16 })
  state: RecipientState;

  @Column({ type: 'varchar', length: 16, nullable: true })
  route: RecipientRoute | null;

  @Column({ type: 'integer', nullable: true })
  outboxId: number | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'bigint', transformer: epochMs })
  updatedAt: Date;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  sentAt: Date | null;
}
