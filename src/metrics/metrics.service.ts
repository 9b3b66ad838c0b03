import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { errorMessage } from '../common/errors';
import { UnitsService } from '../units/units.service';

/** Label values outside these sets become OTHER: a label never carries free text, ids or numbers. */
const CHANNELS = new Set(['messenger', 'zalo', 'web']);
const SEND_FAILURES = new Set(['transient', 'permanent', 'window_closed', 'unreachable']);
const CAMPAIGN_RESULTS = new Set(['sent', 'outside_window', 'unreachable', 'failed']);
const OTHER = 'other';
/** A request no route matched (a 404): one value, never the raw URL. */
const UNMATCHED_ROUTE = 'unmatched';

export type ScrapeGauge = 'outreach_inbox_pending' | 'outreach_outbox_pending';

/**
 * Process metrics are per process, not per Nest application: registered once, so tests that boot
 * several apps in one process do not stack GC observers and event-loop monitors.
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

const pick = (value: string, allowed: Set<string>) => (allowed.has(value) ? value : OTHER);

/**
 * Owns every Prometheus metric of the service (names, help, label sets). Feature modules report
 * to it in place — a counter increment, no I/O — and register the gauges that need the database,
 * which are read only when Prometheus scrapes.
 */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger(MetricsService.name);
  private readonly registry = new Registry();
  private readonly turns = new Counter({
    name: 'outreach_turns_total',
    help: 'Conversation turns committed, by unit, channel and intent.',
    labelNames: ['unit', 'channel', 'intent'] as const,
    registers: [this.registry],
  });
  private readonly turnDuration = new Histogram({
    name: 'outreach_turn_duration_seconds',
    help: 'Time from taking an inbox event to its turn committed (understand, reply, render, record).',
    labelNames: ['channel'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly outboxFailures = new Counter({
    name: 'outreach_outbox_failures_total',
    help: 'Failed delivery attempts, by channel and send result (a retried transient failure counts each time).',
    labelNames: ['channel', 'reason'] as const,
    registers: [this.registry],
  });
  private readonly httpRequests = new Counter({
    name: 'outreach_http_requests_total',
    help: 'HTTP requests answered, by matched route pattern and status code.',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly campaignMessages = new Counter({
    name: 'outreach_campaign_messages_total',
    help: 'Campaign messages whose delivery ended, by unit, channel and result.',
    labelNames: ['unit', 'channel', 'result'] as const,
    registers: [this.registry],
  });

  constructor(private readonly units: UnitsService) {}

  turnEnded(unitId: string, channel: string, intent: string, seconds: number): void {
    const ch = pick(channel, CHANNELS);
    this.turns.inc({ unit: this.unit(unitId), channel: ch, intent });
    this.turnDuration.observe({ channel: ch }, seconds);
  }

  deliveryFailed(channel: string, reason: string): void {
    this.outboxFailures.inc({ channel: pick(channel, CHANNELS), reason: pick(reason, SEND_FAILURES) });
  }

  /** `route` is the pattern Fastify matched (`/console/complaints/:id`), undefined when none did. */
  httpRequest(route: string | undefined, status: number): void {
    this.httpRequests.inc({ route: route ?? UNMATCHED_ROUTE, status: String(status) });
  }

  campaignMessage(unitId: string, channel: string, result: string): void {
    this.campaignMessages.inc({
      unit: this.unit(unitId),
      channel: pick(channel, CHANNELS),
      result: pick(result, CAMPAIGN_RESULTS),
    });
  }

  /**
   * A gauge read at scrape time by one bounded query of its owner. When the query fails the gauge
   * is NaN for that scrape (unknown), and the rest of the scrape still answers.
   */
  gaugeAtScrape(name: ScrapeGauge, help: string, read: () => Promise<number>): void {
    if (this.registry.getSingleMetric(name)) return;
    const logger = this.logger;
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        try {
          this.set(await read());
        } catch (error) {
          logger.warn({ msg: 'metric not read', metric: name, error: errorMessage(error) });
          this.set(Number.NaN);
        }
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The whole scrape: our metrics, then the process's (memory, CPU, event loop, GC). */
  async scrape(): Promise<string> {
    const [own, process] = await Promise.all([this.registry.metrics(), processMetrics().metrics()]);
    return `${own}\n${process}`;
  }

  private unit(id: string): string {
    return this.units.get(id) ? id : OTHER;
  }
}
