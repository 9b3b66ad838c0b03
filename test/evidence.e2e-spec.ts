import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { AppModule } from '../src/app.module';
import { Clock, FixedClock } from '../src/common/clock';
import { fromRoot } from '../src/common/project-root';
import { InteractionRecordEntity } from '../src/interactions/interaction-record.entity';
import { InteractionsService } from '../src/interactions/interactions.service';
import { ReportsModule } from '../src/reports/reports.module';
import { ReportsService } from '../src/reports/reports.service';
import { ensureBuilt } from './support/app-process';
import { eventually, startTestApp, testDatabases, type TestApp } from './support/test-app';

@Module({ imports: [AppModule, ReportsModule] })
class AppWithReports {}

const UNIT = 'so-y-te-khanh-hoa';
const at = (local: string) => new Date(`${local}+07:00`);

function chatWith(t: () => TestApp) {
  return async (sessionId: string, body: Record<string, string>) =>
    (
      await t()
        .http()
        .post('/api/chat')
        .send({ sessionId, ...body })
        .expect(200)
    ).body as { replies: { text: string }[]; intent: string };
}

/** Runs a built CLI against the test app's SQLite file. */
function cli(t: TestApp, script: string, args: string[]) {
  const result = spawnSync(process.execPath, [fromRoot('dist/src/cli', script), ...args], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATA_DIR: t.dataDir,
      ...t.databaseEnv,
      USER_KEY_SECRET: 'test-user-key-secret-0123456789abcdef',
      SESSION_SECRET: 'test-session-secret-0123456789abcdef',
    },
    encoding: 'utf8',
  });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

describe.each(testDatabases())('the evidence log defends itself (%s)', (database) => {
  let t: TestApp;
  const clock = new FixedClock(at('2026-02-10T09:00:00'));
  const chat = chatWith(() => t);

  beforeAll(async () => {
    ensureBuilt();
    t = await startTestApp({ database, overrides: [[Clock, clock]] });
    await chat('e-1', { payload: 'CONSENT_YES' });
    await chat('e-1', { text: 'quên mật khẩu vneid' });
    await chat('e-1', { text: 'thẻ bhyt hết hạn làm lại ở đâu' });
    await chat('e-2', { text: 'giờ làm việc của bệnh viện' });
    await chat('e-2', { text: 'cảm ơn' });
  });
  afterAll(() => t?.close());

  const verify = () => t.app.get(InteractionsService).verify(UNIT);
  const run = async (sql: string, params: unknown[] = []) => {
    let n = 0;
    const text = database === 'postgres' ? sql.replace(/\?/g, () => `$${++n}`) : sql;
    return t.db.manager.query<Record<string, unknown>[]>(text, params);
  };

  it('should refuse to update or delete a record at the database level', async () => {
    expect((await verify()).broken).toBeNull();
    await expect(
      run('UPDATE "interaction_record" SET "userText" = ? WHERE "seq" = 2', ['sửa']),
    ).rejects.toThrow(/append-only/);
    await expect(run('DELETE FROM "interaction_record" WHERE "seq" = 2')).rejects.toThrow(/retention/);
  });

  it('should name the edited, the swapped and the deleted record once someone bypasses the database guard', async () => {
    // What an administrator with full access could do: switch the guard off.
    if (database === 'postgres') await run('ALTER TABLE "interaction_record" DISABLE TRIGGER USER');
    else {
      await run('DROP TRIGGER "interaction_record_no_update"');
      await run('DROP TRIGGER "interaction_record_retention_only"');
    }
    const [record] = await run('SELECT "id", "replyText" FROM "interaction_record" WHERE "seq" = 3');
    await run('UPDATE "interaction_record" SET "replyText" = ? WHERE "seq" = 3', ['một câu trả lời khác']);
    expect((await verify()).broken).toMatchObject({ seq: 3, reason: expect.stringMatching(/edited/) });
    const edited = cli(t, 'evidence-verify.js', []);
    expect(edited.status).toBe(1);
    expect(edited.out).toMatch(/BROKEN so-y-te-khanh-hoa: record #3 .*edited/);
    await run('UPDATE "interaction_record" SET "replyText" = ? WHERE "seq" = 3', [record.replyText]);
    expect((await verify()).broken).toBeNull();

    // Swap two records' places in the chain.
    await run('UPDATE "interaction_record" SET "seq" = -2 WHERE "seq" = 2');
    await run('UPDATE "interaction_record" SET "seq" = 2 WHERE "seq" = 3');
    await run('UPDATE "interaction_record" SET "seq" = 3 WHERE "seq" = -2');
    expect((await verify()).broken).toMatchObject({ seq: 2, reason: expect.stringMatching(/previous-hash/) });
    await run('UPDATE "interaction_record" SET "seq" = -2 WHERE "seq" = 3');
    await run('UPDATE "interaction_record" SET "seq" = 3 WHERE "seq" = 2');
    await run('UPDATE "interaction_record" SET "seq" = 2 WHERE "seq" = -2');
    expect((await verify()).broken).toBeNull();

    await run('DELETE FROM "interaction_record" WHERE "seq" = 4');
    expect((await verify()).broken).toMatchObject({ seq: 4, reason: expect.stringMatching(/missing/) });
    const deleted = cli(t, 'evidence-verify.js', ['--unit', UNIT]);
    expect(deleted.status).toBe(1);
    expect(deleted.out).toMatch(/record #4: record 4 is missing/);
  });
});

describe.each(testDatabases())('no clear-text personal number anywhere in the database (%s)', (database) => {
  let t: TestApp;
  const chat = chatWith(() => t);
  const SECRETS = [
    '0905 123 456',
    '0905123456',
    '+84 912 345 678',
    '912345678',
    '079203001234',
    '201456789',
    'DN4797915123456',
    '7915123456',
    'tran.thi.b@example.com',
    '0935 111 222',
    '0935111222',
  ];

  beforeAll(async () => {
    t = await startTestApp({ database });
    // Without consent: no text is kept at all; with consent: the text is kept, redacted.
    await chat('p-1', { text: 'số tôi 0905 123 456, cccd 079203001234, quên mật khẩu vneid' });
    await chat('p-2', { payload: 'CONSENT_YES' });
    await chat('p-2', {
      text: 'thẻ bhyt DN4797915123456 của tôi hết hạn, gọi +84 912 345 678 hoặc tran.thi.b@example.com',
    });
    await chat('p-2', { text: 'cmnd 201456789 có dùng được không' });
    // A complaint with a contact given with consent: kept sealed for staff, never in clear text.
    await chat('p-3', { payload: 'CONSENT_YES' });
    await chat('p-3', { text: 'tôi muốn phản ánh' });
    await chat('p-3', { text: 'Bảo vệ cổng chính quát mắng người nhà bệnh nhân' });
    await chat('p-3', { payload: 'complaint:file:skip' });
    await chat('p-3', { payload: 'complaint:file:today' });
    await chat('p-3', { payload: 'complaint:file:contact_yes' });
    const done = await chat('p-3', { text: 'số của tôi là 0935 111 222' });
    if (!/PA-\d{4}-\d{6}/.test(done.replies.map((r) => r.text).join(' ')))
      throw new Error('no ticket was filed');
    await eventually(async () => (await t.db.manager.count(InteractionRecordEntity)) >= 10);
  });
  afterAll(() => t?.close());

  /** Every row of every table, as text (both databases). */
  async function allRows(): Promise<string> {
    const tables =
      database === 'sqlite'
        ? await t.db.manager.query<{ name: string }[]>("SELECT name FROM sqlite_master WHERE type = 'table'")
        : (
            await t.db.manager.query<{ table_name: string }[]>(
              "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
            )
          ).map((r) => ({ name: r.table_name }));
    const parts: string[] = [];
    for (const { name } of tables) {
      const rows = await t.db.manager.query<Record<string, unknown>[]>(`SELECT * FROM "${name}"`);
      parts.push(...rows.map((r) => JSON.stringify(r)));
    }
    expect(tables.length).toBeGreaterThan(5);
    return parts.join('\n');
  }

  /**
   * The SQLite file itself too (free pages, the WAL): what a copy of the database would give away.
   * (A string split across two pages would escape a byte search; the row check has no such gap.)
   * PostgreSQL keeps no file of ours to read: there, its rows as text again.
   */
  async function rawBytes(rowsText: string): Promise<Buffer> {
    if (database !== 'sqlite') return Buffer.from(rowsText, 'utf8');
    await t.db.manager.query('PRAGMA wal_checkpoint(TRUNCATE)');
    const files = [t.sqlitePath!, `${t.sqlitePath}-wal`].filter((f) => existsSync(f));
    return Buffer.concat(files.map((f) => readFileSync(f)));
  }

  it('should leave no phone, ID, insurance code or e-mail in any row, nor in the database file', async () => {
    const text = await allRows();
    expect(SECRETS.filter((s) => text.includes(s))).toEqual([]);
    // The consented, redacted message is there, so the search looks at the right place.
    expect(text).toContain('của tôi hết hạn');
    const bytes = await rawBytes(text);
    expect(bytes.length).toBeGreaterThan(1000);
    expect(SECRETS.filter((s) => bytes.includes(Buffer.from(s, 'utf8')))).toEqual([]);
  });
});

describe('retention of a closed, exported period', () => {
  let t: TestApp;
  const clock = new FixedClock(at('2026-01-05T09:00:00'));
  const chat = chatWith(() => t);

  beforeAll(async () => {
    ensureBuilt();
    t = await startTestApp({ database: 'sqlite', module: AppWithReports, overrides: [[Clock, clock]] });
    await chat('k-1', { text: 'quên mật khẩu vneid' });
    clock.set(at('2026-02-20T09:00:00'));
    await chat('k-2', { text: 'giờ làm việc của bệnh viện' });
    clock.set(at('2026-04-03T09:00:00'));
    await chat('k-3', { text: 'thẻ bhyt hết hạn làm lại ở đâu' });
    clock.set(at('2026-05-10T09:00:00'));
  });
  afterAll(() => t?.close());

  it('should remove a period only with its intact export, and keep the rest verifiable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outreach-retention-'));
    // Nothing exported yet.
    let result = cli(t, 'evidence-retention.js', ['--unit', UNIT, '--period', '2026-Q1', '--export', dir]);
    expect(result.status).toBe(1);
    expect(result.out).toMatch(/no manifest.json/);

    await t.app
      .get(ReportsService)
      .generate({ unitId: UNIT, period: '2026-Q1', language: 'vi', outDir: dir });
    // A tampered export is refused.
    const csv = join(dir, 'interactions.csv');
    const original = readFileSync(csv);
    writeFileSync(csv, Buffer.concat([original, Buffer.from('x')]));
    result = cli(t, 'evidence-retention.js', ['--unit', UNIT, '--period', '2026-Q1', '--export', dir]);
    expect(result.out).toMatch(/interactions.csv .* not intact/);
    writeFileSync(csv, original);

    // A dry run first, then the removal.
    result = cli(t, 'evidence-retention.js', ['--unit', UNIT, '--period', '2026-Q1', '--export', dir]);
    expect(result.status).toBe(0);
    expect(result.out).toMatch(/2 records .* can be removed/);
    expect(await t.db.manager.count(InteractionRecordEntity)).toBe(3);
    result = cli(t, 'evidence-retention.js', [
      '--unit',
      UNIT,
      '--period',
      '2026-Q1',
      '--export',
      dir,
      '--confirm',
    ]);
    expect(result.status).toBe(0);
    expect(result.out).toMatch(/removed 2 records through #2; the remaining chain is intact \(1 records\)/);
    // The app's own SQLite connection may still be inside a transaction begun (by a background job)
    // before the CLI's delete: its snapshot catches up when that transaction ends.
    const left = await eventually(async () => {
      const rows = await t.db.manager.find(InteractionRecordEntity);
      return rows.length === 1 ? rows : null;
    }).catch(() => t.db.manager.find(InteractionRecordEntity));
    expect(left.map((r) => r.seq)).toEqual([3]);
    expect((await t.app.get(InteractionsService).verify(UNIT)).broken).toBeNull();
    expect(cli(t, 'evidence-verify.js', []).out).toMatch(
      /ok {5}so-y-te-khanh-hoa: 1 records intact \(after retention through #2, 2026-Q1\)/,
    );
    // Even now, the database refuses to delete what no anchor covers.
    await expect(t.db.manager.query('DELETE FROM "interaction_record" WHERE "seq" = 3')).rejects.toThrow(
      /retention/,
    );
  });
});
