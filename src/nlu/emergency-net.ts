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
  /** "a & b": signs that count only together ("nấm" with "ói mửa"). */
  private readonly together: { words: string[]; accented: boolean }[][];

  constructor(path = fromRoot('src/nlu/data/danger-signs.txt')) {
    this.phrases = [];
    this.alone = new Set();
    this.together = [];
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const entry = line.trim();
      if (!entry || entry.startsWith('#')) continue;
      // "=phrase" fires only when it is (nearly) the whole message ("cấp cứu", "help").
      if (entry.startsWith('=')) this.alone.add(entry.slice(1).trim());
      else if (entry.includes(' & ')) this.together.push(entry.split(' & ').map(phraseOf));
      else this.phrases.push(phraseOf(entry));
    }
  }

  matches(n: Normalized): boolean {
    return this.hasDangerSign(n) && !this.toldAsPast(n);
  }

  /**
   * An emergency told as history (with a request for follow-up care, or as a complaint about how it
   * went), or first aid to be learnt, with nothing happening now: not a 115 call.
   */
  toldAsPast(n: Normalized): boolean {
    const text = n.stripped.join(' ');
    if (HAPPENING_NOW.test(text)) return false;
    return (
      isPastCare(n) ||
      LEARNING.test(text) ||
      HOW_IT_WENT.test(text) ||
      (PAST.test(text) && COMPLAINING.test(text))
    );
  }

  private hasDangerSign(n: Normalized): boolean {
    const content = n.stripped.filter((t) => !FILLER.has(t)).join(' ');
    if (this.alone.has(content)) return true;
    if (this.phrases.some((p) => contains(n, p))) return true;
    return this.together.some((parts) => parts.every((p) => contains(n, p)));
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
  /\b(?:nam ngoai|nam truoc|thang truoc|tuan truoc|hoi truoc|truoc day|hom qua|hoi nho|luc nho|da dieu tri|da mo|da khoi|da xuat vien|xuat vien roi|last (?:year|month|week|summer|winter|time)|years ago|months ago|yesterday|previously|when (?:he|she|i) was)\b/;
// What they ask now: follow-up care, whether it is over, what to eat or avoid — not help.
const FOLLOW_UP_CARE =
  /\b(?:tai kham|dat lich|lich hen|hen kham|kham lai|follow up|check up|checkup|appointment|book|do roi|da khoi|khoi roi|binh thuong roi|kieng gi|an kieng|boi thuoc gi|is fine now|healed|recovered|better now|avoid)\b/;
const HAPPENING_NOW =
  /\b(?:dang bi|vua bi|moi bi|lai bi|gio bi|bay gio|hien gio|tu nhien|dot nhien|right now|is now|again|suddenly|currently)\b/;

// "Xe cấp cứu tới trễ", "the ambulance took 50 minutes last month": a complaint about how an
// emergency went, not one happening now (the danger signs, matched first, are not overridden by it).
const HOW_IT_WENT =
  /\b(?:toi tre|den tre|tre qua|cham qua|qua lau|qua cham|mat \w+ phut|took \w+ minutes|took ages|took forever|came late|arrived late|was late|too slow|was slow)\b/;
const COMPLAINING = /\b(?:khieu nai|phan anh|complain|complaint)\b/;
// Learning first aid is not needing it: "có lớp dạy sơ cứu đuối nước không?", "first aid courses".
const LEARNING =
  /\b(?:day so cuu|hoc so cuu|lop so cuu|lop hoc so cuu|khoa so cuu|tap huan so cuu|first aid (?:course|courses|class|classes|training|lessons))\b/;

function isPastCare(n: Normalized): boolean {
  const text = n.stripped.join(' ');
  return PAST.test(text) && FOLLOW_UP_CARE.test(text) && !HAPPENING_NOW.test(text);
}

function phraseOf(entry: string): { words: string[]; accented: boolean } {
  const words = canonicalTones(entry.trim().normalize('NFC')).split(/\s+/);
  return { words, accented: words.some((w) => stripDiacritics(w) !== w) };
}

/** Whether the phrase stands in the message, word for word (accented phrases on accented text only). */
function contains(n: Normalized, { words, accented }: { words: string[]; accented: boolean }): boolean {
  const seq = accented ? n.tokens : n.stripped;
  outer: for (let i = 0; i + words.length <= seq.length; i++) {
    for (let j = 0; j < words.length; j++) if (seq[i + j] !== words[j]) continue outer;
    return true;
  }
  return false;
}
