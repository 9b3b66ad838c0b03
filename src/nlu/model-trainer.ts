import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { trainModel, type TrainedModel, type TrainingInput } from './model-training';

type TrainerMode = 'worker' | 'worker-ts' | 'main-thread';

interface WorkerEntry {
  mode: TrainerMode;
  source: string;
  eval: boolean;
}

/**
 * Runs a retrain in a worker thread, so that turns and webhook acks of this process go on meanwhile.
 * From dist/ the worker is the compiled model-training.worker.js. From the TypeScript sources (ts-jest)
 * the worker compiles them itself with the TypeScript compiler, so that tests train the code they test.
 * Only when neither is available does it train on the main thread, and says so.
 */
export class ModelTrainer {
  private readonly running = new Set<Worker>();
  readonly mode: TrainerMode;
  private readonly entry: WorkerEntry | null;

  constructor(private readonly warn: (message: string) => void = () => undefined) {
    this.entry = workerEntry();
    this.mode = this.entry?.mode ?? 'main-thread';
  }

  train(input: TrainingInput): Promise<TrainedModel> {
    if (!this.entry) {
      this.warn(
        'no training worker available (neither compiled nor TypeScript): training on the main thread',
      );
      return Promise.resolve().then(() => trainModel(input));
    }
    const worker = new Worker(this.entry.source, { eval: this.entry.eval, workerData: input });
    this.running.add(worker);
    return new Promise<TrainedModel>((resolve, reject) => {
      let result: TrainedModel | undefined;
      worker.once('message', (message: TrainedModel) => (result = message));
      worker.once('error', reject);
      worker.once('exit', (code) => {
        this.running.delete(worker);
        if (result) resolve(result);
        else reject(new Error(`training worker exited with code ${code} and no model`));
      });
    });
  }

  /** Stops retrains in flight (at shutdown): their promises reject. */
  async stop(): Promise<void> {
    await Promise.all([...this.running].map((w) => w.terminate()));
  }
}

function workerEntry(): WorkerEntry | null {
  const compiled = join(__dirname, 'model-training.worker.js');
  if (__filename.endsWith('.js'))
    return existsSync(compiled) ? { mode: 'worker', source: compiled, eval: false } : null;
  const source = join(__dirname, 'model-training.worker.ts');
  let typescript: string;
  try {
    typescript = require.resolve('typescript');
  } catch {
    return null;
  }
  if (!existsSync(source)) return null;
  // Transpile-only hook for .ts (no type check: ts-jest and tsc do that), scoped to the worker thread.
  const boot = `
const { readFileSync } = require('node:fs');
const ts = require(${JSON.stringify(typescript)});
const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false };
require.extensions['.ts'] = (module, file) =>
  module._compile(ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file }).outputText, file);
require(${JSON.stringify(source)});
`;
  return { mode: 'worker-ts', source: boot, eval: true };
}
