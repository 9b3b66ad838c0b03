import type { Entity, EntityType } from '../messaging/understanding';

type Found = Omit<Entity, 'type'> & { type: EntityType };

/** An e-mail address (Unicode letters allowed); the normaliser replaces the same ones. */
export const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const TICKET = /(?<![\p{L}\p{N}])pa[\s-]?(20\d\d)[\s-]?(\d{6})(?![\p{L}\p{N}])/giu;
const BHYT = /(?<![\p{L}\p{N}])([a-z]{2})[\s.-]?(\d(?:[\s.-]?\d){12})(?![\p{L}\p{N}])/giu;
// A run of 9–13 digits, possibly grouped with spaces, dots or dashes (+84 allowed in front).
const DIGITS = /(?<![\p{L}\p{N}+])(\+?\d(?:[\s.-]?\d){8,13})(?![\p{L}\p{N}])/gu;
const DATE = /(?<![\p{N}/])(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?(?![\p{N}/])/gu;
const DATE_WORDS = /(?<![\p{L}])ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s+năm\s+(\d{4}))?/giu;

const HAS_DIGIT = /\d/;
const digitsOf = (s: string) => s.replace(/\D/g, '');

/** Classifies a run of digits by length and prefix (Vietnamese numbering plans). */
function digitType(raw: string): EntityType | null {
  let digits = digitsOf(raw);
  if (
    raw.trim().startsWith('+84') ||
    (digits.startsWith('84') && (digits.length === 11 || digits.length === 12))
  ) {
    digits = '0' + digits.slice(2);
    if (digits.length === 10 || digits.length === 11) return 'phone';
  }
  switch (digits.length) {
    case 9:
      return 'cmnd';
    case 10:
      return digits.startsWith('0') ? 'phone' : 'social_insurance';
    case 11:
      return digits.startsWith('0') ? 'phone' : null;
    case 12:
      return 'cccd';
    default:
      return null;
  }
}

function normalizedDigits(type: EntityType, raw: string): string {
  const digits = digitsOf(raw);
  if (type === 'phone' && digits.startsWith('84') && !raw.trim().startsWith('0'))
    return '0' + digits.slice(2);
  return digits;
}

function isoDate(day: number, month: number, year: number | undefined): string | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const mm = String(month).padStart(2, '0');
  const dd = String(day).padStart(2, '0');
  if (year === undefined) return `--${mm}-${dd}`;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCDate() !== day) return null;
  return `${year}-${mm}-${dd}`;
}

/**
 * Phones (0xx / +84, grouped any way), CCCD (12 digits), CMND (9), BHYT card codes (2 letters + 13
 * digits), social-insurance numbers (10 digits), e-mails, complaint ticket codes and dates. Spans
 * never overlap: the more specific pattern wins.
 */
export function recognise(input: string): Entity[] {
  const text = input.toWellFormed();
  const found: Found[] = [];
  const taken: [number, number][] = [];
  const free = (start: number, end: number) => taken.every(([a, b]) => end <= a || start >= b);
  const add = (type: EntityType, start: number, end: number, normalized: string) => {
    if (!free(start, end)) return;
    taken.push([start, end]);
    found.push({ type, value: text.slice(start, end), start, end, normalized });
  };

  // An address needs an '@': most messages have none, and the pattern is costly to try at every letter.
  if (text.includes('@'))
    for (const m of text.matchAll(EMAIL)) add('email', m.index, m.index + m[0].length, m[0].toLowerCase());
  // Every other pattern needs a digit (\d is ASCII here, as in the patterns): most messages have none.
  if (!HAS_DIGIT.test(text)) return found;
  for (const m of text.matchAll(TICKET))
    add('ticket_code', m.index, m.index + m[0].length, `PA-${m[1]}-${m[2]}`);
  for (const m of text.matchAll(BHYT))
    add('bhyt', m.index, m.index + m[0].length, m[1].toUpperCase() + digitsOf(m[2]));
  for (const m of text.matchAll(DIGITS)) {
    const type = digitType(m[1]);
    if (type) add(type, m.index, m.index + m[1].length, normalizedDigits(type, m[1]));
  }
  for (const m of text.matchAll(DATE_WORDS)) {
    const iso = isoDate(Number(m[1]), Number(m[2]), m[3] ? Number(m[3]) : undefined);
    if (iso) add('date', m.index, m.index + m[0].length, iso);
  }
  for (const m of text.matchAll(DATE)) {
    const year = m[3] ? (m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3])) : undefined;
    const iso = isoDate(Number(m[1]), Number(m[2]), year);
    if (iso) add('date', m.index, m.index + m[0].length, iso);
  }
  return found.sort((a, b) => a.start - b.start);
}

const REDACTED: Partial<Record<EntityType, string>> = {
  phone: '[phone]',
  cccd: '[cccd]',
  cmnd: '[cmnd]',
  bhyt: '[bhyt]',
  social_insurance: '[social_insurance]',
  email: '[email]',
};

// Any other run of 9+ digits is still someone's number until proven otherwise.
const LEFTOVER_DIGITS = /(?<![\p{L}\p{N}])\+?\d(?:[\s.-]?\d){8,}(?![\p{L}\p{N}])/gu;

/** Replaces every sensitive number and e-mail with its typed placeholder; codes and dates stay. */
export function redact(input: string): string {
  const text = input.toWellFormed();
  if (!text.includes('@') && !HAS_DIGIT.test(text)) return text;
  const leftovers = (segment: string) =>
    segment.replace(LEFTOVER_DIGITS, (run) => {
      const digits = digitsOf(run).length;
      return digits === 12 ? '[cccd]' : digits === 13 ? '[bhyt]' : digits === 9 ? '[cmnd]' : '[phone]';
    });
  let out = '';
  let last = 0;
  for (const entity of recognise(text)) {
    out += leftovers(text.slice(last, entity.start)) + (REDACTED[entity.type] ?? entity.value);
    last = entity.end;
  }
  return out + leftovers(text.slice(last));
}
