import { answerWords, fold } from './fold';

/** Question words anywhere in a short message, folded (no diacritics). */
const QUESTION_WORDS =
  /\b(?:sao|nao|bao nhieu|bao gio|bao lau|o dau|may gio|the nao|how|what|where|when|which|why|can i|could i|do i|is there|are there|does|is it)\b/;
/** Question particles that end a Vietnamese question: "… được không", "… chưa", "… gì". */
const QUESTION_END = new Set([
  'khong',
  'ko',
  'k',
  'hong',
  'hok',
  'chua',
  'gi',
  'ai',
  'dau',
  'nhi',
  'vay',
  'the',
]);

/** "I don't remember / know / I'm not sure" in front of a question word. */
const DONT_KNOW =
  /^(?:(?:da|em|toi|minh|tui|cung) )*(?:khong|ko|k|hong|hok|chua|cha) (?:nho|biet|ro|chac)\b|^(?:i (?:don t|dont|do not|can t|cant|cannot) (?:know|remember|recall)|not sure|no idea)\b/;

/** Whether a message is worded as a question ("…?", a question word, a final "không"/"chưa"). */
export function looksLikeQuestion(text: string): boolean {
  // "không nhớ khoa nào", "I don't remember which ward": an answer to the form, not a question.
  if (DONT_KNOW.test(fold(text))) return false;
  if (/[?？]\s*$/.test(text.trim())) return true;
  if (QUESTION_WORDS.test(fold(text))) return true;
  const words = answerWords(text);
  if (words.length < 2 || !QUESTION_END.has(words[words.length - 1])) return false;
  // "hông" (không) ends a question; "họng" (the throat) folds to the same letters and does not.
  const last = text
    .trim()
    .toLowerCase()
    .normalize('NFC')
    .split(/[^\p{L}]+/u)
    .filter(Boolean)
    .pop();
  return words[words.length - 1] !== 'hong' || last === 'hông' || last === 'hong';
}
