import { performance } from 'node:perf_hooks';
import { ModelTrainer } from '../model-trainer';
import { trainModel, type TrainingInput } from '../model-training';
import { NluEngine } from '../nlu-engine';

// How long a retrain stalls the event loop: on the main thread (as before) and in the worker.
// Run from dist: node dist/src/nlu/cli/bench-retrain.js. No cache, so that both really train.

async function longestStall(work: () => Promise<void>): Promise<{ wallMs: number; stallMs: number }> {
  let last = performance.now();
  let stall = 0;
  // A 5 ms ticker: the longest gap between two ticks is the longest time nothing else could run.
  const ticker = setInterval(() => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
  }, 5);
  const started = performance.now();
  await work();
  const wallMs = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 20));
  clearInterval(ticker);
  return { wallMs: Math.round(wallMs), stallMs: Math.round(stall) };
}

async function main(): Promise<void> {
  const input: TrainingInput = {
    added: [{ intent: 'vneid', topic: 'forgot_password', text: 'xyzzy plugh frobnicate', style: 'added' }],
    cacheDir: null,
  };
  const mainThread = await longestStall(async () => {
    await new Promise((resolve) => setImmediate(resolve));
    NluEngine.fromSnapshot(trainModel(input).snapshot);
  });
  const trainer = new ModelTrainer((message) => process.stderr.write(`${message}\n`));
  const worker = await longestStall(async () => {
    NluEngine.fromSnapshot((await trainer.train(input)).snapshot);
  });
  process.stdout.write(
    JSON.stringify({ mainThread, worker: { ...worker, mode: trainer.mode } }, null, 2) + '\n',
  );
}

void main();
