/**
 * A plain yes or no in words, as people answer a flow's question: "có", "ừ", "dạ được", "ok", "yes",
 * "không", "ko", "thôi", "no", "nope", with or without diacritics, with polite particles ("dạ không ạ",
 * "ok nhé", "không, cảm ơn"). Anything longer than a short answer is not a yes/no (null): "không nhận
 * được OTP" is a question, not a no.
 */
export function yesNo(text: string): 'yes' | 'no' | null {
  let tokens = fold(text).split(' ').filter(Boolean);
  tokens = tokens.filter((t) => !FILLERS.has(t));
  for (const phrase of THANKS) tokens = remove(tokens, phrase);
  // "dạ" opens a polite answer either way ("dạ không", "dạ được"); alone it is a yes.
  if (tokens.length > 1 && tokens[0] === 'da') tokens = tokens.slice(1);
  const said = tokens.join(' ');
  if (!said || tokens.length > 4) return null;
  if (NO.has(said)) return 'no';
  if (YES.has(said)) return 'yes';
  return null;
}

const NO = new Set([
  'khong',
  'ko',
  'k',
  'kg',
  'kh',
  'hong',
  'hok',
  'hem',
  'khong a',
  'thoi',
  'thui',
  'khoi',
  'thoi khoi',
  'thoi khong',
  'thoi khong can',
  'thoi ko can',
  'khong can',
  'ko can',
  'k can',
  'khong can dau',
  'khong muon',
  'ko muon',
  'khong dau',
  'khong nhe',
  'no',
  'nope',
  'nah',
  'no need',
  'not now',
  'no thanks',
  'no thank you',
]);

const YES = new Set([
  'co',
  'co chu',
  'u',
  'uh',
  'um',
  'uhm',
  'uk',
  'uki',
  'o',
  'vang',
  'da',
  'da vang',
  'duoc',
  'dc',
  'duoc chu',
  'ok',
  'oke',
  'okay',
  'okie',
  'oki',
  'ok luon',
  'dong y',
  'chac chan',
  'yes',
  'yeah',
  'yep',
  'yup',
  'sure',
  'of course',
  'yes please',
]);

/** Particles and address words that do not change a yes or a no. */
const FILLERS = new Set(['a', 'ah', 'nhe', 'nha', 'nhen', 'ad', 'admin', 'oi', 'ban', 'em', 'please', 'roi']);
const THANKS = [['cam', 'on'], ['thank', 'you'], ['thanks'], ['thank']];

function remove(tokens: string[], phrase: string[]): string[] {
  for (let i = 0; i + phrase.length <= tokens.length; i++) {
    if (phrase.every((w, j) => tokens[i + j] === w))
      return remove([...tokens.slice(0, i), ...tokens.slice(i + phrase.length)], phrase);
  }
  return tokens;
}

function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
