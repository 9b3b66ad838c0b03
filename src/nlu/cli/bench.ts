import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fromRoot } from '../../common/project-root';
import { score, type Report, type Scored } from '../evaluation';
import { NluEngine, type CalibrationRow } from '../nlu-engine';
import { CALIBRATION_FILE } from '../nlu.service';
import { loadExamples, loadJsonLines, type Example } from '../training-data';
import { actedIntent } from './engine-loader';

interface NlpJs {
  addDocument(locale: string, utterance: string, intent: string): void;
  train(): Promise<void>;
  process(locale: string, utterance: string): Promise<{ intent: string; score: number }>;
  settings: { autoSave?: boolean; autoLoad?: boolean; log?: boolean; threshold?: number };
  addLanguage(locale: string): void;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const gc = () => (globalThis as { gc?: () => void }).gc?.();

async function nlpJs(
  examples: Example[],
): Promise<{ classify: (t: string) => Promise<string>; trainMs: number }> {
  // NLP.js has no Vietnamese package: under "vi" it uses its generic tokenizer and normaliser.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { containerBootstrap, Nlp } = require('@nlpjs/basic') as {
    containerBootstrap: () => Promise<unknown>;
    Nlp: new (settings: object, container: unknown) => NlpJs;
  };
  const container = await containerBootstrap();
  const nlp = new Nlp(
    { languages: ['vi'], autoSave: false, autoLoad: false, log: false, forceNER: false },
    container,
  );
  for (const e of examples) nlp.addDocument('vi', e.text, e.intent);
  const started = performance.now();
  const log = console.log;
  console.log = () => undefined; // NLP.js prints training progress and stop-word warnings
  try {
    await nlp.train();
  } finally {
    console.log = log;
  }
  const trainMs = performance.now() - started;
  return {
    trainMs,
    classify: async (text) => {
      const r = await nlp.process('vi', text);
      return !r.intent || r.intent === 'None' ? 'fallback' : r.intent;
    },
  };
}

async function measure(
  rows: { text: string; intent: string; slice?: string }[],
  classify: (text: string) => Promise<string> | string,
): Promise<{ report: Report; p50: number; p99: number }> {
  for (const r of rows.slice(0, 20)) await classify(r.text); // warm-up
  const times: number[] = [];
  const scored: Scored[] = [];
  for (const r of rows) {
    const t0 = performance.now();
    const predicted = await classify(r.text);
    times.push(performance.now() - t0);
    scored.push({ text: r.text, gold: r.intent, slice: r.slice ?? 'all', predicted });
  }
  times.sort((a, b) => a - b);
  return { report: score(scored), p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

async function main(): Promise<void> {
  const file = process.argv[2] ?? fromRoot('../shared/eval/nlu-dev.jsonl');
  if (!existsSync(file))
    throw new Error(`no evaluation file at ${file}; pass one: npm run bench:nlu -- FILE`);
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { text: string; intent: string; slice?: string });
  const examples = loadExamples();
  const calibration = loadJsonLines<CalibrationRow>(fromRoot(CALIBRATION_FILE));

  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const engine = NluEngine.train(examples, calibration);
  const ourTrainMs = performance.now() - started;
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  const rssAfter = process.memoryUsage().rss;
  const ours = await measure(rows, (t) => actedIntent(engine.understand(t)));

  const peer = await nlpJs(examples);
  const theirs = await measure(rows, peer.classify);

  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const slices = ours.report.slices.map((s) => s.slice);
  const line = (label: string, a: string, b: string) =>
    `${label.padEnd(26)}${a.padStart(12)}${b.padStart(12)}`;
  const out = [
    `bench:nlu on ${file} (n = ${rows.length}); ${examples.length} training examples, the same for both`,
    '',
    line('', 'ours', 'NLP.js'),
    line('accuracy', pct(ours.report.accuracy), pct(theirs.report.accuracy)),
    ...slices.map((s) =>
      line(
        `  ${s} (n = ${ours.report.slices.find((x) => x.slice === s)!.n})`,
        pct(ours.report.slices.find((x) => x.slice === s)!.accuracy),
        pct(theirs.report.slices.find((x) => x.slice === s)?.accuracy ?? 0),
      ),
    ),
    line('fallback precision', pct(ours.report.fallback.precision), pct(theirs.report.fallback.precision)),
    line('fallback recall', pct(ours.report.fallback.recall), pct(theirs.report.fallback.recall)),
    line(
      'emergency recall',
      `${ours.report.emergencyRecall.hit}/${ours.report.emergencyRecall.n}`,
      `${theirs.report.emergencyRecall.hit}/${theirs.report.emergencyRecall.n}`,
    ),
    line(
      'false emergencies',
      `${ours.report.falseEmergencies.hit}/${ours.report.falseEmergencies.n}`,
      `${theirs.report.falseEmergencies.hit}/${theirs.report.falseEmergencies.n}`,
    ),
    line('latency p50 per message', `${ours.p50.toFixed(3)} ms`, `${theirs.p50.toFixed(3)} ms`),
    line('latency p99 per message', `${ours.p99.toFixed(3)} ms`, `${theirs.p99.toFixed(3)} ms`),
    line('training time', `${(ourTrainMs / 1000).toFixed(2)} s`, `${(peer.trainMs / 1000).toFixed(2)} s`),
    '',
    `ours: heap +${((heapAfter - heapBefore) / 1048576).toFixed(1)} MB after training (model and vocabulary, after GC), RSS +${((rssAfter - rssBefore) / 1048576).toFixed(1)} MB`,
    'NLP.js: locale "vi" (no Vietnamese package exists), intent labels only, default threshold 0.5 ("None" = fallback).',
    'Ours includes the emergency safety net and the calibrated confidence band; a clarifying question counts as fallback.',
  ];
  process.stdout.write(out.join('\n') + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:nlu failed: ${(error as Error).message}\n`);
  process.exit(1);
});
