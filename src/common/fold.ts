/** Diacritics off, đ → d: "Hòa" → "Hoa". Case and everything else kept. */
export function stripDiacritics(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

/**
 * Text folded for matching against word lists: lower case, no diacritics (đ → d), words separated by
 * single spaces, punctuation and emoji dropped. "Dạ, KHÔNG cần ạ!!" → "da khong can a".
 */
export function fold(text: string): string {
  return stripDiacritics(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Politeness and filler words that change nothing in a short answer ("ok ạ", "không cần đâu ad"). */
const FILLER = new Set([
  'a',
  'ad',
  'ak',
  'ah',
  'nhe',
  'nha',
  'nhen',
  'nhi',
  'oi',
  'em',
  'e',
  'ban',
  'shop',
  'roi',
  'r',
  'dau',
  'nua',
  'luon',
  'lun',
  'thanks',
  'thank',
  'please',
  'pls',
]);

/** The folded words of a short answer without its politeness: "Dạ vâng ạ" → ["vang"]. */
export function answerWords(text: string): string[] {
  const words = fold(text).split(' ').filter(Boolean);
  while (words.length > 1 && FILLER.has(words[words.length - 1])) words.pop();
  // "dạ" / "vâng" in front are politeness when something follows: "dạ không" is a no.
  while (words.length > 1 && (words[0] === 'da' || words[0] === 'vang' || words[0] === 'thi')) words.shift();
  return words;
}
