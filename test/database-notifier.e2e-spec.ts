import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '../src/config/app-config';
import { validateEnv } from '../src/config/env.schema';
import { channelName, DatabaseNotifier } from '../src/database/database-notifier';
import { eventually } from './support/test-app';

const pgUrl = process.env.TEST_DATABASE_URL;
const onPostgres = pgUrl ? describe : describe.skip;

const configFor = (env: Record<string, string>) => new AppConfig(validateEnv(env), env);

describe('#channelName', () => {
  it('should keep deployments in separate schemas apart, within 63 bytes', () => {
    expect(channelName('outreach_inbox')).toBe('outreach_inbox');
    expect(channelName('outreach_inbox', 'tenant_a')).toBe('outreach_inbox.tenant_a');
    const long = channelName('outreach_outbox', 'x'.repeat(63));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).not.toBe(channelName('outreach_outbox', 'y'.repeat(63)));
  });
});

describe(`${DatabaseNotifier.name} on SQLite`, () => {
  it('should do nothing (one process)', async () => {
    const notifier = new DatabaseNotifier(configFor({ DATABASE_URL: 'sqlite:/tmp/none.sqlite' }));
    await notifier.onModuleInit();
    expect(notifier.enabled).toBe(false);
    expect(() => notifier.notify('inbox')).not.toThrow();
    await notifier.onApplicationShutdown();
  });
});

/** Two notifiers stand for two instances on one database. */
onPostgres(`${DatabaseNotifier.name} on PostgreSQL`, () => {
  const schema = `notifier_${process.pid}_${Date.now().toString(36)}`;
  const env = { DATABASE_URL: pgUrl!, DATABASE_SCHEMA: schema };
  let a: DatabaseNotifier;
  let b: DatabaseNotifier;
  let admin: Client;
  const woken = { inbox: 0, outbox: 0 };
  let selfWoken = 0;

  beforeAll(async () => {
    Logger.overrideLogger(false); // the reconnect test's warnings are expected
    admin = new Client({ connectionString: pgUrl });
    await admin.connect();
    a = new DatabaseNotifier(configFor(env));
    b = new DatabaseNotifier(configFor(env));
    b.subscribe('inbox', () => woken.inbox++);
    b.subscribe('outbox', () => woken.outbox++);
    a.subscribe('inbox', () => selfWoken++);
    await Promise.all([a.onModuleInit(), b.onModuleInit()]);
  });
  afterAll(async () => {
    await Promise.all([a?.onApplicationShutdown(), b?.onApplicationShutdown()]);
    await admin?.end();
  });
  beforeEach(() => {
    woken.inbox = 0;
    woken.outbox = 0;
    selfWoken = 0;
  });

  it('should hold no connection where nobody listens (a command-line tool)', async () => {
    const idle = new DatabaseNotifier(configFor(env));
    await idle.onModuleInit();
    expect(idle.isListening).toBe(false);
    await idle.onApplicationShutdown();
  });

  it('should wake the other instance on the channel notified, and not itself', async () => {
    a.notify('inbox');
    await eventually(async () => woken.inbox === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(woken).toEqual({ inbox: 1, outbox: 0 });
    expect(selfWoken).toBe(0);
  });

  it('should coalesce a burst into a couple of NOTIFYs', async () => {
    const listener = new Client({ connectionString: pgUrl });
    await listener.connect();
    let seen = 0;
    listener.on('notification', () => seen++);
    await listener.query(`LISTEN "${channelName('outreach_outbox', schema)}"`);
    for (let i = 0; i < 1000; i++) a.notify('outbox');
    await eventually(async () => woken.outbox >= 1);
    await new Promise((r) => setTimeout(r, 200));
    await listener.end();
    // The first at once, one more at the end of the window for the rest.
    expect(seen).toBe(2);
    expect(woken.outbox).toBe(2);
  });

  it('should listen again after its connection is killed, and look for missed work then', async () => {
    const killed = await admin.query<{ ok: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
        WHERE application_name = 'outreach-bot-listener' AND datname = current_database()`,
    );
    expect(killed.rows.length).toBeGreaterThanOrEqual(2);
    // Back up: a wake on both channels for what may have been notified meanwhile.
    await eventually(async () => b.isListening && woken.inbox === 1 && woken.outbox === 1);
    await eventually(async () => a.isListening);
    a.notify('inbox');
    await eventually(async () => woken.inbox === 2);
  });
});
