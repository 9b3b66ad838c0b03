import { randomUUID } from 'node:crypto';
import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock, daysBefore } from '../common/clock';
import { currentCorrelationId, newCorrelationId, withCorrelationId } from '../common/correlation';
import { drained } from '../common/drain';
import { errorMessage } from '../common/errors';
import { backgroundSlice } from '../common/event-loop-slice';
import { WakeUp } from '../common/wake-up';
import { GroupCommit } from '../common/group-commit';
import { AppConfig } from '../config/app-config';
import { DatabaseNotifier } from '../database/database-notifier';
import { DatabaseService } from '../database/database.service';
import { MetricsService } from '../metrics/metrics.service';
import {
  MESSAGE_ORIGINS,
  type MessageOrigin,
  type ChannelSender,
  type ReplyWindow,
  type SendResult,
  type WindowContext,
  type WindowedSender,
} from '../messaging/channel-sender';
import { backoffDelay, MAX_SEND_ATTEMPTS } from './backoff';
import type { OutboxAttemptEntity } from './outbox-attempt.entity';
import type { OutboxMessageEntity, OutboxStatus } from './outbox-message.entity';
import { OutboxRepository, type FinishedAttempt, type NewOutboxMessage } from './outbox.repository';

const POLL_MS = 500;
/** The longest a send's result waits for the others under way before it is recorded. */
const FINISH_HOLD_MS = 10;
/** The pending gauge counts up to this many: a scrape stays one short query during a flood. */
const PENDING_GAUGE_CAP = 100_000;

/** How a message with a sourceRef ended: sent, or failed / window_closed / unreachable for good. */
export interface DeliveryOutcome {
  outboxId: number;
  sourceRef: string;
  status: OutboxStatus;
  error: string | null;
  at: Date;
}

export type OutcomeListener = (manager: EntityManager, outcomes: DeliveryOutcome[]) => Promise<void>;
/** Sends in flight per channel when the sender states no bound of its own. */
const DEFAULT_CONCURRENCY = 16;

/**
 * The durable outbound queue. Messages are written with their turn; the dispatcher sends them in
 * order per conversation, retries transient failures with backoff and records every attempt.
 */
@Injectable()
export class OutboxService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxService.name);
  private readonly senders = new Map<string, ChannelSender>();
  private readonly inFlight = new Map<string, number>();
  /** Lanes that may have messages to claim ('' is every channel without a sender). */
  private readonly due = new Set<string>();
  /** Sends waiting on the platform's answer (their results are not handed to `finishes` yet). */
  private awaitingAnswer = 0;
  /**
   * Attempts' results are recorded in one transaction once every send under way has its answer (or
   * after FINISH_HOLD_MS): answers to one claim arrive within milliseconds of each other, and a
   * commit per answer was most of the commits of a busy outbox.
   */
  private readonly finishes = new GroupCommit<FinishedAttempt, void>(
    (items) =>
      this.repository.finishMany(items, this.owner, (manager, ended) => this.tellSources(manager, ended)),
    {
      ready: () => this.awaitingAnswer === 0,
      maxHoldMs: FINISH_HOLD_MS,
      loopTurn: () => backgroundSlice.nextLoopTurn(),
    },
  );
  private readonly listeners = new Map<string, OutcomeListener>();
  private readonly running = new Set<Promise<void>>();
  private stopped = true;
  private readonly wakeUp = new WakeUp();
  private loop?: Promise<void>;
  private heartbeat?: NodeJS.Timeout;
  private purgeTimer?: NodeJS.Timeout;
  private readonly owner = randomUUID();

  constructor(
    private readonly repository: OutboxRepository,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly notifier: DatabaseNotifier,
    private readonly metrics: MetricsService,
  ) {
    metrics.gaugeAtScrape(
      'outreach_outbox_pending',
      `Outbox messages waiting to be sent, retries included (counted up to ${PENDING_GAUGE_CAP}).`,
      () => repository.countPending(PENDING_GAUGE_CAP),
    );
    notifier.subscribe('outbox', () => {
      this.markAllDue();
      this.nudge();
    });
  }

  /** The channel registry plugs each channel's sender in at start-up (the outbox imports no channel). */
  registerSender(sender: ChannelSender): void {
    this.senders.set(sender.channel, sender);
  }

  /**
   * A module that writes messages with a sourceRef "<prefix>:…" is told how each ended (sent or not,
   * never a retry) inside the transaction that records it: the two cannot disagree after a crash.
   */
  onOutcome(prefix: string, listener: OutcomeListener): void {
    this.listeners.set(prefix, listener);
  }

  private async tellSources(manager: EntityManager, ended: FinishedAttempt[]): Promise<void> {
    const byPrefix = new Map<string, DeliveryOutcome[]>();
    for (const item of ended) {
      const prefix = item.sourceRef!.split(':', 1)[0];
      const list = byPrefix.get(prefix) ?? [];
      list.push({
        outboxId: item.id,
        sourceRef: item.sourceRef!,
        status: item.next.status,
        error: item.next.lastError ?? null,
        at: item.now,
      });
      byPrefix.set(prefix, list);
    }
    for (const [prefix, outcomes] of byPrefix) {
      const listener = this.listeners.get(prefix);
      if (!listener) continue;
      // A listener that fails is undone alone: the deliveries stay recorded (never sent twice).
      await manager.query('SAVEPOINT outcome');
      try {
        await listener(manager, outcomes);
        await manager.query('RELEASE SAVEPOINT outcome');
      } catch (error) {
        await manager.query('ROLLBACK TO SAVEPOINT outcome');
        await manager.query('RELEASE SAVEPOINT outcome');
        this.logger.error({
          msg: 'delivery outcome not recorded by its source',
          prefix,
          error: errorMessage(error),
        });
      }
    }
  }

  /** Inside the caller's transaction (the turn, or a staff reply). */
  enqueue(manager: EntityManager, rows: NewOutboxMessage[]): Promise<OutboxMessageEntity[]> {
    // The turn runs inside its inbox event's correlation id (a staff reply inside its request's).
    const correlationId = currentCorrelationId() ?? null;
    return this.repository.insert(
      manager,
      rows.map((r) => ({ correlationId, ...r })),
      this.clock.now(),
    );
  }

  /**
   * Call after the enqueuing transaction committed, naming the channels written to: wakes our
   * dispatcher for those and the other instances' for all.
   */
  notify(channels?: string[]): void {
    if (!channels) this.markAllDue();
    else for (const channel of channels) this.due.add(this.senders.has(channel) ? channel : '');
    this.nudge();
    this.notifier.notify('outbox');
  }

  async onApplicationBootstrap(): Promise<void> {
    const recovered = await this.repository.recover(
      this.clock.now(),
      this.db.kind === 'sqlite' && this.config.env.QUEUE_EXCLUSIVE_START,
    );
    if (recovered)
      this.logger.warn({ msg: 'outbox messages interrupted mid-send will be sent again', count: recovered });
    this.stopped = false;
    this.loop = this.run();
    // Keeps sends in flight ours; a dead instance stops beating and its sends are taken over.
    const lease = this.config.env.OUTBOX_LEASE_MS;
    this.heartbeat = setInterval(() => void this.beat(lease), Math.max(100, Math.floor(lease / 3)));
    this.heartbeat.unref();
    this.purgeTimer = setInterval(() => void this.purgeLogged(), 3_600_000);
    this.purgeTimer.unref();
  }

  /** Removes finished bot, campaign and notice messages older than QUEUE_RETENTION_DAYS (their record is kept elsewhere). */
  purge(now = this.clock.now()): Promise<number> {
    return this.repository.purgeFinished(daysBefore(now, this.config.env.QUEUE_RETENTION_DAYS));
  }

  private async purgeLogged(): Promise<void> {
    await this.purge().then(
      (count) => count && this.logger.log({ msg: 'finished outbox messages purged', count }),
      (error) => this.logger.error({ msg: 'outbox purge failed', error: errorMessage(error) }),
    );
  }

  private async beat(leaseMs: number): Promise<void> {
    if (!this.running.size) return;
    await this.repository
      .extendLeases(this.owner, new Date(this.clock.now().getTime() + leaseMs))
      .catch((error) => this.logger.error({ msg: 'outbox heartbeat failed', error: errorMessage(error) }));
  }

  /** Started and not stopped: the readiness probe asks. */
  isRunning(): boolean {
    return !this.stopped && this.loop !== undefined;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.nudge();
    // A send under way is waited for (its HTTP call is bounded by CHANNEL_HTTP_TIMEOUT_MS) and its
    // result recorded before the database closes: a send recorded as done is never sent again.
    const wait = Math.max(this.config.env.SHUTDOWN_GRACE_MS, this.config.env.CHANNEL_HTTP_TIMEOUT_MS + 1000);
    const grace = new Promise((resolve) => setTimeout(resolve, wait).unref());
    await Promise.race([drained(this.loop, () => this.running), grace]);
    clearInterval(this.heartbeat);
    clearInterval(this.purgeTimer);
  }

  /** Whether a message could reach the citizen now (platform windows); asked before a staff reply. */
  replyWindow(channel: string, context: WindowContext): ReplyWindow {
    const sender = this.senders.get(channel);
    if (!sender) return { open: false, reason: 'no_channel', error: `no sender for channel ${channel}` };
    return 'replyWindow' in sender ? (sender as WindowedSender).replyWindow(context) : { open: true };
  }

  byInboxEvent(inboxEventId: number): Promise<OutboxMessageEntity[]> {
    return this.repository.byInboxEvent(inboxEventId);
  }

  after(conversationId: string, afterId: number): Promise<OutboxMessageEntity[]> {
    return this.repository.after(conversationId, afterId);
  }

  staffMessages(conversationId: string, limit = 200): Promise<OutboxMessageEntity[]> {
    return this.repository.byOrigin(conversationId, 'staff', limit);
  }

  forRecipient(
    unitId: string,
    channel: string,
    recipientId: string,
    afterId: number,
  ): Promise<OutboxMessageEntity[]> {
    return this.repository.forRecipient(unitId, channel, recipientId, afterId);
  }

  attempts(outboxIds: number[]): Promise<OutboxAttemptEntity[]> {
    return this.repository.attempts(outboxIds);
  }

  find(id: number): Promise<OutboxMessageEntity | null> {
    return this.repository.findById(id);
  }

  private async run(): Promise<void> {
    this.markAllDue();
    while (!this.stopped) {
      this.wakeUp.begin();
      for (const [lane, limit] of this.lanes()) {
        const name = typeof lane === 'string' ? lane : '';
        const free = limit - (this.inFlight.get(name) ?? 0);
        if (free <= 0 || !this.due.has(name)) continue;
        let claimed: { message: OutboxMessageEntity; attemptId: number }[] = [];
        try {
          claimed = await this.repository.claim(
            lane,
            free,
            this.owner,
            this.clock.now(),
            this.config.env.OUTBOX_LEASE_MS,
          );
        } catch (error) {
          if (!this.stopped) this.logger.error({ msg: 'outbox claim failed', error: errorMessage(error) });
        }
        // Fewer than asked for: the lane is drained until new work is signalled or the next poll.
        if (claimed.length < free) this.due.delete(name);
        for (const { message, attemptId } of claimed) this.start(message, attemptId, name, limit);
      }
      const more = this.lanes().some(([lane, limit]) => {
        const name = typeof lane === 'string' ? lane : '';
        return this.due.has(name) && limit - (this.inFlight.get(name) ?? 0) > 0;
      });
      // The poll finds what no signal announced: retries come due, other instances' leftovers.
      if (!more && (await this.wakeUp.sleep(POLL_MS))) this.markAllDue();
      // Sends that finish together are one wake-up and one claim, not one each.
      await backgroundSlice.nextLoopTurn();
    }
  }

  /** Each channel with a sender, at its concurrency, then every other channel (none should have rows). */
  private lanes(): [string | { except: string[] }, number][] {
    const lanes: [string | { except: string[] }, number][] = [...this.senders].map(([channel, sender]) => [
      channel,
      this.limitOf(sender),
    ]);
    lanes.push([{ except: [...this.senders.keys()] }, DEFAULT_CONCURRENCY]);
    return lanes;
  }

  private markAllDue(): void {
    for (const channel of this.senders.keys()) this.due.add(channel);
    this.due.add('');
  }

  private nudge(): void {
    this.wakeUp.nudge();
  }

  /** How many sends of a channel may be in flight at once (the sender's own bound, else the default). */
  private limitOf(sender: ChannelSender): number {
    return Math.max(1, sender.concurrency ?? DEFAULT_CONCURRENCY);
  }

  private start(message: OutboxMessageEntity, attemptId: number, channel: string, limit: number): void {
    this.inFlight.set(channel, (this.inFlight.get(channel) ?? 0) + 1);
    const task: Promise<void> = withCorrelationId(message.correlationId ?? newCorrelationId(), () =>
      this.deliver(message, attemptId),
    ).finally(() => {
      const left = (this.inFlight.get(channel) ?? 1) - 1;
      this.inFlight.set(channel, left);
      this.running.delete(task);
      // Claim again once half the lane is free, not after every send: one claim then takes many.
      if ((left <= limit / 2 && this.due.has(channel)) || this.stopped) this.nudge();
    });
    this.running.add(task);
  }

  private async deliver(message: OutboxMessageEntity, attemptId: number): Promise<void> {
    await backgroundSlice.yieldSlice(true);
    const sender = this.senders.get(message.channel);
    // Counted until the answer is in, so that the results of one claim are recorded together.
    this.awaitingAnswer++;
    const result = await this.send(sender, message).finally(() => this.awaitingAnswer--);
    const now = this.clock.now();
    const attempt = {
      result: result.status,
      httpStatus: result.httpStatus ?? null,
      errorCode: 'errorCode' in result ? (result.errorCode ?? null) : null,
      error: 'error' in result ? result.error.slice(0, 2000) : null,
    };
    let next: {
      status: OutboxStatus;
      nextAttemptAt?: Date;
      platformMessageId?: string | null;
      lastError?: string | null;
      partsSent?: number;
    };
    if (result.status === 'ok') {
      next = { status: 'sent', platformMessageId: result.platformMessageId ?? null };
    } else if (result.status === 'transient' && message.attempts < MAX_SEND_ATTEMPTS) {
      const delay = Math.max(result.retryAfterMs ?? 0, backoffDelay(message.attempts));
      next = {
        status: 'pending',
        nextAttemptAt: new Date(now.getTime() + delay),
        lastError: result.error,
        ...(result.partsSent !== undefined ? { partsSent: result.partsSent } : {}),
      };
    } else {
      next = {
        status: result.status === 'transient' || result.status === 'permanent' ? 'failed' : result.status,
        lastError: result.error,
      };
    }
    if (result.status !== 'ok') {
      this.metrics.deliveryFailed(message.channel, result.status);
      this.logger.warn({
        msg: 'delivery attempt failed',
        outboxId: message.id,
        channel: message.channel,
        attempt: message.attempts,
        result: result.status,
        next: next.status,
        error: result.error,
      });
    }
    try {
      await this.finishes.add({
        id: message.id,
        sourceRef: message.sourceRef,
        attemptId,
        now,
        attempt,
        next,
      });
    } catch (error) {
      this.logger.error({
        msg: 'could not record delivery result',
        outboxId: message.id,
        error: errorMessage(error),
      });
    }
  }

  /** The platform's answer to one message; a thrown error is a transient failure. */
  private async send(sender: ChannelSender | undefined, message: OutboxMessageEntity): Promise<SendResult> {
    if (!sender) return { status: 'permanent', error: `no sender for channel ${message.channel}` };
    try {
      return await sender.send(message.message, {
        outboxId: message.id,
        unitId: message.unitId,
        recipientId: message.recipientId,
        userMessageAt: message.userMessageAt,
        origin: MESSAGE_ORIGINS.includes(message.origin as MessageOrigin)
          ? (message.origin as MessageOrigin)
          : 'bot',
        position: message.position,
        partsSent: message.partsSent,
      });
    } catch (error) {
      return { status: 'transient', error: errorMessage(error) };
    }
  }
}
