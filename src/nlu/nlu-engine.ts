import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { Language } from '../messaging/language';
import type { IntentScore, Understanding } from '../messaging/understanding';
import { EmergencyNet } from './emergency-net';
import { recognise } from './entity-recognizer';
import { calibrate, IntentClassifier, type Thresholds } from './intent-classifier';
import { LanguageDetector } from './language-detector';
import { loadTeencode, Normalizer, type Normalized } from './normalizer';
import { hashExamples, type Example } from './training-data';

/** Bump when features, training or normalisation change: cached models of older code are not reused. */
const MODEL_VERSION = 'nlu-5';

export interface CalibrationRow {
  text: string;
  intent: string;
}

export interface ModelSnapshot {
  hash: string;
  classifier: Parameters<typeof IntentClassifier.fromJSON>[0];
  detector: Parameters<typeof LanguageDetector.fromJSON>[0];
}

export interface UnderstandContext {
  language?: Language;
  previousIntent?: string | null;
  previousTopic?: string | null;
}

// "còn con tôi thì sao?", "what about students?": a short question leaning on the previous one.
const FOLLOW_UP_START =
  /^(con|the con|vay con|con neu|neu|the neu|what about|how about|and|and if|what if|also)\b/;
const FOLLOW_UP_END = /\b(thi sao|the nao|thi the nao|duoc khong|thi)\s*$/;

export class NluEngine {
  constructor(
    readonly normalizer: Normalizer,
    readonly classifier: IntentClassifier,
    readonly detector: LanguageDetector,
    readonly net: EmergencyNet,
    readonly dataHash: string,
  ) {}

  /** Trains from examples; thresholds are calibrated on held-out messages when given. */
  static train(
    examples: Example[],
    calibration: CalibrationRow[] = [],
    normalizer = new Normalizer(),
  ): NluEngine {
    const normalized = examples.map((e) => normalizer.normalize(e.text));
    const classifier = IntentClassifier.train(
      examples.map((e, i) => ({ normalized: normalized[i], intent: e.intent, topic: e.topic })),
    );
    if (calibration.length) {
      const { accuracy: _accuracy, ...thresholds } = calibrate(
        classifier,
        calibration.map((c) => ({ normalized: normalizer.normalize(c.text), intent: c.intent })),
      );
      classifier.thresholds = thresholds;
    }
    const detector = new LanguageDetector();
    detector.train(
      examples
        .filter((e) => e.style !== 'added')
        .map((e, i) => ({
          normalized: normalized[i],
          language: e.style === 'en' ? ('en' as const) : ('vi' as const),
        })),
    );
    return new NluEngine(
      normalizer,
      classifier,
      detector,
      new EmergencyNet(),
      dataHashOf(examples, calibration),
    );
  }

  /** A cached model for exactly these examples and this code version, or a fresh one (then cached). */
  static loadOrTrain(examples: Example[], calibration: CalibrationRow[], cacheDir: string | null): NluEngine {
    return NluEngine.fromSnapshot(NluEngine.snapshotFor(examples, calibration, cacheDir));
  }

  /** The trained model as plain data: what the cache file holds and what a training worker posts back. */
  static snapshotFor(
    examples: Example[],
    calibration: CalibrationRow[],
    cacheDir: string | null,
  ): ModelSnapshot {
    const hash = dataHashOf(examples, calibration);
    const file = cacheDir ? join(cacheDir, `nlu-model-${hash}.json`) : null;
    if (file && existsSync(file)) {
      try {
        const data = JSON.parse(readFileSync(file, 'utf8')) as Omit<ModelSnapshot, 'hash'>;
        // Parse it once here: a damaged file must be retrained, not fail later on the main thread.
        NluEngine.fromSnapshot({ ...data, hash });
        return { ...data, hash };
      } catch {
        // A damaged cache is rebuilt below.
      }
    }
    const snapshot = NluEngine.train(examples, calibration).snapshot();
    if (file && cacheDir) {
      try {
        mkdirSync(cacheDir, { recursive: true });
        const temp = `${file}.${process.pid}.${threadId}.tmp`;
        writeFileSync(temp, JSON.stringify({ classifier: snapshot.classifier, detector: snapshot.detector }));
        renameSync(temp, file);
      } catch {
        // A read-only cache folder only costs the next start its training time.
      }
    }
    return snapshot;
  }

  static fromSnapshot(snapshot: ModelSnapshot): NluEngine {
    return new NluEngine(
      new Normalizer(),
      IntentClassifier.fromJSON(snapshot.classifier),
      LanguageDetector.fromJSON(snapshot.detector),
      new EmergencyNet(),
      snapshot.hash,
    );
  }

  snapshot(): ModelSnapshot {
    return {
      hash: this.dataHash,
      classifier: this.classifier.toJSON(),
      detector: this.detector.toJSON(),
    };
  }

  get thresholds(): Thresholds {
    return this.classifier.thresholds;
  }

  understand(text: string, context: UnderstandContext = {}): Understanding {
    const normalized = this.normalizer.normalize(text ?? '');
    const entities = recognise(text ?? '');
    const language = this.detector.detect(normalized, context.language);
    const words = normalized.tokens.filter((t) => !t.startsWith('_'));
    if (!words.length) {
      return {
        language,
        intent: 'fallback',
        topic: 'empty',
        confidence: 0,
        ranking: [],
        entities,
        decision: 'fallback',
        emergency: false,
      };
    }
    const ranking = this.classifier.rank(normalized);
    const top = ranking[0];
    const pEmergency = ranking.find((r) => r.intent === 'emergency')?.score ?? 0;
    if (this.net.matches(normalized) || pEmergency >= this.thresholds.emergency) {
      return {
        language,
        intent: 'emergency',
        topic: 'urgent',
        confidence: Math.max(pEmergency, this.net.matches(normalized) ? 1 : 0),
        ranking,
        entities,
        decision: 'answer',
        emergency: true,
      };
    }
    const decision = this.classifier.decide(ranking);
    if (decision !== 'answer' && context.previousIntent && this.isFollowUp(normalized, ranking)) {
      const topics = this.classifier.rankTopics(normalized, context.previousIntent);
      if (topics.length) {
        return {
          language,
          intent: context.previousIntent,
          topic: topics[0].topic,
          confidence: top.score,
          ranking,
          entities,
          decision: 'answer',
          emergency: false,
        };
      }
    }
    const outcome = this.settle(decision, top);
    return { language, ...outcome, confidence: top.score, ranking, entities, decision, emergency: false };
  }

  private settle(
    decision: 'answer' | 'clarify' | 'fallback',
    top: IntentScore,
  ): { intent: string; topic?: string } {
    if (decision === 'answer') return { intent: top.intent, topic: top.topic };
    if (decision === 'clarify') return { intent: 'fallback', topic: 'clarify' };
    return { intent: 'fallback', topic: top.intent === 'fallback' ? top.topic : 'out_of_scope' };
  }

  private isFollowUp(n: Normalized, ranking: IntentScore[]): boolean {
    const joined = n.stripped.join(' ');
    if (n.stripped.length > 10) return false;
    if (
      ranking[0].intent === 'emergency' ||
      ranking[0].intent === 'human' ||
      ranking[0].intent === 'greeting'
    )
      return false;
    return FOLLOW_UP_START.test(joined) || FOLLOW_UP_END.test(joined);
  }
}

function dataHashOf(examples: Example[], calibration: CalibrationRow[]): string {
  const teencode = [...loadTeencode()].map(([k, v]) => `${k}=${v.join(' ')}`).join('|');
  return hashExamples(
    [
      ...examples,
      ...calibration.map((c) => ({ intent: c.intent, topic: '~', text: c.text, style: 'added' as const })),
    ],
    `${MODEL_VERSION}|${teencode}`,
  );
}
