import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixedClock } from '../common/clock';
import { backupDue, backupsBeyond, pgDumpLine, vnDate } from './backup-files';
import { DailyBackup } from './daily-backup';

const at = (local: string) => new Date(`${local}+07:00`);

describe('#backupDue', () => {
  it.each([
    ['before the hour', '2026-03-10T01:59:59', [], null],
    ['at the hour', '2026-03-10T02:00:00', [], 'outreach-bot-2026-03-10.sqlite'],
    ['later the same day (catching up)', '2026-03-10T15:30:00', [], 'outreach-bot-2026-03-10.sqlite'],
    ['once today’s file exists', '2026-03-10T15:30:00', ['outreach-bot-2026-03-10.sqlite'], null],
    [
      'on the next day',
      '2026-03-11T02:00:00',
      ['outreach-bot-2026-03-10.sqlite'],
      'outreach-bot-2026-03-11.sqlite',
    ],
  ])('should answer %s', (_case, local, names, expected) => {
    expect(backupDue(at(local), 2, names)).toBe(expected);
  });

  it('should use the Vietnam date, not the UTC one', () => {
    // 2026-03-10 23:30 UTC is 06:30 on the 11th in Vietnam.
    expect(vnDate(new Date('2026-03-10T23:30:00Z'))).toBe('2026-03-11');
    expect(backupDue(new Date('2026-03-10T23:30:00Z'), 2, [])).toBe('outreach-bot-2026-03-11.sqlite');
  });
});

describe('#backupsBeyond', () => {
  it('should keep the newest N of its own files and never name another file', () => {
    const names = [
      'outreach-bot-2026-03-08.sqlite',
      'notes.txt',
      'outreach-bot-2026-03-10.sqlite',
      'outreach-bot-2026-03-07.sqlite.bak',
      '.outreach-bot-2026-03-11.sqlite.partial-42',
      'outreach-bot-2026-03-09.sqlite',
      'other-2026-01-01.sqlite',
    ];
    expect(backupsBeyond(names, 2)).toEqual(['outreach-bot-2026-03-08.sqlite']);
    expect(backupsBeyond(names, 1)).toEqual([
      'outreach-bot-2026-03-09.sqlite',
      'outreach-bot-2026-03-08.sqlite',
    ]);
    expect(backupsBeyond(names, 5)).toEqual([]);
  });
});

describe('#pgDumpLine', () => {
  it('should name custom format, no owner and the schema, never a password', () => {
    expect(pgDumpLine('bot')).toBe(
      'pg_dump --format=custom --no-owner --schema=bot --file=outreach-bot.dump "$DATABASE_URL"',
    );
  });
});

describe(DailyBackup.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'daily-backup-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function setUp(clock: FixedClock, copy?: (out: string) => Promise<string>) {
    const copied: string[] = [];
    const errors: object[] = [];
    const backup = new DailyBackup({
      dir,
      hour: 2,
      keep: 3,
      clock,
      copy:
        copy ??
        ((out) => {
          writeFileSync(out, 'copy');
          copied.push(out);
          return Promise.resolve('ok');
        }),
      log: { log: () => undefined, error: (e) => errors.push(e) },
    });
    return { backup, copied, errors };
  }

  it('should copy once a day from the hour on, and keep only the newest of its own files', async () => {
    writeFileSync(join(dir, 'README.txt'), 'not ours');
    writeFileSync(join(dir, 'outreach-bot-2026-03-01.sqlite.keep'), 'not ours either');
    writeFileSync(join(dir, '.outreach-bot-2026-03-09.sqlite.partial-4242'), 'a killed copy');
    writeFileSync(join(dir, '.outreach-bot-2026-03-09.sqlite.partial-4242-wal'), '');
    writeFileSync(join(dir, '.other.sqlite.partial-1'), 'not ours');
    const clock = new FixedClock(at('2026-03-10T01:00:00'));
    const { backup, copied } = setUp(clock);

    expect(await backup.tick()).toBe('not-due');
    clock.set(at('2026-03-10T02:00:00'));
    expect(await backup.tick()).toBe('copied');
    clock.set(at('2026-03-10T02:01:00'));
    expect(await backup.tick()).toBe('not-due');
    for (const day of ['11', '12', '13', '14']) {
      clock.set(at(`2026-03-${day}T02:00:00`));
      expect(await backup.tick()).toBe('copied');
    }
    expect(copied.map((p) => p.slice(dir.length + 1))).toEqual([
      'outreach-bot-2026-03-10.sqlite',
      'outreach-bot-2026-03-11.sqlite',
      'outreach-bot-2026-03-12.sqlite',
      'outreach-bot-2026-03-13.sqlite',
      'outreach-bot-2026-03-14.sqlite',
    ]);
    expect(readdirSync(dir).sort()).toEqual([
      '.other.sqlite.partial-1',
      'README.txt',
      'outreach-bot-2026-03-01.sqlite.keep',
      'outreach-bot-2026-03-12.sqlite',
      'outreach-bot-2026-03-13.sqlite',
      'outreach-bot-2026-03-14.sqlite',
    ]);
  });

  it('should log a failed copy, delete nothing, and try again on the next check', async () => {
    for (const day of ['05', '06', '07', '08'])
      writeFileSync(join(dir, `outreach-bot-2026-03-${day}.sqlite`), 'old');
    const clock = new FixedClock(at('2026-03-10T03:00:00'));
    let fail = true;
    const { backup, errors } = setUp(clock, (out) => {
      if (fail) return Promise.reject(new Error('disk full'));
      writeFileSync(out, 'copy');
      return Promise.resolve('ok');
    });
    expect(await backup.tick()).toBe('failed');
    expect(errors).toEqual([expect.objectContaining({ msg: 'daily backup failed', error: 'disk full' })]);
    expect(readdirSync(dir)).toHaveLength(4);
    fail = false;
    expect(await backup.tick()).toBe('copied');
    expect(existsSync(join(dir, 'outreach-bot-2026-03-10.sqlite'))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual([
      'outreach-bot-2026-03-07.sqlite',
      'outreach-bot-2026-03-08.sqlite',
      'outreach-bot-2026-03-10.sqlite',
    ]);
  });

  it('should not start a second copy while one runs', async () => {
    const clock = new FixedClock(at('2026-03-10T02:30:00'));
    let finish: () => void = () => undefined;
    const { backup } = setUp(clock, (out) => {
      writeFileSync(out, 'copy');
      return new Promise((resolve) => (finish = () => resolve('ok')));
    });
    const first = backup.tick();
    expect(await backup.tick()).toBe('busy');
    finish();
    expect(await first).toBe('copied');
  });
});
