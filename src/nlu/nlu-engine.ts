import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { Language } from '../messaging/language';
import type { IntentScore, Understanding } from '../messaging/understanding';
import { EmergencyNet } from './emergency-net';
import { CHANNEL_TOPIC, followUpOf, PERSON_WORDS, topicalWords, withoutChannelWords } from './follow-up';
import { recognise } from './entity-recognizer';
import { calibrate, IntentClassifier, type Thresholds } from './intent-classifier';
import { LanguageDetector } from './language-detector';
import { loadTeencode, Normalizer, withoutTokens, type Normalized } from './normalizer';
import { hashExamples, type Example } from './training-data';

/** Bump when features, training or normalisation change: cached models of older code are not reused. */
const MODEL_VERSION = 'nlu-11';

/** ":)", ":D", "^^", "<3" with nothing else but spaces and punctuation. */
const EMOTICON = /^[\s\p{P}]*(?:[:;=]-?[)(DPp3]+|\^[_-]?\^|<3)[\s\p{P}]*$/u;

/** Messages of at most this many topical words need an emergency anchor word for the classifier's emergency. */
const SHORT_MESSAGE = 3;
const SHORT_MESSAGE_SURE = 0.8;

/** A follow-up moves to another topic of the same intent at this topic probability. */
const FOLLOW_UP_TOPIC = 0.55;

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
  /** The conversation's settled language; without it the message decides, `languageHint` on a tie. */
  language?: Language;
  languageHint?: Language;
  /** The conversation's current topic (a content intent answered recently), for follow-ups. */
  previousIntent?: string | null;
  previousTopic?: string | null;
}

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
    const { language, sure: languageSure } = this.detector.read(
      normalized,
      context.language,
      context.languageHint,
    );
    const words = normalized.tokens.filter((t) => !t.startsWith('_'));
    if (!words.length) {
      const bare = { language, languageSure, confidence: 1, ranking: [], entities, emergency: false };
      // 👍, ":)" on their own: an acknowledgement, not a question we failed to understand.
      if (normalized.tokens.includes('_emoji_') || EMOTICON.test(text ?? ''))
        return { ...bare, intent: 'greeting', topic: 'ack', decision: 'answer' };
      // A bare number or link ("2026", a map link) belongs to what we were talking about.
      if (context.previousIntent && normalized.tokens.some((t) => t === '_num_' || t === '_url_'))
        return {
          ...bare,
          intent: context.previousIntent,
          topic: context.previousTopic ?? undefined,
          decision: 'answer',
          followUp: 'elliptical',
        };
      return {
        language,
        languageSure,
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
    const emergency = (confidence: number): Understanding => ({
      language,
      languageSure,
      intent: 'emergency',
      topic: 'urgent',
      confidence,
      ranking,
      entities,
      decision: 'answer',
      emergency: true,
    });
    // Danger signs first, whatever the context.
    if (this.net.matches(normalized)) return emergency(1);

    const pEmergency = ranking.find((r) => r.intent === 'emergency')?.score ?? 0;
    if (
      pEmergency >= this.thresholds.emergency &&
      this.dangerBeyondPersons(normalized, pEmergency) &&
      !this.net.toldAsPast(normalized)
    ) {
      return emergency(pEmergency);
    }
    // The second pass: a short message with no topic of its own continues the conversation's.
    if (context.previousIntent) {
      // In a conversation about a procedure, "on VNeID?" says how, not what: judge the rest.
      const judged =
        (context.previousIntent !== CHANNEL_TOPIC && withoutChannelWords(normalized)) || normalized;
      const anchors = this.classifier.anchorsOf(judged);
      const followUp = followUpOf(
        judged,
        judged === normalized ? ranking : this.classifier.rank(judged),
        anchors,
        { intent: context.previousIntent, topic: context.previousTopic },
        ranking,
      );
      if (followUp) {
        // Its own topic within the intent when it clearly names one ("students"), else the one we were on.
        const [best] = this.classifier.rankTopics(normalized, followUp.intent);
        const own = best && best.score >= FOLLOW_UP_TOPIC ? best.topic : undefined;
        return {
          language,
          languageSure,
          intent: followUp.intent,
          topic: own ?? context.previousTopic ?? undefined,
          confidence: top.score,
          ranking,
          entities,
          decision: 'answer',
          emergency: false,
          followUp: followUp.reason,
        };
      }
    }

    // Below the bar (or resting on who the message is about), emergency is not answered as a guess:
    // 115 for "nồi kho cá" helps nobody. The next intent answers; the danger net stays in front.
    const guesses = ranking.filter((r) => r.intent !== 'emergency');
    const decision = this.classifier.decide(guesses);
    const outcome = this.settle(decision, guesses[0]);
    return {
      language,
      languageSure,
      ...outcome,
      confidence: guesses[0].score,
      ranking,
      entities,
      decision,
      emergency: false,
    };
  }

  /**
   * The classifier's emergency, checked without who the message is about: kin words fill the
   * emergency examples, so "mẹ tôi 70 tuổi" alone leans emergency. The situation must carry it.
   */
  private dangerBeyondPersons(n: Normalized, pEmergency: number): boolean {
    const topical = topicalWords(n);
    if (!topical.length) return false;
    // A few words lean emergency because short messages do ("my email is", "người già"): without an
    // emergency anchor word ("ngã", "khó thở") they must be very sure.
    if (topical.length <= SHORT_MESSAGE)
      return this.classifier.anchorsOf(n).has('emergency') || pEmergency >= SHORT_MESSAGE_SURE;
    const ranking = this.classifier.rank(withoutTokens(n, (t) => PERSON_WORDS.has(t)));
    const p = ranking.find((r) => r.intent === 'emergency')?.score ?? 0;
    return p >= this.thresholds.emergency || ranking[0].intent === 'emergency';
  }

  private settle(
    decision: 'answer' | 'clarify' | 'fallback',
    top: IntentScore,
  ): { intent: string; topic?: string } {
    if (decision === 'answer') return { intent: top.intent, topic: top.topic };
    if (decision === 'clarify') return { intent: 'fallback', topic: 'clarify' };
    return { intent: 'fallback', topic: top.intent === 'fallback' ? top.topic : 'out_of_scope' };
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
