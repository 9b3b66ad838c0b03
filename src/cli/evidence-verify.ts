import { InteractionsService } from '../interactions/interactions.service';
import { evidenceContext, parseArgs, runCli, UsageError } from './cli-support';

const USAGE = 'usage: npm run -s evidence:verify [-- --unit ID]';

/** npm run -s evidence:verify: recomputes every chain (or one); exit 1 naming the first broken record. */
async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), ['unit'], USAGE);
  const only = args.get('unit');
  if (only === 'true') throw new UsageError(USAGE);
  const app = await evidenceContext();
  try {
    const interactions = app.get(InteractionsService);
    const units = only ? [only] : await interactions.units();
    if (!units.length) {
      process.stdout.write('no interaction records yet: nothing to verify\n');
      return 0;
    }
    let broken = 0;
    for (const unitId of units) {
      const report = await interactions.verify(unitId);
      const anchor = await interactions.retentionAnchor(unitId);
      const from = anchor ? ` (after retention through #${anchor.throughSeq}, ${anchor.periodLabel})` : '';
      if (report.broken) {
        broken++;
        const id = report.broken.id === null ? '' : ` (row id ${report.broken.id})`;
        process.stdout.write(
          `BROKEN ${unitId}: record #${report.broken.seq}${id}: ${report.broken.reason}; ${report.checked} records before it are intact${from}\n`,
        );
      } else {
        process.stdout.write(
          `ok     ${unitId}: ${report.checked} records intact${from}; head #${report.headSeq} ${report.headHash}\n`,
        );
      }
    }
    return broken ? 1 : 0;
  } finally {
    await app.close();
  }
}

if (require.main === module) runCli('evidence:verify', main);
