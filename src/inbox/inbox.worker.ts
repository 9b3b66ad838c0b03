import { randomUUID } from 'node:crypto';
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock, daysBefore } from '../common/clock';
import { newCorrelationId, withCorrelationId } from '../common/correlation';
import { drained } from '../common/drain';
import { errorMessage } from '../common/errors';
import { backgroundSlice } from '../common/event-loop-slice';
import { WakeUp } from '../common/wake-up';
import { AppConfig } from '../config/app-config';
import { DatabaseNotifier } from '../database/database-notifier';
import { DatabaseService } from '../database/database.service';
import type { InboundEvent } from '../messaging/inbound-event';
import type { TurnResult } from '../messaging/turn-result';
import type { InboxEventEntity } from './inbox-event.entity';
import { InboxRepository } from './inbox.repository';
import { InboxService } from './inbox.service';

/** Given to the handler: completes the inbox row inside the handler's own transaction. */
export interface InboxAck {
  complete(manager: EntityManager, redactedText: string | null): Promise<void>;
}

/** The consumer of the inbox (the conversation engine registers itself). */
export interface InboxHandler {
  handle(event: InboundEvent, inboxEventId: number, ack: InboxAck): Promise<TurnResult>;
  /** The result of an event processed earlier (a re-delivery, or a turn finished before anyone waited). */
  resultOf(inboxEventId: number): Promise<TurnResult | null>;
}

const PURGE_EVERY_MS = 3_600_000;
const POLL_MS = 500;
const MAX_ATTEMPTS = 5;
/** How long work already under way may still take once the grace is over. */
const IN_FLIGHT_DRAIN_MS = 5_000;

/** waitFor's rejection when the turn did not finish in time: not a failure, the event stays queued. */
export class TurnTimeoutError extends Error {
  override readonly name = 'TurnTimeoutError';
}

/**
 * Drains the inbox: serial per conversation, parallel across conversations, resumes after a
 * crash. Every failure after the platform's 200 is logged with its correlation id and kept on the row.
 */
@Injectable()
export class InboxWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(InboxWorker.name);
  private readonly owner = randomUUID();
  private handler?: InboxHandler;
  private readonly running = new Map<number, Promise<void>>();
  private readonly activeKeys = new Set<string>();
  private readonly waiters = new Map<
    number,
    { resolve: (r: TurnResult) => void; reject: (e: Error) => void }[]
  >();
  private stopped = true;
  /** Set when shutdown begins: the drain still runs, but the instance is no longer ready for work. */
  private stopping = false;
  private readonly wakeUp = new WakeUp();
  private loop?: Promise<void>;
  private heartbeat?: NodeJS.Timeout;
  private purgeTimer?: NodeJS.Timeout;

  constructor(
    private readonly repository: InboxRepository,
    private readonly inbox: InboxService,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly notifier: DatabaseNotifier,
  ) {
    inbox.onAccepted(() => this.nudge());
    notifier.subscribe('turns', () => {
      for (const id of [...this.waiters.keys()]) void this.checkDone(id).catch(() => undefined);
    });
  }

  setHandler(handler: InboxHandler): void {
    this.handler = handler;
  }

  async onApplicationBootstrap(): Promise<void> {
    const recovered = await this.repository.recover(
      this.clock.now(),
      this.db.kind === 'sqlite' && this.config.env.QUEUE_EXCLUSIVE_START,
    );
    if (recovered) this.logger.warn({ msg: 'inbox events resumed after a restart', count: recovered });
    this.stopped = false;
    this.loop = this.run();
    // Keeps the claims of turns in flight alive; a dead instance stops beating and its rows expire.
    const lease = this.config.env.INBOX_LEASE_MS;
    this.heartbeat = setInterval(() => void this.beat(lease), Math.max(100, Math.floor(lease / 3)));
    this.heartbeat.unref();
    this.purgeTimer = setInterval(() => void this.purgeLogged(), PURGE_EVERY_MS);
    this.purgeTimer.unref();
  }

  /**
   * Removes processed events older than QUEUE_RETENTION_DAYS. The rows are the dedupe memory: the
   * platforms redeliver for up to about 36 hours (Messenger) and 1 hour (Zalo) —
   * /work/shared/docs/channels.md A.6 and B.3 — so the retention is at least 2 days.
   */
  purge(now = this.clock.now()): Promise<number> {
    return this.repository.purgeProcessed(daysBefore(now, this.config.env.QUEUE_RETENTION_DAYS));
  }

  private async purgeLogged(): Promise<void> {
    await this.purge().then(
      (count) => count && this.logger.log({ msg: 'processed inbox events purged', count }),
      (error) => this.logger.error({ msg: 'inbox purge failed', error: errorMessage(error) }),
    );
  }

  private async beat(leaseMs: number): Promise<void> {
    if (!this.running.size) return;
    await this.repository
      .extendLeases(this.owner, new Date(this.clock.now().getTime() + leaseMs))
      .catch((error) => this.logger.error({ msg: 'inbox heartbeat failed', error: errorMessage(error) }));
  }

  /**
   * Intake is already closed (InboxService.onModuleDestroy): finish what was accepted — the turns in
   * flight and those still queued — within SHUTDOWN_GRACE_MS, then stop. Whatever is left stays in
   * the inbox and is taken up at the next start.
   */
  /** Started, and no shutdown begun: the readiness probe asks. */
  isRunning(): boolean {
    return !this.stopped && !this.stopping && this.loop !== undefined;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const deadline = Date.now() + this.config.env.SHUTDOWN_GRACE_MS;
    while (Date.now() < deadline && (this.running.size > 0 || (await this.hasQueued()))) {
      this.nudge();
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    this.stopped = true;
    this.nudge();
    // Turns already under way commit even past the grace (milliseconds each), so none is cut off by
    // the database closing under it; only a turn stuck longer than the drain is left to its lease.
    await Promise.race([
      drained(this.loop, () => this.running.values()),
      new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_DRAIN_MS).unref()),
    ]);
    clearInterval(this.heartbeat);
    clearInterval(this.purgeTimer);
  }

  private async hasQueued(): Promise<boolean> {
    return this.repository.hasPending().catch(() => false);
  }

  /** Resolves with the event's turn: at once if it is already processed, else when it is. */
  waitFor(inboxEventId: number, timeoutMs = 30_000): Promise<TurnResult> {
    const pending = new Promise<TurnResult>((resolve, reject) => {
      const timer = setTimeout(() => reject(new TurnTimeoutError('turn timed out')), timeoutMs);
      const list = this.waiters.get(inboxEventId) ?? [];
      list.push({
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.waiters.set(inboxEventId, list);
    });
    // Registered first, then checked: a turn that completes in between still reaches us. Another
    // instance may take the event (PostgreSQL): its 'turns' notification brings a check at once,
    // and the poll covers a notification lost while the listening connection was down.
    const poll = setInterval(() => void this.checkDone(inboxEventId).catch(() => undefined), 500);
    void this.checkDone(inboxEventId).then(
      (done) => (done ? undefined : this.nudge()),
      (error: unknown) => this.settle(inboxEventId, (w) => w.reject(new Error(errorMessage(error)))),
    );
    return pending.finally(() => clearInterval(poll));
  }

  /** Settles the waiters of an event that is processed (here or elsewhere); false while it is not. */
  private async checkDone(inboxEventId: number): Promise<boolean> {
    if (!this.waiters.has(inboxEventId)) return true;
    const row = await this.inbox.find(inboxEventId);
    if (!row || (row.status !== 'done' && row.status !== 'failed')) return false;
    const result = row.status === 'done' ? await this.handler?.resultOf(inboxEventId) : null;
    this.settle(inboxEventId, (w) =>
      result ? w.resolve(result) : w.reject(new Error(row.lastError ?? 'turn failed')),
    );
    return true;
  }

  get inFlight(): number {
    return this.running.size;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.wakeUp.begin();
      const free = this.config.env.INBOX_CONCURRENCY - this.running.size;
      let claimed: InboxEventEntity[] = [];
      if (free > 0) {
        try {
          claimed = await this.repository.claim(
            free,
            this.activeKeys,
            this.owner,
            this.clock.now(),
            this.config.env.INBOX_LEASE_MS,
          );
        } catch (error) {
          if (!this.stopped) this.logger.error({ msg: 'inbox claim failed', error: errorMessage(error) });
        }
      }
      for (const row of claimed) this.start(row);
      // Sleep when the queue is drained (less came than asked for) or every slot is taken, unless
      // something arrived or finished while claiming.
      if (claimed.length < free || free <= 0) await this.wakeUp.sleep(POLL_MS);
      // Turns committed together finish together: one claim for all of them, not one each.
      await backgroundSlice.nextLoopTurn();
    }
  }

  private nudge(): void {
    this.wakeUp.nudge();
  }

  private start(row: InboxEventEntity): void {
    this.activeKeys.add(row.conversationKey);
    const task = withCorrelationId(row.correlationId ?? newCorrelationId(), () => this.process(row)).finally(
      () => {
        this.activeKeys.delete(row.conversationKey);
        this.running.delete(row.id);
        this.nudge();
      },
    );
    this.running.set(row.id, task);
  }

  private async process(row: InboxEventEntity): Promise<void> {
    // A backlog of turns must not keep webhooks from being read (EventLoopSlice says why).
    await backgroundSlice.yieldSlice();
    try {
      if (!this.handler) throw new Error('no inbox handler registered');
      const event = this.inbox.decode(row);
      const result = await this.handler.handle(event, row.id, {
        complete: (manager, redactedText) => this.inbox.complete(manager, row.id, this.owner, redactedText),
      });
      // Someone may be waiting on another instance (web chat behind a load balancer).
      if (!this.settle(row.id, (w) => w.resolve(result)) && row.channel === 'web')
        this.notifier.notify('turns');
    } catch (error) {
      const message = errorMessage(error);
      const retry = row.attempts < MAX_ATTEMPTS;
      const retryAt = retry ? new Date(this.clock.now().getTime() + 1000 * 2 ** row.attempts) : null;
      this.logger.error({
        msg: 'turn failed',
        inboxEventId: row.id,
        attempt: row.attempts,
        willRetry: retry,
        error: message,
      });
      await this.repository.release(row.id, this.owner, message, retryAt).catch((e) =>
        this.logger.error({
          msg: 'could not release inbox event',
          inboxEventId: row.id,
          error: errorMessage(e),
        }),
      );
      this.settle(row.id, (w) => w.reject(new Error(message)));
    }
  }

  /** Whether anyone here was waiting. */
  private settle(
    id: number,
    fn: (w: { resolve: (r: TurnResult) => void; reject: (e: Error) => void }) => void,
  ): boolean {
    const list = this.waiters.get(id);
    if (!list) return false;
    this.waiters.delete(id);
    list.forEach(fn);
    return true;
  }
}
