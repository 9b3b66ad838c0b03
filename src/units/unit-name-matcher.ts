import type { Unit } from './unit';
import { fold } from '../common/fold';

/**
 * Which health facility a citizen names in a message ("bệnh viện Ninh Hòa", "BV tinh", "TTYT Vĩnh
 * Thạnh", "Ninh Hoa hospital"), so that a question about a unit is answered with that unit's details
 * and not with those of the page it was asked on.
 *
 * No unit is named in this file: the units come from the units file (their names, aliases, kinds);
 * what lives here is the vocabulary of facility kinds ("bệnh viện", "trung tâm y tế", "hospital") and
 * of qualifiers that make a phrase name one facility ("tỉnh", "đa khoa", "provincial").
 */

export type NamedUnit =
  /** A unit of the file, other than the one whose page this is. */
  | { kind: 'unit'; unit: Unit }
  /** A facility is named (kind + place or qualifier), but it is none of the file's units. */
  | { kind: 'unknown' }
  | null;

type FacilityKind = Unit['kind'] | 'station' | 'clinic';

/** Folded (lower case, no diacritics, đ → d) words that say what kind of facility is meant. */
const KIND_WORDS: { kind: FacilityKind; words: string[]; english?: boolean }[] = [
  { kind: 'hospital', words: ['benh vien', 'bv', 'bvdk', 'bvdkkv', 'bvdktw'] },
  { kind: 'hospital', words: ['hospital'], english: true },
  { kind: 'health_centre', words: ['trung tam y te', 'ttyt'] },
  {
    kind: 'health_centre',
    words: ['health centre', 'health center', 'medical centre', 'medical center'],
    english: true,
  },
  { kind: 'college', words: ['truong cao dang y te', 'truong cao dang', 'cao dang y te', 'cdyt'] },
  { kind: 'college', words: ['medical college', 'college'], english: true },
  { kind: 'department', words: ['so y te', 'syt'] },
  { kind: 'department', words: ['department of health', 'health department'], english: true },
  { kind: 'station', words: ['tram y te', 'tyt'] },
  { kind: 'station', words: ['health station'], english: true },
  { kind: 'clinic', words: ['phong kham'] },
  { kind: 'clinic', words: ['clinic'], english: true },
];

/** Words that, right after a kind word, make it one particular facility (not "the hospital"). */
const QUALIFIERS = [
  'tinh',
  'da khoa',
  'khu vuc',
  'huyen',
  'thi xa',
  'thanh pho',
  'tp',
  'nhi',
  'san',
  'san nhi',
  'quan y',
  'trung uong',
  'tu nhan',
  'y hoc co truyen',
  'tam than',
  'lao',
  'da lieu',
  'ung buou',
  'phuong',
];
/** English qualifiers come before the kind word ("provincial hospital"). */
const ENGLISH_QUALIFIERS = [
  'provincial',
  'general',
  'regional',
  'district',
  'city',
  'children s',
  'childrens',
  'private',
  'military',
  'central',
  'maternity',
];
/** Words of a unit's name that say its kind or level, not its place. */
const NAME_FILLERS = ['tinh', 'da khoa', 'khu vuc', 'general', 'regional', 'provincial', 'of'];

const words = (text: string): string[] => (text ? fold(text).split(' ') : []);

/** Where `phrase` (folded words) starts in `tokens` at or after `from`, or -1. */
function indexOf(tokens: string[], phrase: string[], from = 0): number {
  for (let i = from; i + phrase.length <= tokens.length; i++) {
    if (phrase.every((w, j) => tokens[i + j] === w)) return i;
  }
  return -1;
}

/** The longest phrase of `phrases` that starts exactly at `at`, as its length in words (0: none). */
function phraseAt(tokens: string[], at: number, phrases: string[][]): number {
  let best = 0;
  for (const p of phrases) {
    if (p.length > best && indexOf(tokens.slice(at, at + p.length), p) === 0) best = p.length;
  }
  return best;
}

/** Strips every kind word and filler from a name: what is left is its place ("ninh hoa"). */
function placeOf(name: string): string[] {
  let tokens = words(name);
  const remove = [...KIND_WORDS.flatMap((k) => k.words), ...NAME_FILLERS].map(words);
  remove.sort((a, b) => b.length - a.length);
  for (const phrase of remove) {
    let at: number;
    while ((at = indexOf(tokens, phrase)) >= 0)
      tokens = [...tokens.slice(0, at), ...tokens.slice(at + phrase.length)];
  }
  return tokens;
}

interface Profile {
  unit: Unit;
  /** Full names and aliases, folded. */
  names: string[][];
  /** The place of the unit's names ("ninh hoa", "vinh thanh"), folded. */
  places: string[][];
}

/** Built once from the units file; `match` is then a pure look-up per message. */
export class UnitNameMatcher {
  private readonly profiles: Profile[];
  /** Every place the file knows (units' names and governing bodies): "khanh hoa", "gia lai", … */
  private readonly knownPlaces: string[][];
  private readonly kindPhrases = KIND_WORDS.map((k) => ({ ...k, phrases: k.words.map(words) }));
  private readonly qualifiers = QUALIFIERS.map(words);
  private readonly englishQualifiers = ENGLISH_QUALIFIERS.map(words);

  constructor(units: Pick<Unit, 'id' | 'kind' | 'name' | 'aliases' | 'governingBody'>[]) {
    this.profiles = units.map((unit) => {
      const names = [unit.name.vi, unit.name.en, ...unit.aliases];
      const places = names.map(placeOf).filter((p) => p.length > 0);
      return {
        unit: unit as Unit,
        names: names.map(words).filter((n) => n.length > 0),
        places: uniquePhrases(places),
      };
    });
    this.knownPlaces = uniquePhrases([
      ...this.profiles.flatMap((p) => p.places),
      ...units.flatMap((u) => [placeOf(u.governingBody.vi), placeOf(u.governingBody.en)]),
    ]).filter((p) => p.length > 0);
  }

  /** The facility `text` names, seen from the page of unit `currentUnitId`; null when none or itself. */
  match(text: string, currentUnitId: string): NamedUnit {
    const tokens = words(text);
    if (!tokens.length) return null;
    // The same words as typed, to see a proper name ("Bệnh viện Hoàn Mỹ") by its capital letter.
    const typed = text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    const capitalised = (at: number) =>
      typed.length === tokens.length &&
      at < typed.length &&
      /^\p{Lu}/u.test(typed[at]) &&
      typed[at] !== typed[at].toUpperCase();
    // Text In Capitals Throughout says nothing about names.
    const titleCase = typed.filter((w) => /^\p{Lu}/u.test(w)).length > typed.length / 2;
    const self = (unit: Unit): NamedUnit => (unit.id === currentUnitId ? null : { kind: 'unit', unit });

    // A full name or alias said as such wins (the longest one).
    let best: { profile: Profile; length: number } | null = null;
    for (const profile of this.profiles) {
      for (const name of profile.names) {
        if (name.length > (best?.length ?? 0) && indexOf(tokens, name) >= 0)
          best = { profile, length: name.length };
      }
    }
    if (best) return self(best.profile.unit);

    for (let i = 0; i < tokens.length; i++) {
      const found = this.kindAt(tokens, i);
      if (!found) continue;
      const after = i + found.length;
      const place = this.placeNear(tokens, i, after, found.english);
      const candidates = this.profiles.filter((p) => p.unit.kind === found.kind);
      if (place) {
        const unit = candidates.find((p) => p.places.some((pl) => sameWords(pl, place)))?.unit;
        return unit ? self(unit) : { kind: 'unknown' };
      }
      if (this.qualified(tokens, i, after, found.english)) return { kind: 'unknown' };
      // A name the file does not know, written as a name (capital letter) right after the kind word.
      if (!found.english && capitalised(after) && !titleCase) return { kind: 'unknown' };
      // "Sở Y tế", "trường cao đẳng y tế": the one unit of that kind, when the file has one only.
      if ((found.kind === 'department' || found.kind === 'college') && candidates.length === 1)
        return self(candidates[0].unit);
      i = after - 1;
    }
    return null;
  }

  private kindAt(
    tokens: string[],
    at: number,
  ): { kind: FacilityKind; length: number; english: boolean } | null {
    let best: { kind: FacilityKind; length: number; english: boolean } | null = null;
    for (const k of this.kindPhrases) {
      const length = phraseAt(tokens, at, k.phrases);
      if (length > (best?.length ?? 0)) best = { kind: k.kind, length, english: !!k.english };
    }
    return best;
  }

  /** A known place within a few words after the kind word (skipping qualifiers), or before it in English. */
  private placeNear(tokens: string[], start: number, after: number, english: boolean): string[] | null {
    let at = after;
    for (let skipped = 0; skipped < 4 && at < tokens.length; skipped++) {
      const place = this.placeAt(tokens, at);
      if (place) return place;
      const q = phraseAt(tokens, at, this.qualifiers);
      if (!q) break;
      at += q;
    }
    if (english) {
      for (let from = Math.max(0, start - 4); from < start; from++) {
        const place = this.placeAt(tokens, from);
        if (place && from + place.length <= start) return place;
      }
    }
    return null;
  }

  private placeAt(tokens: string[], at: number): string[] | null {
    const length = phraseAt(tokens, at, this.knownPlaces);
    return length ? tokens.slice(at, at + length) : null;
  }

  private qualified(tokens: string[], start: number, after: number, english: boolean): boolean {
    if (phraseAt(tokens, after, this.qualifiers) > 0) return true;
    if (!english) return false;
    return this.englishQualifiers.some(
      (q) => start - q.length >= 0 && phraseAt(tokens, start - q.length, [q]) > 0,
    );
  }
}

function sameWords(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((w, i) => w === b[i]);
}

function uniquePhrases(phrases: string[][]): string[][] {
  const seen = new Set<string>();
  return phrases.filter((p) => {
    const key = p.join(' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
