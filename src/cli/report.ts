import { resolve } from 'node:path';
import { isLanguage } from '../messaging/language';
import { ReportsService } from '../reports/reports.service';
import { evidenceContext, parseArgs, runCli, UsageError } from './cli-support';

const USAGE =
  'usage: npm run -s report -- --unit ID|all --period 2026-Q1|2026-H1|2026-9M|2026[:nd09]|2026-01-01..2026-03-31 --out DIR [--lang vi|en]';

/** npm run -s report: the four evidence files of one period; exit 1 when a unit's chain is broken. */
async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), ['unit', 'period', 'out', 'lang', 'stats'], USAGE);
  const unitId = args.get('unit');
  const period = args.get('period');
  const out = args.get('out');
  const language = args.get('lang') ?? 'vi';
  if (!unitId || !period || !out) throw new UsageError(USAGE);
  if (!isLanguage(language)) throw new UsageError(`--lang must be vi or en\n${USAGE}`);
  const started = process.hrtime.bigint();
  const app = await evidenceContext();
  try {
    const result = await app.get(ReportsService).generate({
      unitId,
      period,
      language,
      outDir: resolve(out),
    });
    const f = result.data.figures;
    const lines = [
      `report ${unitId} ${result.data.period.label}: ${result.data.period.firstDay} .. ${result.data.period.lastDay} (Asia/Ho_Chi_Minh)`,
      `  interactions ${f.interactions}, citizens ${f.citizens}, answered automatically ${f.answeredAutomatically}/${f.questions}, in English ${f.englishInteractions}`,
      `  complaints received ${result.data.complaints.received}, handled ${result.data.complaints.handled}; satisfaction ${f.satisfactionUp} up / ${f.satisfactionDown} down`,
      ...result.files.map(
        (file) => `  ${file.name.padEnd(18)} ${String(file.bytes).padStart(10)} B  sha256 ${file.sha256}`,
      ),
      `  manifest.json      sha256 ${result.manifestSha256}`,
      `  in ${result.outDir}`,
      ...result.verification.map((v) =>
        v.broken
          ? `  chain ${v.unitId}: BROKEN at #${v.broken.seq}: ${v.broken.reason}`
          : `  chain ${v.unitId}: intact, ${v.checked} records checked up to #${v.headSeq}`,
      ),
    ];
    process.stdout.write(lines.join('\n') + '\n');
    if (args.has('stats')) {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      process.stdout.write(
        JSON.stringify({
          stats: { ms: Math.round(ms), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) },
        }) + '\n',
      );
    }
    return result.verification.some((v) => v.broken) ? 1 : 0;
  } finally {
    await app.close();
  }
}

if (require.main === module) runCli('report', main);
