import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochMs } from '../database/columns';
import type { FlowState } from '../messaging/reply';

/** One citizen on one channel of one unit: language, consent, the flow in progress, hand-off state. */
@Entity('conversation')
@Index('uq_conversation_user', ['unitId', 'channel', 'userId'], { unique: true })
export class ConversationEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  unitId: string;

  @Column({ type: 'varchar', length: 16 })
  channel: string;

  /** Platform user id (PSID, Zalo user id, web session id): needed to answer, never a phone number. */
  @Column({ type: 'varchar', length: 128 })
  userId: string;

  /** Keyed HMAC of the platform user id: the pseudonym the evidence log uses. */
  @Column({ type: 'varchar', length: 64 })
  userKey: string;

  @Column({ type: 'varchar', length: 2 })
  language: string;

  /** Set by what the citizen wrote or asked for (not a hint): then only a clear change switches it. */
  @Column({ type: 'boolean', default: false })
  languageSettled: boolean;

  @Column({ type: 'varchar', length: 8, default: 'unknown' })
  consent: string;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  consentAt: Date | null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  consentAskedAt: Date | null;

  @Column({ type: 'simple-json', nullable: true })
  flow: FlowState | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  lastIntent: string | null;

  @Column({ type: 'varchar', length: 48, nullable: true })
  lastTopic: string | null;

  @Column({ type: 'integer', default: 0 })
  missCount: number;

  @Column({ type: 'integer', default: 0 })
  turnCount: number;

  /** While set and in the future, the bot stays silent: a person answers. */
  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  handoffUntil: Date | null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  handoffAt: Date | null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  lastUserMessageAt: Date | null;

  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  satisfactionAskedAt: Date | null;

  /** When the news subscription was offered, or made moot (subscribed or opted out by words): never again. */
  @Column({ type: 'bigint', nullable: true, transformer: epochMs })
  subscriptionOfferedAt: Date | null;

  @Column({ type: 'bigint', transformer: epochMs })
  createdAt: Date;

  @Column({ type: 'bigint', transformer: epochMs })
  updatedAt: Date;
}
