import { isAbsolute, join } from 'node:path';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { fromRoot } from '../common/project-root';
import type { Entity, Understanding } from '../messaging/understanding';
import { recognise, redact } from './entity-recognizer';
import { NluEngine, type CalibrationRow, type UnderstandContext } from './nlu-engine';
import { loadExamples, loadJsonLines, type Example } from './training-data';

export const CALIBRATION_FILE = 'src/nlu/data/heldout/calibration.jsonl';

/** The understanding of messages for the rest of the app: one engine, swapped whole on retraining. */
@Injectable()
export class NluService implements OnModuleInit {
  private readonly logger = new Logger(NluService.name);
  private engine?: NluEngine;
  private added: Example[] = [];
  private retraining: Promise<void> = Promise.resolve();

  async onModuleInit(): Promise<void> {
    await this.rebuild();
  }

  understand(text: string, context?: UnderstandContext): Understanding {
    return this.ready().understand(text, context);
  }

  recognise(text: string): Entity[] {
    return recognise(text);
  }

  redact(text: string): string {
    return redact(text);
  }

  /** Adds examples on top of intents/*\/examples.yaml and retrains; requests keep the old model meanwhile. */
  addExamples(examples: { intent: string; topic: string; text: string }[]): Promise<void> {
    const known = new Set(this.intents());
    for (const e of examples) {
      if (!known.has(e.intent) || !this.topics(e.intent).includes(e.topic)) {
        throw new Error(`unknown intent topic ${e.intent}:${e.topic}`);
      }
    }
    this.added.push(
      ...examples.map((e) => ({ ...e, text: e.text.normalize('NFC'), style: 'added' as const })),
    );
    this.retraining = this.retraining.then(() => this.rebuild());
    return this.retraining;
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

  private async rebuild(): Promise<void> {
    const started = Date.now();
    const examples = [...loadExamples(), ...this.added];
    const calibration = loadJsonLines<CalibrationRow>(fromRoot(CALIBRATION_FILE));
    // Training is synchronous CPU work (about a second); yield first so pending I/O is not starved.
    await new Promise((resolve) => setImmediate(resolve));
    this.engine = NluEngine.loadOrTrain(examples, calibration, cacheDir());
    this.logger.log({
      msg: 'nlu ready',
      examples: examples.length,
      ms: Date.now() - started,
      thresholds: this.engine.thresholds,
    });
  }

  private ready(): NluEngine {
    if (!this.engine) throw new Error('nlu is not ready yet');
    return this.engine;
  }
}

/** Models are cached in NLU_CACHE_DIR, or next to the data (DATA_DIR/cache), keyed by a hash of examples and code. */
export function cacheDir(): string {
  const explicit = process.env.NLU_CACHE_DIR?.trim();
  if (explicit) return isAbsolute(explicit) ? explicit : fromRoot(explicit);
  const dataDir = process.env.DATA_DIR?.trim() || 'data';
  return join(isAbsolute(dataDir) ? dataDir : fromRoot(dataDir), 'cache');
}
