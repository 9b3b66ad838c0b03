/**
 * Text folded for matching against word lists: lower case, no diacritics (đ → d), words separated by
 * single spaces, punctuation and emoji dropped. "Dạ, KHÔNG cần ạ!!" → "da khong can a".
 */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
