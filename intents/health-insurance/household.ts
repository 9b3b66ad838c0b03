import { stripDiacritics } from '../../src/common/fold';

/**
 * The household a citizen describes ("nhà em 4 người, 1 bé 3 tuổi", "family of five, my mother has
 * pension insurance", "2 vợ chồng và 2 con, 1 đứa 8 tuổi 1 đứa 2 tuổi"), read into who needs household
 * health insurance (BHYT hộ gia đình) and who is left out and why: children under 6 (the State budget
 * pays their card) and people already insured in another group (a pension, their work, their school).
 * Pure: text in, description out; the amounts come from figures.yaml through householdPremiums().
 */

export type Reason = 'pension' | 'work' | 'school' | 'other';

export interface Household {
  /** The people the citizen describes. */
  size: number;
  /** Children under 6 among them: the State budget pays their card. */
  under6: number;
  /** People already insured in another group, with why. */
  insuredElsewhere: { count: number; reason: Reason }[];
  /** Who buys household BHYT: the rest. */
  payers: number;
  /** Children of school age (6–17) among the payers: usually insured through their school instead. */
  schoolAgePayers: number;
}

export interface HouseholdQuote {
  /** The yearly amount of each payer, in order (1st, 2nd, …). */
  perPerson: number[];
  total: number;
}

const NUMBER_WORDS: Record<string, number> = {
  mot: 1,
  hai: 2,
  ba: 3,
  bon: 4,
  tu: 4,
  nam: 5,
  sau: 6,
  bay: 7,
  tam: 8,
  chin: 9,
  muoi: 10,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};
const NUMBER = `(\\d{1,2}|${Object.keys(NUMBER_WORDS).join('|')})`;
const PEOPLE = '(?:nguoi|ng|thanh vien|tv|nhan khau|khau|mang|members?|people|persons?)';
/** A group of children ("2 con", "3 kids") and one child each ("1 đứa 8 tuổi", "a baby"). */
const CHILDREN = '(?:con|chau|kids|children|sons|daughters|babies)';
const A_CHILD = '(?:dua|be|nhoc|kid|child|son|daughter|baby)';
const CHILD = `(?:${CHILDREN}|${A_CHILD})`;

const SIZE_PATTERNS = [
  new RegExp(`\\b${NUMBER} ?${PEOPLE}\\b`),
  new RegExp(`\\bfamily of ${NUMBER}\\b`),
  new RegExp(`\\b${NUMBER} of us\\b`),
  new RegExp(`\\bwe are ${NUMBER}\\b`),
];

/** Pairs: two people in one word. */
const PAIRS = [
  'vo chong',
  'bo me',
  'ba me',
  'cha me',
  'tia ma',
  'ong ba',
  'my wife and i',
  'my husband and i',
  'me and my wife',
  'me and my husband',
  'my parents',
  'my grandparents',
  'parents',
  'grandparents',
];
/** One person each; the speaker comes with a spouse named alone ("tôi, vợ và 2 con"). */
const SPOUSES = ['vo', 'chong', 'wife', 'husband'];
const SINGLES = ['mother', 'father', 'mom', 'mum', 'dad', 'grandmother', 'grandfather', 'grandma', 'grandpa'];

const ELSEWHERE: { reason: Reason; pattern: RegExp }[] = [
  { reason: 'pension', pattern: /\b(luong huu|huu tri|nghi huu|ve huu|pension\w*|retire\w*)\b/ },
  {
    reason: 'work',
    pattern:
      /\b(cong ty dong|co quan dong|bhyt (o |cua |qua |theo )?(cong ty|co quan|cho lam)|bao hiem (o |cua |qua |theo )?(cong ty|co quan)|di lam co (bhyt|bao hiem)|bhxh bat buoc|bhyt bat buoc|through (his |her |my |their )?(work|job|employer|company)|from (his |her |my |their )?(work|job|employer|company)|employer|company insurance|work insurance)\b/,
  },
  {
    reason: 'school',
    pattern:
      /\b(bhyt (o |cua |qua |theo )?(truong|hoc sinh|sinh vien)|bao hiem (o |cua |qua )?truong|bao hiem hoc sinh|student insurance|insured at school|through (his |her |their )?school|school insurance)\b/,
  },
  {
    reason: 'other',
    pattern:
      /\b(co bhyt roi|co the roi|co bao hiem roi|da co bhyt|da co the|da co bao hiem|already (has|have|insured|covered|got)|has (his|her|their) own (insurance|card)|has insurance|have insurance|has health insurance|ho ngheo|can ngheo)\b/,
  },
];

/** Reads the household in `text`; null when the text describes none (then the plain price table). */
export function parseHousehold(text: string): Household | null {
  const marked = fold(text);
  const clauses = marked.split(/\s*(?:[,;.!?\n]| va | and | but | nhung | with )\s*/).filter(Boolean);
  const folded = marked.replace(/[,;.!?\n]/g, ' ').replace(/\s+/g, ' ');

  const explicit = firstMatch(folded, SIZE_PATTERNS);
  const ages = agesIn(folded);
  const children = Math.max(childrenIn(folded), ages.filter((a) => a < 18).length);
  const adults = adultsIn(folded);
  const size = explicit ?? (adults + children || null);
  if (!size || size > 20) return null;

  const under6 = Math.min(
    size,
    ages.filter((a) => a < 6).length + (/\b(moi sinh|so sinh|newborn|new born)\b/.test(folded) ? 1 : 0),
  );
  const insuredElsewhere: Household['insuredElsewhere'] = [];
  for (const clause of clauses) {
    const found = ELSEWHERE.find((e) => e.pattern.test(clause));
    if (found) insuredElsewhere.push({ count: peopleInClause(clause), reason: found.reason });
  }
  const elsewhere = insuredElsewhere.reduce((n, e) => n + e.count, 0);
  const payers = Math.max(0, size - under6 - elsewhere);
  const schoolAge = ages.filter((a) => a >= 6 && a < 18).length;
  return {
    size,
    under6,
    insuredElsewhere: merge(insuredElsewhere),
    payers,
    schoolAgePayers: Math.min(schoolAge, payers),
  };
}

/** The yearly amounts for `payers` members, from the premiums of the 1st, 2nd, …, 5th-and-later member. */
export function householdQuote(payers: number, premiums: number[]): HouseholdQuote {
  const perPerson = Array.from({ length: payers }, (_, i) => premiums[Math.min(i, premiums.length - 1)]);
  return { perPerson, total: perPerson.reduce((a, b) => a + b, 0) };
}

function toNumber(word: string): number {
  return /^\d+$/.test(word) ? Number(word) : (NUMBER_WORDS[word] ?? NaN);
}

function firstMatch(text: string, patterns: RegExp[]): number | null {
  for (const p of patterns) {
    const m = p.exec(text);
    if (m) return toNumber(m[1]);
  }
  return null;
}

/** Ages said in years ("3 tuổi", "8t", "a 4-year-old") or months ("10 tháng tuổi", "bé 8 tháng": under one). */
function agesIn(text: string): number[] {
  const ages: number[] = [];
  for (const m of text.matchAll(/\b(\d{1,3}) ?(tuoi|t|years? old|year old|yo|yrs? old)\b/g))
    ages.push(Number(m[1]));
  const months = new RegExp(
    `\\b(?:(\\d{1,2}) ?(?:thang tuoi|months? old)|${A_CHILD} (\\d{1,2}) ?thang)\\b`,
    'g',
  );
  for (const m of text.matchAll(months)) ages.push(Math.floor(Number(m[1] ?? m[2]) / 12));
  return ages;
}

/** Children said: the largest of the groups ("2 con"), the ones said one by one ("1 đứa … 1 đứa …"), the ages. */
function childrenIn(text: string): number {
  const sum = (pattern: string) => {
    let n = 0;
    for (const m of text.matchAll(new RegExp(`\\b${NUMBER} ${pattern}\\b`, 'g'))) n += toNumber(m[1]) || 0;
    return n;
  };
  const count = Math.max(sum(CHILDREN), sum(A_CHILD));
  if (count) return count;
  return new RegExp(`\\b${CHILD}\\b`).test(text) && !/\bcon (lai|nua)\b/.test(text) ? 1 : 0;
}

function adultsIn(text: string): number {
  let rest = ` ${text} `;
  let count = 0;
  for (const pair of PAIRS) {
    const p = ` ${pair} `;
    while (rest.includes(p)) {
      count += 2;
      rest = rest.replace(p, ' ');
    }
  }
  const spouse = SPOUSES.some((w) => rest.includes(` ${w} `));
  if (spouse) count += 2;
  for (const w of SINGLES) if (rest.includes(` ${w} `)) count += 1;
  return count;
}

/** How many people a clause is about: "bố mẹ em có lương hưu" two, "2 người đi làm có BHYT" two, else one. */
function peopleInClause(clause: string): number {
  const numbered = new RegExp(`\\b${NUMBER} (?:${PEOPLE}|${CHILD})\\b`).exec(clause);
  if (numbered) return toNumber(numbered[1]) || 1;
  if (PAIRS.some((p) => ` ${clause} `.includes(` ${p} `)) || /\b(both|ca hai|ca 2)\b/.test(clause)) return 2;
  return 1;
}

function merge(list: Household['insuredElsewhere']): Household['insuredElsewhere'] {
  const by = new Map<Reason, number>();
  for (const e of list) by.set(e.reason, (by.get(e.reason) ?? 0) + e.count);
  return [...by].map(([reason, count]) => ({ reason, count }));
}

/** Like src/common's fold, but keeping the punctuation that separates the people described. */
function fold(text: string): string {
  return stripDiacritics(text)
    .toLowerCase()
    .replace(/(\d)\s*-\s*(year|month)/g, '$1 $2')
    .replace(/[^a-z0-9,;.!?\n]+/g, ' ')
    .replace(/ +/g, ' ')
    .trim();
}
