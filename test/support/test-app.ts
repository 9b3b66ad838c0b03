import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Type } from '@nestjs/common';
import { Client } from 'pg';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { Test } from '@nestjs/testing';
import { configureApp, createAdapter } from '../../src/app.factory';
import { DatabaseService } from '../../src/database/database.service';

export interface TestApp {
  app: NestFastifyApplication;
  http: () => ReturnType<typeof request>;
  db: DatabaseService;
  dataDir: string;
  databaseKind: 'sqlite' | 'postgres';
  /** DATABASE_URL and DATABASE_SCHEMA for a child process (a CLI) on the same database. */
  databaseEnv: { DATABASE_URL: string; DATABASE_SCHEMA: string };
  /** The SQLite file (undefined on PostgreSQL). */
  sqlitePath?: string;
  close: () => Promise<void>;
}

/** Which databases the e2e suites run against: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export function testDatabases(): ('sqlite' | 'postgres')[] {
  return process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

const ENV_KEYS = [
  'DATABASE_URL',
  'DATABASE_SCHEMA',
  'DATA_DIR',
  'USER_KEY_SECRET',
  'SESSION_SECRET',
  'NODE_ENV',
  'LOG_LEVEL',
  'NLU_CACHE_DIR',
  'TRUST_PROXY',
  'METRICS',
  'METRICS_TOKEN',
  'WEB_CHAT_RATE_PER_MINUTE',
  'WEB_CHAT_IP_RATE_PER_MINUTE',
  'WEB_CHAT_POLL_RATE_PER_MINUTE',
  'WEB_CHAT_POLL_IP_RATE_PER_MINUTE',
];

/**
 * Boots the real application (Fastify, validation, filters, workers) on a fresh database: a SQLite
 * file in a temporary folder, or a PostgreSQL schema of its own that is dropped afterwards.
 */
export async function startTestApp(
  options: {
    database?: 'sqlite' | 'postgres';
    env?: Record<string, string>;
    module?: Type<unknown>;
    /** Providers to replace, e.g. [[Clock, new FixedClock(...)]]. */
    overrides?: [unknown, unknown][];
    /** A second instance on this app's database (same SQLite file or PostgreSQL schema); it drops nothing. */
    sharing?: TestApp;
  } = {},
): Promise<TestApp> {
  const kind = options.sharing?.databaseKind ?? options.database ?? 'sqlite';
  const dataDir = mkdtempSync(join(tmpdir(), 'outreach-test-'));
  const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  const schema =
    options.sharing?.databaseEnv.DATABASE_SCHEMA ||
    `t_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const sqlitePath = options.sharing?.sqlitePath ?? join(dataDir, 'bot.sqlite');
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'error',
    // One classifier cache for all suites: the model is keyed by its data, so sharing is safe.
    NLU_CACHE_DIR: join(tmpdir(), 'outreach-test-nlu-cache'),
    USER_KEY_SECRET: 'test-user-key-secret-0123456789abcdef',
    SESSION_SECRET: 'test-session-secret-0123456789abcdef',
    // Suites drive the web chat from one loopback address, far faster than people: the rate
    // limits are tested where a suite sets them low.
    WEB_CHAT_RATE_PER_MINUTE: '100000',
    WEB_CHAT_IP_RATE_PER_MINUTE: '100000',
    WEB_CHAT_POLL_RATE_PER_MINUTE: '100000',
    WEB_CHAT_POLL_IP_RATE_PER_MINUTE: '100000',
    ...(kind === 'postgres'
      ? { DATABASE_URL: process.env.TEST_DATABASE_URL!, DATABASE_SCHEMA: schema }
      : { DATABASE_URL: `sqlite:${sqlitePath}`, DATABASE_SCHEMA: '' }),
    ...options.env,
  });
  let builder = Test.createTestingModule({ imports: [options.module ?? AppModule] });
  for (const [token, value] of options.overrides ?? [])
    builder = builder.overrideProvider(token).useValue(value);
  const testing = await builder.compile();
  testing.useLogger(false);
  const app = configureApp(
    testing.createNestApplication<NestFastifyApplication>(createAdapter(), { rawBody: true, logger: false }),
  );
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const db = app.get(DatabaseService);
  return {
    app,
    http: () => request(app.getHttpServer()),
    db,
    dataDir,
    databaseKind: kind,
    databaseEnv:
      kind === 'postgres'
        ? { DATABASE_URL: process.env.TEST_DATABASE_URL!, DATABASE_SCHEMA: schema }
        : { DATABASE_URL: `sqlite:${sqlitePath}`, DATABASE_SCHEMA: '' },
    sqlitePath: kind === 'sqlite' ? sqlitePath : undefined,
    close: async () => {
      await app.close();
      if (kind === 'postgres' && !options.sharing) {
        const client = new Client({ connectionString: process.env.TEST_DATABASE_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
      rmSync(dataDir, { recursive: true, force: true });
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}

/** Polls until `check` returns a value (for work done by background workers). */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
