import { existsSync, linkSync, unlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { pgDumpLine } from '../backup/backup-files';
import { AppConfig } from '../config/app-config';
import { validateEnv } from '../config/env.schema';
import { fromRoot } from '../common/project-root';
import {
  checkTarget,
  contents,
  flush,
  integrityProblems,
  partialPath,
  removeCopy,
  snapshot,
  toSingleFile,
  type CopyContents,
} from '../database/sqlite-copy';
import { InteractionsService } from '../interactions/interactions.service';
import { evidenceContext, parseArgs, runCli, UsageError } from './cli-support';

const USAGE = 'usage: npm run -s db:backup -- --out FILE';

/**
 * npm run -s db:backup -- --out FILE: a consistent copy of the SQLite database while the bot runs,
 * checked (integrity_check, every unit's hash chain recomputed on the copy) before it takes its name.
 */
async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), ['out'], USAGE);
  const out = args.get('out');
  if (!out || out === 'true') throw new UsageError(`--out FILE is required\n${USAGE}`);
  const envFile = fromRoot('.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const config = new AppConfig(validateEnv(process.env), process.env);
  if (config.database.type === 'postgres') {
    throw new Error(
      `the database is PostgreSQL: back it up with pg_dump instead:\n  ${pgDumpLine(config.database.schema)}`,
    );
  }
  if (config.database.path === ':memory:') throw new Error('the database is in memory: nothing to copy');
  // npm runs scripts from the project folder: a relative --out is meant from where the user typed it.
  const target = checkTarget(resolve(process.env.INIT_CWD ?? process.cwd(), out));
  const partial = partialPath(target);
  try {
    const began = snapshot(config.database.path, partial);
    const problems = integrityProblems(partial);
    if (problems.length)
      throw new Error(`the copy fails integrity_check: ${problems.slice(0, 5).join('; ')}`);
    const chains = await verifyChains(partial);
    toSingleFile(partial);
    const held = contents(partial);
    flush(partial);
    // link + unlink: a rename that fails (EEXIST) instead of replacing a file created meanwhile.
    linkSync(partial, target);
    unlinkSync(partial);
    process.stdout.write(summary(target, began, held, chains));
    return 0;
  } catch (error) {
    removeCopy(partial);
    throw error;
  }
}

/** Every unit's chain recomputed on the copy, by the evidence verification itself. */
async function verifyChains(copy: string): Promise<string[]> {
  process.env.DATABASE_URL = `sqlite:${copy}`;
  process.env.DATABASE_SCHEMA = '';
  const app = await evidenceContext();
  try {
    const interactions = app.get(InteractionsService);
    const lines: string[] = [];
    for (const unitId of await interactions.units()) {
      const report = await interactions.verify(unitId);
      if (report.broken)
        throw new Error(
          `the copy's chain of ${unitId} is broken at record #${report.broken.seq}: ${report.broken.reason}`,
        );
      lines.push(`  ${unitId}: chain intact, ${report.checked} records checked, head #${report.headSeq}`);
    }
    return lines;
  } finally {
    await app.close();
  }
}

function summary(target: string, began: Date, held: CopyContents, chains: string[]): string {
  const units = held.units.map(
    (u) => `  ${u.unitId}: ${u.records} interaction records, head #${u.headSeq ?? '-'}`,
  );
  return [
    `backup written: ${target}`,
    `copy began at: ${began.toISOString()}`,
    `size: ${held.bytes} bytes`,
    'integrity_check: ok',
    'interaction log per unit:',
    ...(units.length ? units : ['  (no records yet)']),
    'evidence chains on the copy:',
    ...(chains.length ? chains : ['  (none yet)']),
    `conversations: ${held.conversations}`,
    `complaint tickets: ${held.tickets}`,
    `campaigns: ${held.campaigns ?? 'no campaign table'}`,
    '',
  ].join('\n');
}

if (require.main === module) runCli('db:backup', main);
