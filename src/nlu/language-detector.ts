import type { Language } from '../messaging/language';
import type { Normalized } from './normalizer';

/**
 * vi / en from character trigrams of the diacritic-free words (naive Bayes trained on the examples,
 * so unaccented Vietnamese and teencode are learned as Vietnamese), plus the Vietnamese letters and
 * tone marks when present. A message that is not clearly one or the other keeps the conversation's
 * language; a mixed message goes to the language most of its words belong to.
 */
export class LanguageDetector {
  private counts: Record<Language, Map<string, number>> = { vi: new Map(), en: new Map() };
  /** Whole words seen in each language's examples: the strongest evidence when a word is known. */
  private words: Record<Language, Map<string, number>> = { vi: new Map(), en: new Map() };
  private wordTotals: Record<Language, number> = { vi: 0, en: 0 };
  private totals: Record<Language, number> = { vi: 0, en: 0 };
  private vocabulary = 1;

  /** Average log-likelihood ratio per word (vi positive) needed to switch a conversation's language. */
  static readonly SWITCH_MARGIN = 0.6;
  /** Words that count needed before a settled conversation changes language. */
  static readonly SWITCH_WORDS = 3;

  train(samples: { normalized: Normalized; language: Language }[]): void {
    const all = new Set<string>();
    for (const { normalized, language } of samples) {
      for (const word of normalized.stripped) {
        if (word.startsWith('_') || /\d/.test(word) || NEUTRAL.has(word)) continue;
        this.words[language].set(word, (this.words[language].get(word) ?? 0) + 1);
        this.wordTotals[language]++;
      }
      for (const gram of grams(normalized)) {
        this.counts[language].set(gram, (this.counts[language].get(gram) ?? 0) + 1);
        this.totals[language]++;
        all.add(gram);
      }
    }
    this.vocabulary = all.size + 1;
  }

  /**
   * The language of a message, and whether the message itself showed one (`sure`; else a hint or the
   * conversation decided). With a settled conversation language, only a clearly and substantially
   * different message switches it: enough words that count (acknowledgements, acronyms, numbers,
   * codes, links and markup do not), leaning the other way on average. Without one, the message's
   * own lean decides — thanks and yes/no included — and `tie` (a hint) when it has none.
   */
  read(n: Normalized, current?: Language, tie: Language = 'vi'): { language: Language; sure: boolean } {
    const { all, counted } = this.evidence(n);
    const sure = all.words > 0;
    if (current) {
      const enough =
        counted.words >= LanguageDetector.SWITCH_WORDS || (current === 'en' && counted.marked >= 2);
      const score = counted.words ? counted.sum / counted.words : 0;
      let language = current;
      if (enough && current === 'vi' && score < -LanguageDetector.SWITCH_MARGIN) language = 'en';
      if (enough && current === 'en' && score > LanguageDetector.SWITCH_MARGIN) language = 'vi';
      return { language, sure };
    }
    if (!sure) return { language: tie, sure };
    return { language: all.sum >= 0 ? 'vi' : 'en', sure };
  }

  /** Per-word evidence (> 0 Vietnamese), over all words and over the words that may switch a language. */
  private evidence(n: Normalized): Record<'all' | 'counted', { sum: number; words: number; marked: number }> {
    const all = { sum: 0, words: 0, marked: 0 };
    const counted = { sum: 0, words: 0, marked: 0 };
    n.stripped.forEach((word, i) => {
      if (word.startsWith('_') || /\d/.test(word) || NEUTRAL.has(word) || n.acronym?.[i]) return;
      const hasMarks = n.tokens[i] !== word;
      const value = hasMarks ? 3 : Math.max(-3, Math.min(3, this.wordScore(word)));
      for (const into of ACKNOWLEDGEMENTS.has(word) ? [all] : [all, counted]) {
        into.sum += value;
        into.words++;
        if (hasMarks) into.marked++;
      }
    });
    return { all, counted };
  }

  private wordScore(word: string): number {
    const vi = this.words.vi.get(word) ?? 0;
    const en = this.words.en.get(word) ?? 0;
    if (vi + en > 0) {
      return (
        Math.log((vi + 0.1) / (this.wordTotals.vi + 1)) - Math.log((en + 0.1) / (this.wordTotals.en + 1))
      );
    }
    let sum = 0;
    let n = 0;
    for (const gram of wordGrams(word)) {
      const vi = ((this.counts.vi.get(gram) ?? 0) + 1) / (this.totals.vi + this.vocabulary);
      const en = ((this.counts.en.get(gram) ?? 0) + 1) / (this.totals.en + this.vocabulary);
      sum += Math.log(vi / en);
      n++;
    }
    return n ? sum / Math.sqrt(n) : 0;
  }

  toJSON(): {
    vi: [string, number][];
    en: [string, number][];
    totals: Record<Language, number>;
    vocabulary: number;
    words: { vi: [string, number][]; en: [string, number][] };
    wordTotals: Record<Language, number>;
  } {
    return {
      vi: [...this.counts.vi],
      en: [...this.counts.en],
      totals: this.totals,
      vocabulary: this.vocabulary,
      words: { vi: [...this.words.vi], en: [...this.words.en] },
      wordTotals: this.wordTotals,
    };
  }

  static fromJSON(data: ReturnType<LanguageDetector['toJSON']>): LanguageDetector {
    const d = new LanguageDetector();
    d.counts = { vi: new Map(data.vi), en: new Map(data.en) };
    d.totals = data.totals;
    d.vocabulary = data.vocabulary;
    d.words = { vi: new Map(data.words.vi), en: new Map(data.words.en) };
    d.wordTotals = data.wordTotals;
    return d;
  }
}

/**
 * Thanks, yes, no, hello and the like: people write them in either language whatever language they
 * speak ("thanks ad", "ok cảm ơn"), so they never switch a conversation.
 */
const ACKNOWLEDGEMENTS = new Set([
  'thanks',
  'thank',
  'thanx',
  'thx',
  'tks',
  'ty',
  'you',
  'u',
  'yes',
  'yep',
  'yeah',
  'no',
  'nope',
  'sure',
  'hi',
  'hello',
  'bye',
  'sorry',
  'please',
  'pls',
  'plz',
  'oke',
  'oki',
  'cam',
  'on',
  'da',
  'vang',
  'uk',
  'um',
  'uh',
  'nha',
  'nhe',
  'a',
]);

/** Words both languages use as they are: they say nothing about which one a message is in. */
const NEUTRAL = new Set([
  'ok',
  'okay',
  'vneid',
  'vssid',
  'otp',
  'app',
  'bhyt',
  'bhxh',
  'cccd',
  'cmnd',
  'pa',
  'zalo',
  'facebook',
  'fanpage',
  'page',
  'hotline',
  'wifi',
  'email',
  'sms',
  'qr',
  'covid',
  'ad',
  'admin',
  'alo',
  'online',
  'internet',
  'nha',
  'trang',
  'khanh',
  'hoa',
  'vinpearl',
  'visa',
  'atm',
  'sos',
  'bot',
]);

function wordGrams(word: string): string[] {
  const padded = ` ${word} `;
  const out: string[] = [];
  for (let size = 1; size <= 3; size++)
    for (let i = 0; i + size <= padded.length; i++) out.push(padded.slice(i, i + size));
  return out;
}

function grams(n: Normalized): string[] {
  return n.stripped.filter((t) => !t.startsWith('_') && !/^\d+$/.test(t)).flatMap(wordGrams);
}
