import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../src/common/project-root';
import { ensureBuilt } from './support/app-process';

interface LoadReport {
  results: {
    label: string;
    acks: { ok: number };
    endToEnd: {
      deliveries: number;
      acked: number;
      answered: number;
      lost: number;
      duplicates: number;
      cpu: { appMsPerTurn: number; machineMsPerTurn: number; machineBusyPercent: number } | null;
    };
    webChatConnections: { ok: number };
    peakRssMB: number;
    verified: boolean;
  }[];
}

/** The harness works end to end in a tiny configuration; figures are printed, never asserted. */
describe('bench:load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outreach-bench-load-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('should run the SQLite set and account for every delivery of the burst', () => {
    ensureBuilt();
    const json = join(dir, 'load.json');
    const run = spawnSync(
      process.execPath,
      [
        fromRoot('dist/src/cli/bench-load.js'),
        '--duration',
        '1',
        '--turns',
        '50',
        '--only',
        'sqlite',
        '--json',
        json,
      ],
      { cwd: fromRoot(), encoding: 'utf8', timeout: 110_000 },
    );
    expect({ status: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({
      status: 0,
      stderr: '',
    });
    expect(run.stdout).toContain('| SQLite (sqlite3) |');
    const [sqlite] = (JSON.parse(readFileSync(json, 'utf8')) as LoadReport).results;
    expect(sqlite.acks.ok).toBeGreaterThan(0);
    expect(sqlite.endToEnd).toMatchObject({
      deliveries: 50,
      acked: 50,
      answered: 50,
      lost: 0,
      duplicates: 0,
    });
    // Read from /proc (the tests run on Linux): the app's CPU is part of the machine's.
    expect(sqlite.endToEnd.cpu).toEqual({
      appMsPerTurn: expect.any(Number),
      machineMsPerTurn: expect.any(Number),
      machineBusyPercent: expect.any(Number),
    });
    const cpu = sqlite.endToEnd.cpu!;
    expect(cpu.appMsPerTurn).toBeGreaterThan(0);
    expect(cpu.machineMsPerTurn).toBeGreaterThan(0);
    // Both are clock ticks; the machine's also count the load generator and the fake Send API.
    expect(cpu.machineMsPerTurn).toBeGreaterThanOrEqual(cpu.appMsPerTurn * 0.9);
    expect(cpu.machineBusyPercent).toBeGreaterThan(0);
    expect(cpu.machineBusyPercent).toBeLessThanOrEqual(100);
    expect(sqlite.webChatConnections.ok).toBeGreaterThan(0);
    expect(sqlite.peakRssMB).toBeGreaterThan(0);
    expect(sqlite.verified).toBe(true);
  }, 120_000);
});
