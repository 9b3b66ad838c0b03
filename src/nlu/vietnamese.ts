/**
 * Vietnamese orthography helpers: diacritic stripping (with đ), and one canonical tone-mark
 * placement, so that "hoà"/"hòa" and "thuý"/"thúy" become the same token.
 */

const TONES = new Set(['\u0300', '\u0301', '\u0303', '\u0309', '\u0323']);
const VOWELS = 'aăâeêioôơuưy';
const MARKED = new Set(['ă', 'â', 'ê', 'ô', 'ơ', 'ư']);

export { stripDiacritics } from '../common/fold';

export function hasVietnameseMarks(text: string): boolean {
  return /[ăâđêôơưĂÂĐÊÔƠƯ]/.test(text) || /[\u0300-\u0303\u0309\u0323]/.test(text.normalize('NFD'));
}

const isVowel = (ch: string) => VOWELS.includes(ch);

/** Index (in the toneless syllable) of the vowel that carries the tone, "old style" (hòa, thúy). */
function toneIndex(syllable: string): number {
  let start = 0;
  // "qu" and "gi" before a vowel belong to the onset: quả, già.
  if (/^qu[aăâeêioôơuưy]/.test(syllable)) start = 2;
  else if (/^gi[aăâeêoôơuưy]/.test(syllable)) start = 2;
  let first = -1;
  let last = -1;
  for (let i = start; i < syllable.length; i++) {
    if (isVowel(syllable[i])) {
      if (first === -1) first = i;
      last = i;
    } else if (first !== -1) break;
  }
  if (first === -1) {
    // "gi" / "qu" alone as the nucleus (gì, quỳ is handled above): tone on the last vowel.
    for (let i = syllable.length - 1; i >= 0; i--) if (isVowel(syllable[i])) return i;
    return -1;
  }
  const nucleus = syllable.slice(first, last + 1);
  const closed = last < syllable.length - 1;
  // A vowel with its own mark takes the tone (the last one: ươ → ơ).
  for (let i = last; i >= first; i--) if (MARKED.has(syllable[i])) return i;
  if (nucleus.length === 1) return first;
  if (nucleus.length >= 3) return first + 1;
  // Two plain vowels: closed syllable → the second (toán, hoạt); open → the first (hòa, thúy, mái).
  return closed ? last : first;
}

/** Moves the tone mark of every syllable to its canonical vowel. Input and output are NFC. */
export function canonicalTones(text: string): string {
  return text.normalize('NFC').replace(/[\p{L}]+/gu, (word) => {
    const decomposed = word.normalize('NFD');
    let tone = '';
    let bare = '';
    for (const ch of decomposed) {
      if (TONES.has(ch)) tone = ch;
      else bare += ch;
    }
    if (!tone) return word;
    const toneless = bare.normalize('NFC');
    const lower = toneless.toLowerCase();
    const index = toneIndex(lower);
    if (index < 0) return word;
    const chars = [...toneless];
    chars[index] = (chars[index].normalize('NFD') + tone).normalize('NFC');
    return chars.join('');
  });
}
