import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { formatReport, score, type Scored } from '../evaluation';
import { Normalizer } from '../normalizer';
import { loadExamples } from '../training-data';
import { actedIntent, loadEngine } from './engine-loader';

/** npm run -s nlu:eval -- FILE [--errors] [--allow-overlap]: scores a file in the shared/eval format. */
function main(): void {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    process.stderr.write('usage: npm run -s nlu:eval -- FILE [--errors] [--allow-overlap]\n');
    process.exit(2);
  }
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { text: string; intent: string; slice?: string });

  // A file that shares sentences with the training examples measures nothing.
  const normalizer = new Normalizer();
  const key = (t: string) => normalizer.normalize(t).stripped.join(' ');
  const trained = new Set(loadExamples().map((e) => key(e.text)));
  const overlap = rows.filter((r) => trained.has(key(r.text)));
  // --allow-overlap: for a set written blind, where a short everyday sentence can coincide with an
  // example by chance; the coincidences are listed so that the reader can judge.
  if (overlap.length && !args.includes('--allow-overlap')) {
    process.stderr.write(
      `refusing to score: ${overlap.length} sentence(s) also in intents/*/examples.yaml, e.g. "${overlap[0].text}" (--allow-overlap scores anyway and lists them)\n`,
    );
    process.exit(3);
  }

  const started = performance.now();
  const engine = loadEngine();
  const loadMs = performance.now() - started;
  const scored: Scored[] = rows.map((r) => ({
    text: r.text,
    gold: r.intent,
    slice: r.slice ?? 'all',
    predicted: actedIntent(engine.understand(r.text)),
  }));
  const report = score(scored);
  const t = engine.thresholds;
  process.stdout.write(
    formatReport(
      report,
      `nlu:eval ${file}\nmodel ${engine.dataHash} (loaded in ${loadMs.toFixed(0)} ms); thresholds answer ${t.answer}, clarify ${t.clarify}, emergency ${t.emergency}\n` +
        'A clarifying question or a refusal is scored as "fallback" (the bot does not answer it).',
    ) + '\n',
  );
  if (overlap.length) {
    process.stdout.write(`\n${overlap.length} message(s) coincide with a training example:\n`);
    for (const o of overlap) process.stdout.write(`  [${o.intent}] ${o.text}\n`);
  }
  if (args.includes('--errors')) {
    process.stdout.write('\nerrors\n');
    for (const e of report.errors)
      process.stdout.write(`  [${e.slice}] ${e.gold} → ${e.predicted}: ${e.text}\n`);
  }
}

main();
