import { answerWords } from './fold';

/** Whole answers, folded (no diacritics, đ → d), after politeness is taken off. */
const YES = new Set([
  'co',
  'co chu',
  'co muon',
  'muon',
  'u',
  'uk',
  'uh',
  'um',
  'uhm',
  'ukm',
  'ung',
  'vang',
  'da',
  'da co',
  'duoc',
  'dc',
  'dk',
  'duoc chu',
  'ok',
  'oke',
  'okay',
  'okie',
  'oki',
  'okela',
  'oce',
  'dong y',
  'dung',
  'dung vay',
  'chac chan',
  'yes',
  'yeah',
  'yea',
  'ya',
  'yep',
  'yup',
  'sure',
  'of course',
  'ok sure',
  'yes please',
  'alright',
  'all right',
  'fine',
]);

const NO = new Set([
  'khong',
  'ko',
  'k',
  'kg',
  'kh',
  'hong',
  'hok',
  'hk',
  'khum',
  'hem',
  'khong co',
  'ko co',
  'k co',
  'khong can',
  'ko can',
  'k can',
  'kcan',
  'khong can thiet',
  'khong muon',
  'ko muon',
  'k muon',
  'khong duoc',
  'ko dc',
  'khong de lai',
  'ko de lai',
  'thoi',
  'thoi khong',
  'thoi khoi',
  'khoi',
  'no',
  'nope',
  'nah',
  'no thanks',
  'no thank you',
  'not really',
  'not needed',
  'no need',
]);

/**
 * A plain yes or no to a yes/no question, in words: Vietnamese with or without diacritics, teencode,
 * English ("có", "dạ được", "uk", "đồng ý", "sure" / "không cần", "ko", "thôi", "nope"). Null when the
 * message is anything else; a sentence that merely contains "có" or "không" is not an answer.
 */
export function yesNo(text: string): 'yes' | 'no' | null {
  const phrase = answerWords(text).join(' ');
  if (YES.has(phrase)) return 'yes';
  if (NO.has(phrase)) return 'no';
  return null;
}
