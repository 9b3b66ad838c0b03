import { spawn } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Clock, FixedClock } from '../src/common/clock';
import { fromRoot } from '../src/common/project-root';
import { InteractionsService } from '../src/interactions/interactions.service';
import { ensureBuilt } from './support/app-process';
import { eventually, startTestApp, type TestApp } from './support/test-app';

const UNIT = 'so-y-te-khanh-hoa';
const QUESTIONS = ['quên mật khẩu vneid', 'thẻ bhyt hết hạn làm lại ở đâu', 'giờ làm việc', 'cảm ơn'];

/** Runs a built CLI as its own process without blocking this one: the app keeps answering meanwhile. */
function cli(script: string, args: string[], env: Record<string, string>) {
  return new Promise<{ status: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [fromRoot('dist/src/cli', script), ...args], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        USER_KEY_SECRET: 'test-user-key-secret-0123456789abcdef',
        SESSION_SECRET: 'test-session-secret-0123456789abcdef',
        ...env,
      },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (status) => resolve({ status, out }));
  });
}

function recordsIn(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return Number(db.prepare('SELECT COUNT(*) FROM "interaction_record"').pluck().get());
  } finally {
    db.close();
  }
}

describe('db:backup while the bot answers (sqlite)', () => {
  let t: TestApp;
  let outDir: string;
  const env = () => ({ DATA_DIR: t.dataDir, ...t.databaseEnv });

  beforeAll(async () => {
    ensureBuilt();
    t = await startTestApp({ database: 'sqlite' });
    outDir = mkdtempSync(join(tmpdir(), 'outreach-backup-'));
  });
  afterAll(async () => {
    await t?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('should copy a consistent, verifiable database while turns keep committing', async () => {
    let answered = 0;
    let stop = false;
    const talk = async (session: string) => {
      for (let i = 0; !stop; i++) {
        await t
          .http()
          .post('/api/chat')
          .send({ sessionId: session, text: QUESTIONS[i % QUESTIONS.length] })
          .expect(200);
        answered++;
      }
    };
    const talkers = ['b-1', 'b-2', 'b-3', 'b-4'].map(talk);
    while (answered < 8) await new Promise((r) => setTimeout(r, 20));

    const copy = join(outDir, 'copy.sqlite');
    const [{ count: before }] = await t.db.manager.query<{ count: number }[]>(
      'SELECT COUNT(*) AS "count" FROM "interaction_record"',
    );
    const answeredBefore = answered;
    const backup = await cli('db-backup.js', ['--out', copy], env());
    const answeredDuring = answered - answeredBefore;
    stop = true;
    await Promise.all(talkers);

    expect(backup.out).toContain(`backup written: ${copy}`);
    expect(backup.status).toBe(0);
    expect(answeredDuring).toBeGreaterThan(0);
    expect(backup.out).toMatch(/integrity_check: ok/);
    expect(backup.out).toMatch(new RegExp(`${UNIT}: chain intact, \\d+ records checked`));
    expect(backup.out).toMatch(/conversations: \d+\ncomplaint tickets: 0\ncampaigns: 0/);
    // Only the final name remains: no partial file, no journal beside it.
    expect(readdirSync(outDir)).toEqual(['copy.sqlite']);

    const inCopy = recordsIn(copy);
    expect(inCopy).toBeGreaterThanOrEqual(Number(before));
    const verified = await cli('evidence-verify.js', [], {
      DATA_DIR: t.dataDir,
      DATABASE_URL: `sqlite:${copy}`,
    });
    expect(verified.out).toMatch(new RegExp(`ok +${UNIT}: (\\d+) records intact`));
    expect(verified.status).toBe(0);
    const intact = Number(new RegExp(`${UNIT}: (\\d+) records intact`).exec(verified.out)![1]);
    expect(intact).toBe(inCopy);
    expect(intact).toBeGreaterThanOrEqual(Number(before));

    // The app starts on the copy and goes on writing its chain.
    const restored = await startTestApp({ database: 'sqlite', env: { DATABASE_URL: `sqlite:${copy}` } });
    try {
      await restored
        .http()
        .post('/api/chat')
        .send({ sessionId: 'after-restore', text: 'cảm ơn' })
        .expect(200);
      const report = await restored.app.get(InteractionsService).verify(UNIT);
      expect(report.broken).toBeNull();
      // More than one new record when the copy caught deliveries still in the inbox: they are answered now.
      expect(report.checked).toBeGreaterThan(inCopy);
    } finally {
      await restored.close();
    }
  });

  it('should refuse an existing file and leave it as it was', async () => {
    const existing = join(outDir, 'existing.sqlite');
    writeFileSync(existing, 'an older backup');
    const mtime = statSync(existing).mtimeMs;
    const result = await cli('db-backup.js', ['--out', existing], env());
    expect(result.status).toBe(1);
    expect(result.out).toContain(`db:backup: ${existing} already exists: a backup never overwrites a file`);
    expect(readFileSync(existing, 'utf8')).toBe('an older backup');
    expect(statSync(existing).mtimeMs).toBe(mtime);
    expect(readdirSync(outDir).filter((name) => name.includes('existing'))).toEqual(['existing.sqlite']);
  });

  it('should take a relative --out from where npm was called, not the project folder', async () => {
    const result = await cli('db-backup.js', ['--out', 'relative.sqlite'], { ...env(), INIT_CWD: outDir });
    expect(result.status).toBe(0);
    expect(result.out).toContain(`backup written: ${join(outDir, 'relative.sqlite')}`);
    expect(recordsIn(join(outDir, 'relative.sqlite'))).toBeGreaterThan(0);
  });

  it('should refuse a folder that does not exist', async () => {
    const result = await cli('db-backup.js', ['--out', join(outDir, 'missing', 'x.sqlite')], env());
    expect(result.status).toBe(1);
    expect(result.out).toContain(`db:backup: the folder ${join(outDir, 'missing')} does not exist`);
  });

  it('should refuse a folder it cannot write to', async () => {
    // root writes through a chmod 555: then use a folder the kernel refuses even to root.
    let folder = join(outDir, 'read-only');
    if (process.getuid?.() === 0) folder = '/proc/sys';
    else {
      mkdirSync(folder);
      chmodSync(folder, 0o555);
    }
    expect(() => accessSync(folder, constants.W_OK)).toThrow();
    const result = await cli('db-backup.js', ['--out', join(folder, 'x.sqlite')], env());
    expect(result.status).toBe(1);
    expect(result.out).toContain(`db:backup: the folder ${folder} is not writable by this user`);
    expect(existsSync(join(folder, 'x.sqlite'))).toBe(false);
  });

  it('should print the usage without --out', async () => {
    const result = await cli('db-backup.js', [], env());
    expect(result.status).toBe(2);
    expect(result.out).toContain(
      'db:backup: --out FILE is required\nusage: npm run -s db:backup -- --out FILE',
    );
  });

  it('should point to pg_dump on PostgreSQL, without connecting or naming the password', async () => {
    const result = await cli('db-backup.js', ['--out', join(outDir, 'pg.sqlite')], {
      DATABASE_URL: 'postgres://app:s3cret@127.0.0.1:1/appdb',
      DATABASE_SCHEMA: 'bot',
    });
    expect(result.status).toBe(1);
    expect(result.out).toContain(
      'the database is PostgreSQL: back it up with pg_dump instead:\n  pg_dump --format=custom --no-owner --schema=bot --file=outreach-bot.dump "$DATABASE_URL"',
    );
    expect(result.out).not.toContain('s3cret');
    expect(existsSync(join(outDir, 'pg.sqlite'))).toBe(false);
  });
});

describe('the daily backup in the running service (sqlite)', () => {
  let t: TestApp | undefined;
  let backupDir: string;
  afterEach(async () => {
    await t?.close();
    rmSync(backupDir, { recursive: true, force: true });
  });

  it('should write the day’s verified copy under its dated name and drop its own oldest beyond BACKUP_KEEP', async () => {
    ensureBuilt();
    backupDir = mkdtempSync(join(tmpdir(), 'outreach-daily-'));
    for (const day of ['01', '02', '03'])
      writeFileSync(join(backupDir, `outreach-bot-2026-03-${day}.sqlite`), 'old');
    writeFileSync(join(backupDir, 'notes.txt'), 'not a backup');
    t = await startTestApp({
      database: 'sqlite',
      env: { BACKUP_DIR: backupDir, BACKUP_HOUR: '2', BACKUP_KEEP: '2' },
      overrides: [[Clock, new FixedClock(new Date('2026-03-10T03:00:00+07:00'))]],
    });
    await t.http().post('/api/chat').send({ sessionId: 'daily', text: 'cảm ơn' }).expect(200);
    const copy = join(backupDir, 'outreach-bot-2026-03-10.sqlite');
    await eventually(() => Promise.resolve(existsSync(copy)), 30_000);
    expect(recordsIn(copy)).toBeGreaterThanOrEqual(1);
    await eventually(() => Promise.resolve(readdirSync(backupDir).length === 3), 5_000);
    expect(readdirSync(backupDir).sort()).toEqual([
      'notes.txt',
      'outreach-bot-2026-03-03.sqlite',
      'outreach-bot-2026-03-10.sqlite',
    ]);
  });
});
