import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DatabaseService } from '../database/database.service';
import { mergeTopics } from '../messaging/subscription-payloads';
import type { ConsentSource, SubscriptionEntity } from './subscription.entity';
import { SubscriptionsRepository, type SubscriptionPeriodRow } from './subscriptions.repository';

export interface SubscriberConversation {
  id: string;
  unitId: string;
  channel: string;
  userId: string;
  userKey: string;
  language: string;
}

/** Stored form of a topic list: ",a,b," so that one topic is matched with LIKE '%,a,%'; '' = all. */
export function encodeTopics(topics: readonly string[]): string {
  const unique = [...new Set(topics.map((t) => t.trim()).filter(Boolean))].sort();
  return unique.length ? `,${unique.join(',')},` : '';
}

export function decodeTopics(stored: string): string[] {
  return stored.split(',').filter(Boolean);
}

/** The unit's news subscribers: opt-in with proof of consent, opt-out, removal, period figures. */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly repository: SubscriptionsRepository,
    private readonly db: DatabaseService,
  ) {}

  /**
   * Opts in (inside the caller's transaction). Re-subscribing after an opt-out starts afresh with
   * the topics given; while subscribed, topics are added. Consent time, wording and source are those
   * of this latest opt-in.
   */
  async subscribe(
    manager: EntityManager,
    conv: SubscriberConversation,
    topics: string[],
    wording: string,
    source: ConsentSource,
    now: Date,
  ): Promise<SubscriptionEntity> {
    const existing = await this.repository.findByConversation(conv.id, manager);
    const subscribed = existing?.status === 'subscribed';
    const merged = subscribed ? mergeTopics(decodeTopics(existing.topics), topics) : topics;
    return this.repository.save(manager, {
      ...(existing ?? { createdAt: now, conversationId: conv.id }),
      unitId: conv.unitId,
      channel: conv.channel,
      userId: conv.userId,
      userKey: conv.userKey,
      language: conv.language,
      status: 'subscribed',
      topics: encodeTopics(merged),
      consentAt: now,
      consentWording: wording,
      consentSource: source,
      // Kept after a re-subscription: the period's opt-out still counts (see periodCounts).
      unsubscribedAt: existing?.unsubscribedAt ?? null,
      updatedAt: now,
    });
  }

  /** Opts out; false when there was no active subscription. */
  async unsubscribe(manager: EntityManager, conversationId: string, now: Date): Promise<boolean> {
    const existing = await this.repository.findByConversation(conversationId, manager);
    if (!existing || existing.status !== 'subscribed') return false;
    await this.repository.save(manager, {
      ...existing,
      status: 'unsubscribed',
      unsubscribedAt: now,
      updatedAt: now,
    });
    return true;
  }

  findByConversation(conversationId: string): Promise<SubscriptionEntity | null> {
    return this.repository.findByConversation(conversationId);
  }

  existsForConversation(conversationId: string): Promise<boolean> {
    return this.repository.existsForConversation(conversationId);
  }

  /** Delete-my-data: the row goes, consent proof included. Without a manager, in its own transaction. */
  removeForConversation(manager: EntityManager | undefined, conversationId: string): Promise<number> {
    return manager
      ? this.repository.removeForConversation(manager, conversationId)
      : this.db.transaction((m) => this.repository.removeForConversation(m, conversationId));
  }

  /** Opt-ins and opt-outs in [from, to) and subscribers active at `to`, per unit and channel. */
  periodCounts(unitIds: string[], from: Date, to: Date): Promise<SubscriptionPeriodRow[]> {
    return this.repository.periodCounts(unitIds, from, to);
  }
}
