import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRoot } from '../common/project-root';
import { parseArgs, runCli, UsageError } from './cli-support';

const USAGE =
  'usage: npm run -s bench:report [-- --count 1000000] [--period 2026-Q1] [--database-url postgres://...] [--keep]';

function run(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  nodeFlags: string[] = [],
): { ms: number; stdout: string } {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [...nodeFlags, fromRoot('dist/src/cli', script), ...args], {
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${script} failed (${result.status}): ${result.stdout}`);
  return { ms, stdout: result.stdout };
}

/**
 * npm run -s bench:report: fills a fresh database with N interactions inside one quarter, then times
 * the quarter's report as a separate process and reads its peak memory (maxRSS). Bound: < 30 s and
 * < 300 MB for 1,000,000 interactions.
 */
function main(): void {
  const args = parseArgs(process.argv.slice(2), ['count', 'period', 'database-url', 'keep'], USAGE);
  const count = Number(args.get('count') ?? 1_000_000);
  const period = args.get('period') ?? '2026-Q1';
  if (!Number.isInteger(count) || count <= 0) throw new UsageError(USAGE);
  const dir = mkdtempSync(join(tmpdir(), 'outreach-bench-report-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, NODE_ENV: 'development' };
  delete env.DATABASE_URL;
  if (args.get('database-url')) env.DATABASE_URL = args.get('database-url');
  const unit = 'so-y-te-khanh-hoa';
  try {
    process.stdout.write(
      `bench:report: ${count} interactions in ${period}, database ${env.DATABASE_URL ? 'PostgreSQL' : 'SQLite'} in ${dir}\n`,
    );
    const generated = run(
      'evidence-generate.js',
      ['--unit', unit, '--count', String(count), '--period', period],
      env,
    );
    process.stdout.write(`  generated in ${(generated.ms / 1000).toFixed(1)} s\n`);
    // The same heap cap as `npm run report`: the report streams, so a bounded heap is enough.
    const report = run(
      'report.js',
      ['--unit', unit, '--period', period, '--out', join(dir, 'out'), '--stats'],
      env,
      ['--max-old-space-size=320'],
    );
    const statsLine = report.stdout.split('\n').find((l) => l.startsWith('{"stats"'));
    const stats = statsLine
      ? (JSON.parse(statsLine) as { stats: { ms: number; maxRssMB: number } }).stats
      : null;
    process.stdout.write(
      report.stdout
        .split('\n')
        .filter((l) => l && !l.startsWith('{"stats"'))
        .map((l) => `  ${l}`)
        .join('\n') + '\n',
    );
    const seconds = report.ms / 1000;
    const rss = stats?.maxRssMB ?? NaN;
    process.stdout.write(
      [
        '',
        `  report wall time   ${seconds.toFixed(1)} s   (bound 30 s: ${seconds < 30 ? 'met' : 'NOT met'})`,
        `  report peak RSS    ${rss} MB  (bound 300 MB: ${rss < 300 ? 'met' : 'NOT met'})`,
        '',
      ].join('\n'),
    );
  } finally {
    if (!args.has('keep')) rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) runCli('bench:report', () => Promise.resolve().then(main));
