import { readFileSync } from 'node:fs';
import { fromRoot } from '../common/project-root';
import type { Normalized } from './normalizer';
import { canonicalTones, stripDiacritics } from './vietnamese';

/**
 * The safety net in front of the classifier: a curated list of danger signs, matched on the
 * diacritic-free tokens (so every writing style hits). Tuned for recall — a needless "call 115"
 * costs little, a missed stroke costs a life.
 */
export class EmergencyNet {
  private readonly phrases: { words: string[]; accented: boolean }[];
  private readonly alone: Set<string>;

  constructor(path = fromRoot('src/nlu/data/danger-signs.txt')) {
    this.phrases = [];
    this.alone = new Set();
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const entry = line.trim();
      if (!entry || entry.startsWith('#')) continue;
      // "=phrase" fires only when it is (nearly) the whole message ("cấp cứu", "help").
      if (entry.startsWith('=')) this.alone.add(entry.slice(1).trim());
      else {
        const words = canonicalTones(entry.normalize('NFC')).split(/\s+/);
        this.phrases.push({ words, accented: words.some((w) => stripDiacritics(w) !== w) });
      }
    }
  }

  matches(n: Normalized): boolean {
    return this.hasDangerSign(n) && !isPastCare(n);
  }

  /**
   * For the classifier's emergencies (the danger signs are matched on their own): an emergency told
   * as history or as a complaint about how it went, with nothing happening now.
   */
  toldAsPast(n: Normalized): boolean {
    const text = n.stripped.join(' ');
    return (isPastCare(n) || HOW_IT_WENT.test(text)) && !HAPPENING_NOW.test(text);
  }

  private hasDangerSign(n: Normalized): boolean {
    const tokens = n.stripped;
    const content = tokens.filter((t) => !FILLER.has(t)).join(' ');
    if (this.alone.has(content)) return true;
    for (const { words, accented } of this.phrases) {
      const seq = accented ? n.tokens : tokens;
      outer: for (let i = 0; i + words.length <= seq.length; i++) {
        for (let j = 0; j < words.length; j++) if (seq[i + j] !== words[j]) continue outer;
        return true;
      }
    }
    return false;
  }
}

/** Words that do not change what a very short message asks for. */
const FILLER = new Set([
  'oi',
  'a',
  'ad',
  'admin',
  'please',
  'voi',
  'di',
  'nhanh',
  'gap',
  'now',
  'em',
  'toi',
  'ban',
  'khong',
]);

// "năm ngoái ba tôi bị đột quỵ, giờ muốn đặt lịch tái khám": a danger sign told as history, with a
// request for follow-up care and nothing happening now, is a booking question, not a 115 call.
const PAST =
  /\b(?:nam ngoai|nam truoc|thang truoc|hoi truoc|truoc day|hom qua|hoi nho|luc nho|da dieu tri|da mo|da khoi|last year|last month|years ago|months ago|yesterday|previously|when (?:he|she|i) was)\b/;
// What they ask now: follow-up care, whether it is over, what to eat or avoid — not help.
const FOLLOW_UP_CARE =
  /\b(?:tai kham|dat lich|lich hen|hen kham|kham lai|follow up|check up|checkup|appointment|book|do roi|da khoi|khoi roi|binh thuong roi|kieng gi|an kieng|boi thuoc gi|is fine now|healed|recovered|better now|avoid)\b/;
const HAPPENING_NOW =
  /\b(?:dang bi|vua bi|moi bi|lai bi|gio bi|bay gio|hien gio|tu nhien|dot nhien|right now|is now|again|suddenly|currently)\b/;

// "Xe cấp cứu tới trễ", "the ambulance took 50 minutes last month": a complaint about how an
// emergency went, not one happening now (the danger signs, matched first, are not overridden by it).
const HOW_IT_WENT =
  /\b(?:toi tre|den tre|tre qua|cham qua|qua lau|qua cham|mat \w+ phut|took \w+ minutes|took ages|came late|arrived late|was late|too slow|was slow)\b/;

function isPastCare(n: Normalized): boolean {
  const text = n.stripped.join(' ');
  return PAST.test(text) && FOLLOW_UP_CARE.test(text) && !HAPPENING_NOW.test(text);
}
