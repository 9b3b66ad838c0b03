import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { backgroundSlice } from '../common/event-loop-slice';
import { GroupCommit } from '../common/group-commit';
import { currentCorrelationId } from '../common/correlation';
import { SecretBox } from '../common/secret-box';
import { AppConfig } from '../config/app-config';
import { DatabaseNotifier } from '../database/database-notifier';
import { DatabaseService } from '../database/database.service';
import { MetricsService } from '../metrics/metrics.service';
import type { InboundEvent } from '../messaging/inbound-event';
import type { InboxEventEntity } from './inbox-event.entity';
import { InboxRepository, type NewInboxEvent } from './inbox.repository';

/** The pending gauge counts up to this many: a scrape stays one short query during a flood. */
const PENDING_GAUGE_CAP = 100_000;

export interface AcceptedEvent {
  id: number;
  duplicate: boolean;
  status: string;
}

/** An event about a page / OA that is not ours: kept as a record of the delivery, never answered. */
export interface UnroutedEvent extends Omit<InboundEvent, 'unitId'> {
  unitId: null;
  reason: string;
}

/** Raised while the process shuts down: the caller answers 503 and the platform retries later. */
export class InboxClosedError extends Error {
  override readonly name = 'InboxClosedError';
}

/** The durable inbound queue: an event is acknowledged to the platform only after accept() returns. */
@Injectable()
export class InboxService implements OnModuleDestroy {
  private closing = false;
  private unregisterDoor?: () => void;
  private readonly cipher: SecretBox;
  private readonly listeners: (() => void)[] = [];
  /** Deliveries arriving together share one transaction; each is acknowledged after its commit. */
  private readonly door = new GroupCommit<NewInboxEvent, AcceptedEvent>(
    async (rows) => (await this.repository.insertNew(rows)).map((value) => ({ ok: true, value })),
    { maxBatch: 512 },
  );

  constructor(
    private readonly repository: InboxRepository,
    private readonly clock: Clock,
    config: AppConfig,
    private readonly notifier: DatabaseNotifier,
    metrics: MetricsService,
    db: DatabaseService,
  ) {
    // On a synchronous driver the door's commit is a stretch of the event loop like any other: it
    // goes before the turns and sends of the same loop turn, so an acknowledgement never waits on them.
    if (db.synchronous) this.unregisterDoor = backgroundSlice.goesFirst(() => this.door.settled());
    metrics.gaugeAtScrape(
      'outreach_inbox_pending',
      `Inbox events waiting for their turn, retries included (counted up to ${PENDING_GAUGE_CAP}).`,
      () => repository.countPending(PENDING_GAUGE_CAP),
    );
    this.cipher = new SecretBox(config.serverSecret('USER_KEY_SECRET'), 'inbox-text-v1');
    // Another instance accepted work: our worker may be the one with a free slot.
    notifier.subscribe('inbox', () => this.wakeListeners());
  }

  /** First step of a graceful shutdown: take no new deliveries (the worker still finishes the queue). */
  onModuleDestroy(): void {
    this.closing = true;
    this.unregisterDoor?.();
  }

  get accepting(): boolean {
    return !this.closing;
  }

  /** Persists events (one transaction), dropping duplicates by (channel, externalId). */
  async accept(events: (InboundEvent | UnroutedEvent)[]): Promise<AcceptedEvent[]> {
    if (this.closing) throw new InboxClosedError('shutting down: not accepting new events');
    if (!events.length) return [];
    const now = this.clock.now();
    const correlationId = currentCorrelationId() ?? null;
    const rows = events.map((e) => {
      const meta: Record<string, string> = {};
      if (e.languageHint) meta.languageHint = e.languageHint;
      if (e.attachmentType) meta.attachmentType = e.attachmentType;
      if (e.unitId === null) meta.unrouted = e.reason;
      return {
        channel: e.channel,
        externalId: e.externalId.slice(0, 191),
        unitId: e.unitId,
        userId: e.userId,
        conversationKey: conversationKey(e.unitId, e.channel, e.userId),
        kind: e.kind,
        text: e.text !== undefined && e.text !== null ? this.cipher.encrypt(e.text) : null,
        payload: e.payload ?? null,
        meta: Object.keys(meta).length ? meta : null,
        occurredAt: e.occurredAt,
        receivedAt: now,
        correlationId,
        status: e.unitId === null ? ('ignored' as const) : ('pending' as const),
      };
    });
    const accepted = await this.door.addAll(rows);
    if (accepted.some((a) => !a.duplicate && a.status === 'pending')) {
      this.wakeListeners();
      this.notifier.notify('inbox');
    }
    return accepted;
  }

  /** The worker subscribes here to start at once instead of at its next poll. */
  onAccepted(listener: () => void): void {
    this.listeners.push(listener);
  }

  private wakeListeners(): void {
    this.listeners.forEach((wake) => wake());
  }

  /** Back to the InboundEvent the adapter produced (text decrypted). */
  decode(row: InboxEventEntity): InboundEvent {
    return {
      unitId: row.unitId ?? '',
      channel: row.channel as InboundEvent['channel'],
      userId: row.userId,
      externalId: row.externalId,
      kind: row.kind as InboundEvent['kind'],
      text: row.text !== null ? this.cipher.decrypt(row.text) : undefined,
      payload: row.payload ?? undefined,
      occurredAt: row.occurredAt,
      languageHint: row.meta?.languageHint as InboundEvent['languageHint'],
      attachmentType: row.meta?.attachmentType,
    };
  }

  /** Marks the event processed inside the turn's transaction, keeping only the redacted text. */
  complete(
    manager: EntityManager,
    id: number,
    owner: string,
    redactedText: string | null,
    ignored = false,
  ): Promise<void> {
    return this.repository.complete(
      manager,
      id,
      owner,
      ignored ? 'ignored' : 'done',
      redactedText,
      this.clock.now(),
    );
  }

  find(id: number): Promise<InboxEventEntity | null> {
    return this.repository.findById(id);
  }

  counts(): Promise<Record<string, number>> {
    return this.repository.countByStatus();
  }
}

export function conversationKey(unitId: string | null, channel: string, userId: string): string {
  return `${unitId ?? '-'}|${channel}|${userId}`;
}
