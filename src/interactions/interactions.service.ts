import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import type { ChannelName } from '../messaging/inbound-event';
import type { Language } from '../messaging/language';
import type { PlanItem } from '../messaging/plan-item';
import type { Outcome } from '../messaging/reply';
import { NluService } from '../nlu/nlu.service';
import { computeContentVersion } from './content-version';
import { chainHash, roundConfidence, type ChainedContent } from './hash-chain';
import type { InteractionRecordEntity } from './interaction-record.entity';
import { InteractionRepository } from './interaction.repository';

export interface InteractionDraft {
  unitId: string;
  occurredAt: Date;
  channel: ChannelName;
  conversationId: string;
  /** Platform user id: only its keyed HMAC is stored. */
  userId: string;
  language: Language;
  intent: string;
  topic: string | null;
  confidence: number | null;
  /** The user's text; stored (redacted) only when keepText is true (the citizen consented). */
  userText: string | null;
  keepText: boolean;
  replyText: string;
  replyKeys: string[];
  planItems: PlanItem[];
  outcome: Outcome;
  satisfaction: 'up' | 'down' | null;
  latencyMs: number;
  inboxEventId: number | null;
}

/** The evidence log: redaction, pseudonymous user keys, the hash chain. Append-only. */
@Injectable()
export class InteractionsService {
  readonly contentVersion = computeContentVersion();
  private readonly userKeySecret: string;

  constructor(
    private readonly repository: InteractionRepository,
    private readonly nlu: NluService,
    config: AppConfig,
  ) {
    this.userKeySecret = config.serverSecret('USER_KEY_SECRET');
  }

  /** Stable pseudonym of a platform user: not reversible without the server secret. */
  userKey(channel: string, userId: string): string {
    return createHmac('sha256', this.userKeySecret).update(`${channel}:${userId}`).digest('hex');
  }

  /** Appends inside the caller's transaction, so the record commits with its turn or not at all. */
  async append(manager: EntityManager, draft: InteractionDraft): Promise<InteractionRecordEntity> {
    const head = await this.repository.lockHead(manager, draft.unitId);
    const content: ChainedContent = {
      unitId: draft.unitId,
      seq: head.seq + 1,
      occurredAt: draft.occurredAt.getTime(),
      channel: draft.channel,
      conversationId: draft.conversationId,
      userKey: this.userKey(draft.channel, draft.userId),
      language: draft.language,
      intent: draft.intent,
      topic: draft.topic,
      confidence: roundConfidence(draft.confidence),
      userText: draft.keepText && draft.userText ? this.nlu.redact(draft.userText) : null,
      replyText: this.nlu.redact(draft.replyText),
      replyKeys: draft.replyKeys,
      contentVersion: this.contentVersion,
      planItems: draft.planItems.length ? `,${[...new Set(draft.planItems)].sort().join(',')},` : '',
      outcome: draft.outcome,
      satisfaction: draft.satisfaction,
      latencyMs: Math.max(0, Math.round(draft.latencyMs)),
      inboxEventId: draft.inboxEventId,
      prevHash: head.hash,
    };
    const hash = chainHash(head.hash, content);
    return this.repository.append(manager, { ...content, occurredAt: draft.occurredAt, hash });
  }

  byConversation(conversationId: string): Promise<InteractionRecordEntity[]> {
    return this.repository.byConversation(conversationId);
  }

  byInboxEvent(inboxEventId: number): Promise<InteractionRecordEntity | null> {
    return this.repository.byInboxEvent(inboxEventId);
  }
}
