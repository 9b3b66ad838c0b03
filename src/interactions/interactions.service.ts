import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import type { Audience } from '../messaging/audience';
import type { ChannelName } from '../messaging/inbound-event';
import type { Language } from '../messaging/language';
import type { PlanItem } from '../messaging/plan-item';
import type { Outcome } from '../messaging/reply';
import { redact } from '../nlu/entity-recognizer';
import { computeContentVersion } from './content-version';
import { chainHash, roundConfidence, type ChainedContent, type RecordKind } from './hash-chain';
import { ChainCheck, type ChainReport } from './chain-verifier';
import type { InteractionRecordEntity } from './interaction-record.entity';
import type { InteractionRetentionEntity } from './interaction-retention.entity';
import { InteractionRepository } from './interaction.repository';
import type { LogRecord } from './log-record';

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
  outcome: Outcome | 'campaign';
  satisfaction: 'up' | 'down' | null;
  latencyMs: number;
  inboxEventId: number | null;
  /** playground: a web chat turn that no report or dashboard counts. */
  audience: Audience;
  /** Not a turn: a campaign message sent (its outcome is then 'campaign'). */
  kind?: RecordKind;
  /** Unique key of what produced a record that is not a turn: it is never recorded twice. */
  sourceKey?: string;
  /** The version of what was said when it is not the locales' (a campaign's own text). */
  contentVersion?: string;
  /** Hash of the unit's details the answer used: the content version then names both. */
  unitDetailsHash?: string;
}

const PAGE_SIZE = 2000;

/** The evidence log: redaction, pseudonymous user keys, the hash chain. Append-only. */
@Injectable()
export class InteractionsService {
  readonly contentVersion = computeContentVersion();
  private readonly userKeySecret: string;

  constructor(
    private readonly repository: InteractionRepository,
    config: AppConfig,
  ) {
    this.userKeySecret = config.serverSecret('USER_KEY_SECRET');
  }

  /** Stable pseudonym of a platform user: not reversible without the server secret. */
  userKey(channel: string, userId: string): string {
    return createHmac('sha256', this.userKeySecret).update(`${channel}:${userId}`).digest('hex');
  }

  /**
   * Appends inside the caller's transaction, so the records commit with their turns or not at all.
   * The drafts of one unit take consecutive places in its chain, in the order given: its head is
   * locked once, read once and written once, however many turns the batch carries.
   */
  async appendMany(manager: EntityManager, drafts: InteractionDraft[]): Promise<void> {
    const byUnit = new Map<string, InteractionDraft[]>();
    for (const draft of drafts) {
      const list = byUnit.get(draft.unitId);
      if (list) list.push(draft);
      else byUnit.set(draft.unitId, [draft]);
    }
    // One order of units for every instance, so two batches never wait on each other's heads in a cycle.
    for (const unitId of [...byUnit.keys()].sort()) {
      const head = await this.repository.lockHead(manager, unitId);
      let { seq, hash } = head;
      const records: Omit<InteractionRecordEntity, 'id'>[] = [];
      for (const draft of byUnit.get(unitId)!) {
        const content = this.chained(draft, seq + 1, hash);
        seq = content.seq;
        hash = chainHash(content.prevHash, content);
        records.push({
          ...content,
          audience: draft.audience,
          kind: draft.kind ?? null,
          sourceKey: draft.sourceKey ?? null,
          occurredAt: draft.occurredAt,
          hash,
        });
      }
      await this.repository.insertMany(manager, records);
      await this.repository.moveHead(manager, unitId, seq, hash);
    }
  }

  private chained(draft: InteractionDraft, seq: number, prevHash: string): ChainedContent {
    return {
      unitId: draft.unitId,
      seq,
      occurredAt: draft.occurredAt.getTime(),
      channel: draft.channel,
      conversationId: draft.conversationId,
      userKey: this.userKey(draft.channel, draft.userId),
      language: draft.language,
      intent: draft.intent,
      topic: draft.topic,
      confidence: roundConfidence(draft.confidence),
      userText: draft.keepText && draft.userText ? redact(draft.userText) : null,
      replyText: redact(draft.replyText),
      replyKeys: draft.replyKeys,
      contentVersion: draft.contentVersion ?? this.versionWith(draft.unitDetailsHash),
      planItems: draft.planItems.length ? `,${[...new Set(draft.planItems)].sort().join(',')},` : '',
      outcome: draft.outcome,
      satisfaction: draft.satisfaction,
      latencyMs: Math.max(0, Math.round(draft.latencyMs)),
      inboxEventId: draft.inboxEventId,
      audience: draft.audience,
      ...(draft.kind ? { kind: draft.kind } : {}),
      prevHash,
    };
  }

  /**
   * "<texts>.<unit details>": 8 hex digits of the locales' and intents' hash, 7 of the unit's details
   * (the console keeps each version with its full hash), so a record shows what was said and with
   * which address, hours and phones.
   */
  versionWith(unitDetailsHash: string | undefined): string {
    return unitDetailsHash
      ? `${this.contentVersion.slice(0, 8)}.${unitDetailsHash.slice(0, 7)}`
      : this.contentVersion;
  }

  byInboxEvent(inboxEventId: number): Promise<InteractionRecordEntity | null> {
    return this.repository.byInboxEvent(inboxEventId);
  }

  /** Recomputes a unit's chain from its genesis (or its retention anchor) to its head. */
  async verify(unitId: string): Promise<ChainReport> {
    return (await this.readChecked(unitId, () => undefined)).chain;
  }

  /**
   * One read of a unit's log: every record from its retention anchor (or genesis) to the head as it
   * stood when the read began, in chain order, page by page to `onPage`, each record checked against
   * the chain on its way. Records appended meanwhile are beyond that head: neither read nor claimed.
   *
   * The next page is read while `onPage` works on this one. `between` runs when no read is under
   * way, the only time the caller may write: on SQLite, a write on a connection that is still reading
   * fails at once (SQLITE_BUSY_SNAPSHOT) once another process has committed since the read began.
   */
  async readChecked(
    unitId: string,
    onPage: (page: LogRecord[]) => Promise<void> | void,
    between?: () => Promise<void>,
  ): Promise<{ chain: ChainReport; head: { seq: number; hash: string } | null }> {
    const anchor = await this.repository.retentionAnchor(unitId);
    const head = await this.repository.head(unitId);
    const check = new ChainCheck(
      unitId,
      anchor ? { seq: anchor.throughSeq, hash: anchor.lastHash } : undefined,
    );
    // Without a head row (none yet, or removed) every record there is is read, as before.
    const through = head?.seq ?? Number.MAX_SAFE_INTEGER;
    const read = (after: number) => this.repository.recordPage(unitId, after, through, PAGE_SIZE);
    let next: Promise<LogRecord[]> | null = read(anchor?.throughSeq ?? 0);
    while (next) {
      const page: LogRecord[] = await next;
      await between?.();
      const last = page.at(-1)?.seq ?? through;
      next = page.length === PAGE_SIZE && last < through ? read(last) : null;
      try {
        for (const record of page) check.add(record);
        await onPage(page);
      } catch (error) {
        // Not left to fail unobserved.
        await next?.catch(() => undefined);
        throw error;
      }
    }
    return { chain: check.end(head), head };
  }

  /** Units that have an evidence chain. */
  units(): Promise<string[]> {
    return this.repository.unitIds();
  }

  head(unitId: string): Promise<{ seq: number; hash: string } | null> {
    return this.repository.head(unitId);
  }

  retentionAnchor(unitId: string): Promise<InteractionRetentionEntity | null> {
    return this.repository.retentionAnchor(unitId);
  }

  /** See InteractionRepository.removeThrough: the one code path that deletes records. */
  removeThrough(anchor: Omit<InteractionRetentionEntity, 'id'>): Promise<number> {
    return this.repository.removeThrough(anchor);
  }
}
