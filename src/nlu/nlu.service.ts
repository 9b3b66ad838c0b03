import { isAbsolute, join } from 'node:path';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { fromRoot } from '../common/project-root';
import type { Understanding } from '../messaging/understanding';
import { redact } from './entity-recognizer';
import { ModelTrainer } from './model-trainer';
import { trainModel, type TrainedModel } from './model-training';
import { NluEngine, type UnderstandContext } from './nlu-engine';
import type { Example } from './training-data';

export { CALIBRATION_FILE } from './model-training';

interface AddedExample {
  intent: string;
  topic: string;
  text: string;
}

interface Wanted {
  examples: Example[];
  revision: number;
}

/**
 * The understanding of messages for the rest of the app: one engine, swapped whole on retraining.
 * Retrains run in a worker thread; requests keep the old model until the new one is in.
 */
@Injectable()
export class NluService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(NluService.name);
  private readonly trainer = new ModelTrainer((message) => this.logger.warn(message));
  private engine?: NluEngine;
  private wanted?: Wanted;
  private applied: number | null = null;
  private draining?: Promise<void>;
  /** The added examples of the model in use. */
  private inUse: Example[] = [];
  private stopped = false;

  onModuleInit(): void {
    // The shipped model, on the main thread: nothing is served before start-up ends, and it is
    // usually a cache hit. Added examples come through retrain() off the event loop.
    this.swap(trainModel({ added: [], cacheDir: cacheDir() }), 'start');
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.trainer.stop();
  }

  understand(text: string, context?: UnderstandContext): Understanding {
    return this.ready().understand(text, context);
  }

  redact(text: string): string {
    return redact(text);
  }

  /**
   * Retrains on intents/*\/examples.yaml plus exactly these added examples (they replace the previous
   * ones), labelled with a revision. Resolves once a model of this revision is in use, or when a
   * later revision superseded it. Several calls during one retrain cost one more retrain, not many.
   */
  async retrain(examples: AddedExample[], revision: number): Promise<void> {
    for (const e of examples) {
      if (!this.intents().includes(e.intent) || !this.topics(e.intent).includes(e.topic)) {
        throw new Error(`unknown intent topic ${e.intent}:${e.topic}`);
      }
    }
    const wanted: Wanted = {
      revision,
      examples: examples.map((e) => ({ ...e, text: e.text.normalize('NFC'), style: 'added' as const })),
    };
    this.wanted = wanted;
    if (!this.draining && sameExamples(wanted.examples, this.inUse)) {
      // Nothing to learn (e.g. a start with no console examples): no worker for the same model.
      this.applied = revision;
      return;
    }
    while (this.wanted === wanted && this.applied !== revision && !this.stopped) {
      this.draining ??= this.drain().finally(() => (this.draining = undefined));
      await this.draining;
    }
  }

  /** The revision of the model in use (null: the shipped examples only). */
  revision(): number | null {
    return this.applied;
  }

  /** How retrains run here: in a compiled worker, a worker on the TypeScript sources, or on the main thread. */
  get trainerMode(): ModelTrainer['mode'] {
    return this.trainer.mode;
  }

  /** Normalised tokens without diacritics (teencode expanded, numbers masked): for grouping similar texts. */
  tokens(text: string): string[] {
    return this.ready().normalizer.normalize(text).stripped;
  }

  intents(): string[] {
    return this.ready().classifier.intents();
  }

  topics(intent: string): string[] {
    return this.ready().classifier.topics(intent);
  }

  private async drain(): Promise<void> {
    while (this.wanted && this.wanted.revision !== this.applied && !this.stopped) {
      const target = this.wanted;
      const started = Date.now();
      let model: TrainedModel;
      try {
        model = await this.trainer.train({ added: target.examples, cacheDir: cacheDir() });
      } catch (error) {
        // A worker terminated at shutdown is no failure.
        if (this.stopped) return;
        throw error;
      }
      if (this.stopped) return;
      this.swap(model, 'retrain', Date.now() - started);
      this.applied = target.revision;
      this.inUse = target.examples;
    }
  }

  private swap(model: TrainedModel, reason: 'start' | 'retrain', ms?: number): void {
    this.engine = NluEngine.fromSnapshot(model.snapshot);
    this.logger.log({
      msg: 'nlu ready',
      reason,
      examples: model.examples,
      ms,
      trainer: reason === 'retrain' ? this.trainer.mode : undefined,
      thresholds: this.engine.thresholds,
    });
  }

  private ready(): NluEngine {
    if (!this.engine) throw new Error('nlu is not ready yet');
    return this.engine;
  }
}

function sameExamples(a: Example[], b: Example[]): boolean {
  return (
    a.length === b.length &&
    a.every((e, i) => e.intent === b[i].intent && e.topic === b[i].topic && e.text === b[i].text)
  );
}

/** Models are cached in NLU_CACHE_DIR, or next to the data (DATA_DIR/cache), keyed by a hash of examples and code. */
export function cacheDir(): string {
  const explicit = process.env.NLU_CACHE_DIR?.trim();
  if (explicit) return isAbsolute(explicit) ? explicit : fromRoot(explicit);
  const dataDir = process.env.DATA_DIR?.trim() || 'data';
  return join(isAbsolute(dataDir) ? dataDir : fromRoot(dataDir), 'cache');
}
