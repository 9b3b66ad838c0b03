import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * Fills a fresh SQLite database with N interaction records (default 1,000,000) spread over four
 * units and 90 days, boots the app on it and times every console page over HTTP.
 * usage: npm run -s bench:console [-- --records N --runs R]
 */
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RECORDS = arg('records', 1_000_000);
const RUNS = arg('runs', 5);
const TARGET_MS = 300;

const INTENTS = [
  'vneid',
  'health_insurance',
  'public_services',
  'unit_info',
  'complaint',
  'greeting',
  'fallback',
  'human',
  'emergency',
];
const OUTCOMES = ['answered', 'answered', 'answered', 'clarified', 'fallback', 'handoff', 'ticket'];
const PLANS = ['', ',vneid,', ',health_insurance,', ',online_public_services,', ',english_programme,vneid,'];
const WORDS = [
  'làm sao',
  'cấp lại',
  'thẻ bhyt',
  'mật khẩu',
  'vneid',
  'giờ làm việc',
  'khám bệnh',
  'đăng ký',
  'hồ sơ',
  'lệ phí',
];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'console-bench-'));
  Object.assign(process.env, {
    NODE_ENV: 'production',
    DATA_DIR: dir,
    DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}`,
    LOG_LEVEL: 'error',
    USER_KEY_SECRET: 'bench-user-key-secret-0123456789abcdef',
    SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
  });
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { AppModule } = require('../app.module') as typeof import('../app.module');
  const { createApp } = require('../app.factory') as typeof import('../app.factory');
  const { DatabaseService } =
    require('../database/database.service') as typeof import('../database/database.service');
  const { hashPassword } =
    require('../console/console-auth.service') as typeof import('../console/console-auth.service');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const app = await createApp(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const base = `http://127.0.0.1:${address.port}`;
  const db = app.get(DatabaseService);
  try {
    const units = ['so-y-te-khanh-hoa', 'bvdkkv-ninh-hoa', 'cd-y-te-khanh-hoa', 'ttyt-vinh-thanh'];
    const now = Date.now();
    const span = 90 * 86_400_000;
    const seq: Record<string, number> = {};
    let random = 42;
    const rnd = (n: number) => {
      random = (random * 1103515245 + 12345) % 2147483648;
      return random % n;
    };
    const started = performance.now();
    const cols =
      '"unitId","seq","occurredAt","channel","conversationId","userKey","language","intent","topic","confidence","userText","replyText","replyKeys","contentVersion","planItems","outcome","satisfaction","latencyMs","inboxEventId","prevHash","hash"';
    const BATCH = 1000;
    const hash = 'a'.repeat(64);
    for (let done = 0; done < RECORDS; done += BATCH) {
      const values: unknown[] = [];
      const rows: string[] = [];
      for (let i = 0; i < Math.min(BATCH, RECORDS - done); i++) {
        const n = done + i;
        const unitId = units[n % 4];
        seq[unitId] = (seq[unitId] ?? 0) + 1;
        const outcome = OUTCOMES[rnd(OUTCOMES.length)];
        const text =
          rnd(5) === 0 ? `${WORDS[rnd(WORDS.length)]} ${WORDS[rnd(WORDS.length)]} ${n % 50}` : null;
        rows.push(`(${new Array(21).fill('?').join(',')})`);
        values.push(
          unitId,
          seq[unitId],
          Math.floor(now - span + (n / RECORDS) * span),
          ['web', 'messenger', 'zalo'][rnd(3)],
          n === RECORDS - 1 ? 'bench-conversation' : `c-${n % 100_000}`,
          `u-${n % 100_000}`,
          rnd(10) === 0 ? 'en' : 'vi',
          outcome === 'fallback' ? 'fallback' : INTENTS[rnd(INTENTS.length)],
          null,
          null,
          text,
          'Trả lời mẫu của trợ lý ảo.',
          '[]',
          'bench',
          PLANS[rnd(PLANS.length)],
          outcome,
          rnd(8) === 0 ? (rnd(4) === 0 ? 'down' : 'up') : null,
          100,
          null,
          hash,
          hash,
        );
      }
      await db.transaction((m) =>
        m.query(`INSERT INTO interaction_record (${cols}) VALUES ${rows.join(',')}`, values),
      );
      if ((done / BATCH) % 100 === 0) process.stderr.write(`\r${done.toLocaleString()} records`);
    }
    process.stderr.write(
      `\r${RECORDS.toLocaleString()} records in ${((performance.now() - started) / 1000).toFixed(0)} s\n`,
    );
    await db.transaction(async (m) => {
      await m.query(
        `INSERT INTO conversation ("id","unitId","channel","userId","userKey","language","consent","missCount","turnCount","handoffUntil","createdAt","updatedAt","lastUserMessageAt")
         VALUES ('bench-conversation','ttyt-vinh-thanh','web','bench-user','k','vi','granted',0,1,${now + 3_600_000},${now},${now},${now})`,
      );
      await m.query(
        `INSERT INTO staff_request ("unitId","conversationId","kind","status","createdAt") VALUES ('ttyt-vinh-thanh','bench-conversation','handoff','open',${now})`,
      );
      for (let i = 1; i <= 2000; i++)
        await m.query(
          `INSERT INTO complaint_ticket ("code","unitId","conversationId","channel","language","status","description","contactConsent","createdAt","updatedAt")
           VALUES (?, ?, 'bench-conversation', 'web', 'vi', 'received', 'Phản ánh mẫu', ?, ?, ?)`,
          [`PA-2026-${String(i).padStart(6, '0')}`, units[i % 4], false, now - i * 60_000, now - i * 60_000],
        );
    });
    await db.dataSource.query('ANALYZE');
    const benchHash = await hashPassword('bench-password-123');
    await db.transaction((m) =>
      m.query(
        `INSERT INTO console_user ("email","unitId","role","passwordHash","active","createdAt","updatedAt") VALUES ('bench@example.org','all','admin',?,1,?,?)`,
        [benchHash, now, now],
      ),
    );

    // Sign in as a browser does.
    const loginPage = await fetch(`${base}/console/login`);
    const pre = /console_pre=([^;]+)/.exec(loginPage.headers.get('set-cookie') ?? '')![1];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())![1];
    const login = await fetch(`${base}/console/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `console_pre=${pre}` },
      body: new URLSearchParams({
        _csrf: csrf,
        email: 'bench@example.org',
        password: 'bench-password-123',
      }).toString(),
    });
    const session = /console_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')![1];
    const ticket = await db.dataSource.query<{ id: number }[]>('SELECT MAX(id) AS id FROM complaint_ticket');
    const day = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10);
    const pages: [string, string][] = [
      ['dashboard (30 days, all units)', '/console'],
      ['dashboard (90 days, all units)', `/console?from=${day(now - span)}&to=${day(now)}`],
      [
        'dashboard (90 days, one unit)',
        `/console?unit=bvdkkv-ninh-hoa&from=${day(now - span)}&to=${day(now)}`,
      ],
      ['conversations', '/console/conversations'],
      ['conversations, page 2', '/console/conversations?before=999000'],
      [
        'conversations, intent + channel',
        '/console/conversations?intent=vneid&channel=zalo&unit=ttyt-vinh-thanh',
      ],
      ['conversations, outcome = fallback', '/console/conversations?outcome=fallback'],
      ['conversations, language = en', '/console/conversations?language=en'],
      ['conversations, search', `/console/conversations?q=${encodeURIComponent('thẻ bhyt')}`],
      ['conversations, 90 days, search', `/console/conversations?from=${day(now - span)}&q=vneid`],
      ['conversations, search without match', '/console/conversations?q=zzzz-nowhere'],
      ['transcript', '/console/conversations/bench-conversation'],
      ['complaints', '/console/complaints'],
      ['complaints, status', '/console/complaints?status=received'],
      ['complaint detail', `/console/complaints/${ticket[0].id}`],
      ['hand-offs', '/console/handoffs'],
      ['unanswered questions', '/console/unanswered'],
      ['reports', '/console/reports'],
      ['audit', '/console/audit'],
      ['users', '/console/users'],
    ];
    const lines: string[] = [];
    let worst = 0;
    for (const [name, path] of pages) {
      const times: number[] = [];
      for (let i = 0; i <= RUNS; i++) {
        const t0 = performance.now();
        const res = await fetch(base + path, { headers: { cookie: `console_session=${session}` } });
        await res.text();
        if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
        if (i > 0) times.push(performance.now() - t0); // the first run warms caches
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)];
      const max = times[times.length - 1];
      worst = Math.max(worst, median);
      lines.push(
        `| ${name.padEnd(36)} | ${median.toFixed(0).padStart(6)} | ${max.toFixed(0).padStart(6)} | ${median < TARGET_MS ? 'ok' : 'SLOW'} |`,
      );
    }
    console.log(
      `\nConsole pages with ${RECORDS.toLocaleString('en')} interaction records (SQLite, ${RUNS} runs after 1 warm-up):\n`,
    );
    console.log(`| ${'page'.padEnd(36)} | median ms | max ms | < ${TARGET_MS} ms |`);
    console.log(`|${'-'.repeat(38)}|-----------|--------|----------|`);
    for (const line of lines) console.log(line);
    if (worst >= TARGET_MS) process.exitCode = 1;
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
