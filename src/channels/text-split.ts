/**
 * Splits a text into parts of at most `max` characters (Unicode code points), at paragraph or
 * sentence boundaries where possible, then at spaces, and only as a last resort inside a word.
 */
export function splitText(text: string, max: number, lastMax: number = max): string[] {
  const nfc = text.normalize('NFC');
  // No more UTF-16 units than the limit means no more code points either: nearly every answer.
  if (nfc.length <= lastMax) return [nfc];
  const chars = [...nfc];
  if (chars.length <= lastMax) return [nfc];
  const parts: string[] = [];
  let rest = chars;
  while (rest.length > lastMax) {
    const limit = Math.min(max, rest.length - 1);
    const window = rest.slice(0, limit + 1).join('');
    const cut = bestCut(window, limit);
    parts.push(rest.slice(0, cut).join('').trimEnd());
    rest = rest.slice(cut);
    while (rest.length && /\s/.test(rest[0])) rest = rest.slice(1);
  }
  if (rest.length) parts.push(rest.join(''));
  return parts.filter((p) => p.length > 0);
}

function bestCut(window: string, limit: number): number {
  const chars = [...window];
  const prefix = (n: number) => chars.slice(0, n).join('');
  for (const pattern of [/\n\n/g, /\n/g, /[.!?…](?=\s)/g, /[,;:](?=\s)/g, /\s/g]) {
    let best = -1;
    for (const m of prefix(limit).matchAll(pattern)) best = m.index + m[0].length;
    // Never cut so early that parts become tiny.
    if (best > limit / 3) return [...prefix(limit).slice(0, best)].length;
  }
  return limit;
}

export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}

/** A Vietnamese number in E.164 (+84…), or null for short codes such as 115. */
export function toE164(phone: string): string | null {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 9) return null;
  if (phone.trim().startsWith('+')) return `+${digits}`;
  if (digits.startsWith('84') && digits.length >= 11) return `+${digits}`;
  if (digits.startsWith('0')) return `+84${digits.slice(1)}`;
  return null;
}
