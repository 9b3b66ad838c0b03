import { answerWords, fold } from '../common/fold';
import { looksLikeQuestion } from '../common/question';
import { yesNo } from '../common/yes-no';

/**
 * Pure readings of a message's wording that the router needs around flows and emergencies; what the
 * classifier made of the message is weighed in turn-router.ts, not here.
 */

/** Longer than this, a message in the middle of a form tells what happened: it is a form answer. */
export const NARRATIVE_WORDS = 20;

export function wordCount(text: string): number {
  const folded = fold(text);
  return folded ? folded.split(' ').length : 0;
}

/** Words that, right after an emergency reply, can only be about that emergency (115, the ambulance). */
const EMERGENCY_STRONG =
  /\b(?:115|cap cuu|cuu thuong|ambulance|paramedics?|xe (?:\w+ )?chua (?:toi|den|thay|co|ve)|chua thay (?:xe|ai)|(?:hasn t|hasnt|isn t|isnt|not) (?:here|arrived|come|coming)|still waiting|no one (?:is )?(?:answering|answers|came|coming)|khong ai (?:nghe|bat) may|goi khong (?:duoc|dc|ai nghe)|cuu (?:voi|em|toi|minh|con|me|bo|ba)|help (?:me|us|please)|please help)\b/;
/** "What do I do now?": about the emergency only when the classifier does not hear another subject. */
const EMERGENCY_WEAK =
  /\b(?:lam sao|lam gi|the nao|phai lam|gio sao|sao bay gio|roi sao|what (?:do|should|can|shall) (?:i|we) do|what now|now what|what next|help)\b/;

/** "The ambulance arrived, thank you", "xe tới rồi": the emergency is in hands, unless negated. */
const ALL_CLEAR = /\b(?:arrived|is here|are here|got here|da toi|da den|toi roi|den roi|toi noi roi)\b/;
const NEGATED = /\b(?:chua|khong|ko|hong|not|hasn t|hasnt|haven t|havent|isn t|no)\b/;

/** How the wording of a message reads right after an emergency reply. */
export function emergencyFollowUpWording(text: string): 'strong' | 'weak' | 'all_clear' | null {
  const folded = fold(text);
  if (ALL_CLEAR.test(folded) && !NEGATED.test(folded)) return 'all_clear';
  if (EMERGENCY_STRONG.test(folded)) return 'strong';
  if (EMERGENCY_WEAK.test(folded)) return 'weak';
  return null;
}

const THANKS =
  /^(?:(?:da|vang|ok|oke|okay) )?(?:cam on|camon|cmon|thanks?|thank you|thank u|tks|thx|ty|many thanks)(?: (?:nhieu|nhe|nha|ban|ad|em|chi|anh|so much|a lot|a|nhieu a))*$/;

/** A bare acknowledgement or thanks ("ok", "đồng ý", "dạ", "cảm ơn ạ"): never a new request. */
export function acknowledgementOf(text: string): 'ack' | 'thanks' | null {
  if (yesNo(text) === 'yes') return 'ack';
  return THANKS.test(fold(text)) ? 'thanks' : null;
}

/** Asking for a person ("cho tôi gặp…", "can I talk to…"), as opposed to telling about staff. */
const ASKS_FOR_SOMEONE =
  /\b(?:gap|noi chuyen voi|lien he voi|chuyen (?:cho|sang)|ket noi|talk to|speak to|speak with|talk with|connect me|put me through|transfer me)\b/;

export function asksForSomeone(text: string): boolean {
  return ASKS_FOR_SOMEONE.test(fold(text)) || looksLikeQuestion(text);
}

/**
 * A whole message that only says "stop the messages" ("STOP", "dừng", "hủy nhận tin", "unsubscribe"):
 * the usual opt-out words of bulk messaging. "stop" inside a longer sentence ("dừng thuốc được không",
 * "how do I stop the OTP") is not one; the classifier reads those.
 */
const STOP_NEWS =
  /^(?:(?:xin|cho|em|toi|minh|vui long|please) )?(?:stop(?: (?:it|sending|messages?|news|updates|the news|the updates|subscription))?|unsubscribe(?: me)?|opt out|dung(?: lai| nhan tin| gui tin| gui)?|ngung(?: nhan tin| gui tin| gui)?|huy(?: dang ky| dk| dki| nhan tin| nhan ban tin| theo doi ban tin)|(?:khong|ko|k) (?:nhan tin|nhan ban tin|muon nhan tin)(?: nua)?)$/;

export function asksToStopNews(text: string): boolean {
  const words = answerWords(text);
  if (!words.length || words.length > 7) return false;
  return STOP_NEWS.test(words.join(' '));
}
