import { createHash, randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Client, type Notification } from 'pg';
import { errorMessage } from '../common/errors';
import { AppConfig } from '../config/app-config';

/**
 * What other instances should hear about at once: new work in a queue, or turns finished (a web
 * chat request waits on the instance that received it, whichever instance took the turn).
 */
export type WakeChannel = 'inbox' | 'outbox' | 'turns';

const CHANNELS: WakeChannel[] = ['inbox', 'outbox', 'turns'];
/** At most one NOTIFY per channel per window (plus one at its end if more came meanwhile). */
const COALESCE_MS = 5;
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;

/**
 * Wakes the workers of the other instances (PostgreSQL LISTEN/NOTIFY) when one instance accepts
 * inbound work or enqueues replies, instead of leaving it to their next poll. Best effort: a
 * notification lost while the listening connection is down is covered by polling. On SQLite (one
 * process) it does nothing.
 */
@Injectable()
export class DatabaseNotifier implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseNotifier.name);
  /** Our own notifications come back to us; the caller has already woken the local worker. */
  private readonly instance = randomUUID();
  private readonly url?: string;
  private readonly names: Record<WakeChannel, string>;
  private readonly listeners = new Map<WakeChannel, (() => void)[]>();
  private readonly throttled = new Map<WakeChannel, { again: boolean }>();
  private client?: Client;
  private listening = false;
  private closed = false;
  private failures = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private sending = Promise.resolve();

  constructor(config: AppConfig) {
    const target = config.database;
    const schema = target.type === 'postgres' ? target.schema : undefined;
    if (target.type === 'postgres') this.url = target.url;
    this.names = {
      inbox: channelName('outreach_inbox', schema),
      outbox: channelName('outreach_outbox', schema),
      turns: channelName('outreach_turns', schema),
    };
  }

  get enabled(): boolean {
    return this.url !== undefined;
  }

  /** Whether the listening connection is up (notifications from other instances arrive). */
  get isListening(): boolean {
    return this.listening;
  }

  /** Subscribers register in their constructors; a command-line tool without any holds no connection. */
  async onModuleInit(): Promise<void> {
    if (this.enabled && this.listeners.size) await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    this.listening = false;
    await client?.end().catch(() => undefined);
  }

  /** `listener` runs when another instance notifies `channel` (and after a reconnect: we may have missed some). */
  subscribe(channel: WakeChannel, listener: () => void): void {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
  }

  /** Tells the other instances; call after the work committed. Bursts collapse into few NOTIFYs. */
  notify(channel: WakeChannel): void {
    if (!this.enabled || this.closed) return;
    const window = this.throttled.get(channel);
    if (window) {
      window.again = true;
      return;
    }
    this.send(channel);
    const opened = { again: false };
    this.throttled.set(channel, opened);
    setTimeout(() => {
      this.throttled.delete(channel);
      if (opened.again) this.notify(channel);
    }, COALESCE_MS).unref();
  }

  private send(channel: WakeChannel): void {
    const client = this.client;
    if (!client || !this.listening) return; // polling finds the work
    // One query at a time on the client (pg deprecates overlapping ones).
    this.sending = this.sending
      .then(() => client.query('SELECT pg_notify($1, $2)', [this.names[channel], this.instance]))
      .then(
        () => undefined,
        // Closing ends the connection under a NOTIFY still queued: nobody is left to tell.
        (error) => {
          if (!this.closed) this.logger.warn({ msg: 'NOTIFY failed', channel, error: errorMessage(error) });
        },
      );
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.url,
      application_name: 'outreach-bot-listener',
      // A connection that died silently (NAT, failover) is noticed instead of listening forever.
      keepAlive: true,
    });
    this.client = client;
    client.on('notification', (message) => this.received(message));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      for (const channel of CHANNELS) await client.query(`LISTEN "${this.names[channel]}"`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.client !== client) {
      void client.end().catch(() => undefined); // shut down while connecting
      return;
    }
    this.listening = true;
    if (this.failures) {
      this.logger.log({ msg: 'listening for other instances again', afterFailures: this.failures });
      // Whatever was notified while we were away: look now rather than at the next poll.
      for (const channel of CHANNELS) this.wake(channel);
    }
    this.failures = 0;
  }

  private lost(client: Client, error?: unknown): void {
    if (this.client !== client) return; // already handled (error and end both fire)
    this.client = undefined;
    this.listening = false;
    client.removeAllListeners('notification');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (this.closed) return;
    this.failures++;
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** (this.failures - 1));
    this.logger.warn({
      msg: 'listening connection lost; polling only until it is back',
      retryInMs: delay,
      ...(error ? { error: errorMessage(error) } : {}),
    });
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
    this.reconnectTimer.unref();
  }

  private received(message: Notification): void {
    if (message.payload === this.instance) return;
    const channel = CHANNELS.find((c) => this.names[c] === message.channel);
    if (channel) this.wake(channel);
  }

  private wake(channel: WakeChannel): void {
    for (const listener of this.listeners.get(channel) ?? []) listener();
  }
}

/**
 * Notifications are per database, not per schema: deployments sharing a database in separate
 * schemas get channels of their own. A channel name is at most 63 bytes.
 */
export function channelName(base: string, schema?: string): string {
  if (!schema) return base;
  const name = `${base}.${schema}`;
  return name.length <= 63
    ? name
    : `${base}.${createHash('sha256').update(schema).digest('hex').slice(0, 32)}`;
}
