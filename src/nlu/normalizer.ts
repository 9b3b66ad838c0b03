import { readFileSync } from 'node:fs';
import { fromRoot } from '../common/project-root';
import { EMAIL } from './entity-recognizer';
import { canonicalTones, hasVietnameseMarks, stripDiacritics } from './vietnamese';

export interface Normalized {
  /** Accented tokens after NFC, canonical tones, lower case, masking, squeezing and teencode. */
  tokens: string[];
  /** The same tokens without diacritics (đ → d). */
  stripped: string[];
  /** Whether the original carried Vietnamese letters or tone marks. */
  hasMarks: boolean;
  /**
   * Per token: it came from an acronym ("BHYT" → bảo hiểm y tế, one letter per word). People write
   * acronyms in either language, so these tokens say nothing about which one a message is in.
   */
  acronym?: boolean[];
}

/** Longer input is cut before classification: the first 1,000 characters say what it is about. */
const MAX_CHARS = 1000;
const URL = /\b(?:https?:\/\/|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:vn|com|net|org)(?:\/\S*)?/giu;
const PHONE = /(?<![\p{L}\p{N}])(?:\+?84|0)(?:[\s.-]?\d){8,10}(?![\p{L}\p{N}])/gu;
const EMOJI = /\p{Extended_Pictographic}/gu;
// Pasted or injected markup says nothing about the message: "<b>hi</b>" is "hi".
const MARKUP = /<\/?[a-z][^<>]{0,200}>|&(?:nbsp|amp|lt|gt|quot|apos|#\d{1,6});/giu;
const KEEP_NUMBERS = new Set(['115', '113', '114']);

type TeencodeMap = Map<string, string[]>;

export function loadTeencode(path = fromRoot('src/nlu/data/teencode.tsv')): TeencodeMap {
  const map: TeencodeMap = new Map();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [key, expansion] = line.split('\t');
    if (key && expansion)
      map.set(key.trim().normalize('NFC'), expansion.trim().normalize('NFC').split(/\s+/));
  }
  return map;
}

/** "đauuuu" → "đau"; "hiiii" → "hi". Two equal letters stay (xoong, boong). */
export function squeeze(token: string): string {
  return token.replace(/(\p{L})\1{2,}/gu, '$1');
}

/** The message without the tokens `drop` picks (by their diacritic-free form), all views kept aligned. */
export function withoutTokens(n: Normalized, drop: (stripped: string) => boolean): Normalized {
  const keep = n.stripped.map((t) => !drop(t));
  return {
    tokens: n.tokens.filter((_, i) => keep[i]),
    stripped: n.stripped.filter((_, i) => keep[i]),
    hasMarks: n.hasMarks,
    acronym: n.acronym?.filter((_, i) => keep[i]),
  };
}

/** "bhyt" → [bảo, hiểm, y, tế]: one letter per word, in order. */
function isAcronymOf(key: string, words: string[]): boolean {
  const letters = [...stripDiacritics(key)];
  return letters.length === words.length && words.every((w, i) => stripDiacritics(w).startsWith(letters[i]));
}

export class Normalizer {
  constructor(private readonly teencode: TeencodeMap = loadTeencode()) {}

  normalize(input: string): Normalized {
    let text = input.toWellFormed().slice(0, MAX_CHARS).normalize('NFC');
    const hasMarks = hasVietnameseMarks(text);
    const hasEmoji = EMOJI.test(text);
    EMOJI.lastIndex = 0;
    text = text.replace(MARKUP, ' ');
    // An address needs an '@': most messages have none, and the pattern is costly to try at every letter.
    if (text.includes('@')) text = text.replace(EMAIL, ' _email_ ');
    text = text.replace(URL, ' _url_ ').replace(PHONE, ' _phone_ ').replace(EMOJI, ' ');
    text = canonicalTones(text.toLowerCase());
    const tokens: string[] = [];
    const acronym: boolean[] = [];
    for (const raw of text.split(/[^\p{L}\p{N}_]+/u)) {
      if (!raw) continue;
      // Abbreviations first: "cccd" must not be squeezed into "cd".
      const token = this.teencode.has(raw) ? raw : squeeze(raw);
      const expansion = this.teencode.get(token);
      if (expansion) {
        const initials = isAcronymOf(token, expansion);
        tokens.push(...expansion);
        acronym.push(...expansion.map(() => initials));
        continue;
      } else if (/^\d+$/.test(token)) {
        tokens.push(token.length <= 2 || KEEP_NUMBERS.has(token) ? token : '_num_');
      } else {
        tokens.push(token);
      }
      acronym.push(false);
    }
    if (hasEmoji) {
      tokens.push('_emoji_');
      acronym.push(false);
    }
    return {
      tokens,
      stripped: tokens.map((t) => (t.startsWith('_') ? t : stripDiacritics(t))),
      hasMarks,
      acronym,
    };
  }
}
