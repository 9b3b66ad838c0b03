import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Clock } from '../common/clock';
import { DatabaseService } from '../database/database.service';
import { InteractionsService } from '../interactions/interactions.service';
import { parsePeriod } from '../reports/report-period';
import { describeFile, type Manifest } from '../reports/reports.service';
import { evidenceContext, parseArgs, runCli, UsageError } from './cli-support';

const USAGE =
  'usage: npm run -s evidence:retention -- --unit ID --period P --export DIR [--confirm]   (DIR holds the sealed export of that period, made with npm run -s report)';

/**
 * npm run -s evidence:retention: removes the records of one whole, closed period — only when its
 * sealed export exists and still matches both its manifest and the database, and only when nothing
 * older than the period remains (earlier periods go first). The chain continues from an anchor that
 * keeps the last removed hash, so evidence:verify still checks everything that remains.
 */
async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), ['unit', 'period', 'export', 'confirm'], USAGE);
  const unitId = args.get('unit');
  const label = args.get('period');
  const dir = args.get('export');
  if (!unitId || unitId === 'all' || !label || !dir) throw new UsageError(USAGE);
  const period = parsePeriod(label);
  const app = await evidenceContext();
  try {
    const now = app.get(Clock).now();
    if (period.to > now) throw new Error(`${period.label} is not closed yet (it ends ${period.lastDay})`);
    const manifestText = await readFile(join(resolve(dir), 'manifest.json'), 'utf8').catch(() => {
      throw new Error(`no manifest.json in ${dir}: export the period first (npm run -s report)`);
    });
    const manifest = JSON.parse(manifestText) as Manifest;
    if (
      manifest.kind !== 'outreach-bot/report' ||
      manifest.unit !== unitId ||
      manifest.period.label !== period.label
    )
      throw new Error(
        `${dir} holds the export of ${manifest.unit} ${manifest.period?.label}, not ${unitId} ${period.label}`,
      );
    for (const file of manifest.files) {
      const actual = await describeFile(join(resolve(dir), file.name), file.name).catch(() => null);
      if (!actual || actual.sha256 !== file.sha256)
        throw new Error(
          `${file.name} in ${dir} is missing or differs from its manifest: the export is not intact`,
        );
    }
    const interactions = app.get(InteractionsService);
    const chain = await interactions.verify(unitId);
    if (chain.broken)
      throw new Error(`the chain of ${unitId} is broken at #${chain.broken.seq}: ${chain.broken.reason}`);
    const point = manifest.chain.find((c) => c.unitId === unitId);
    if (!point || point.lastSeq === null || point.lastHash === null) {
      process.stdout.write(`${unitId} ${period.label}: the export holds no records; nothing to remove\n`);
      return 0;
    }
    const db = app.get(DatabaseService);
    const p = (i: number) => db.param(i);
    const anchor = await interactions.retentionAnchor(unitId);
    const afterSeq = anchor?.throughSeq ?? 0;
    const [row] = await db.manager.query<
      {
        n: string | number;
        last: string | null;
        latest: string | number | null;
        earliest: string | number | null;
      }[]
    >(
      `SELECT COUNT(*) AS n, MAX(CASE WHEN "seq" = ${p(1)} THEN "hash" END) AS last, MAX("occurredAt") AS latest, MIN("occurredAt") AS earliest
         FROM "interaction_record" WHERE "unitId" = ${p(2)} AND "seq" > ${p(3)} AND "seq" <= ${p(4)}`,
      [point.lastSeq, unitId, afterSeq, point.lastSeq],
    );
    const removable = Number(row.n);
    if (row.last !== point.lastHash)
      throw new Error(`record #${point.lastSeq} in the database does not match the export's chain head`);
    if (Number(row.earliest) < period.from.getTime())
      throw new Error(`records older than ${period.label} remain: remove the earlier periods first`);
    // Playground turns are in the chain but counted in no report figure.
    const exported = (manifest.counts.interactions ?? 0) + (manifest.counts.playgroundTurnsNotCounted ?? 0);
    if (Number(row.latest) >= period.to.getTime() || removable !== exported)
      throw new Error(
        `the records up to #${point.lastSeq} are not exactly the ${exported} of ${period.label} (found ${removable})`,
      );
    if (!args.has('confirm')) {
      process.stdout.write(
        `${unitId} ${period.label}: ${removable} records (#${afterSeq + 1}..#${point.lastSeq}) can be removed; the export is intact. Add --confirm to remove them.\n`,
      );
      return 0;
    }
    const removed = await interactions.removeThrough({
      unitId,
      periodLabel: period.label,
      throughSeq: point.lastSeq,
      lastHash: point.lastHash,
      removedCount: removable,
      manifestSha256: createHash('sha256').update(manifestText).digest('hex'),
      removedAt: now,
    });
    const after = await interactions.verify(unitId);
    process.stdout.write(
      `${unitId} ${period.label}: removed ${removed} records through #${point.lastSeq}; the remaining chain is ${after.broken ? 'BROKEN' : 'intact'} (${after.checked} records)\n`,
    );
    return after.broken ? 1 : 0;
  } finally {
    await app.close();
  }
}

if (require.main === module) runCli('evidence:retention', main);
