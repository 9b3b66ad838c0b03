import { CONTENT_INTENTS, type IntentScore } from '../messaging/understanding';
import { withoutTokens, type Normalized } from './normalizer';

/**
 * Who a message is about (kin, pronouns, age): "and for my child?", "mẹ tôi 70 tuổi". These words
 * say nothing about the topic or the danger — the emergency examples are full of mothers and babies,
 * so without this a bare "and my wife?" looks like an emergency. Diacritic-free forms.
 */
export const PERSON_WORDS = new Set([
  // Vietnamese
  'toi',
  'minh',
  'tui',
  'me',
  'ma',
  'ba',
  'bo',
  'cha',
  'con',
  'vo',
  'chong',
  'ong',
  'chau',
  'em',
  'anh',
  'chi',
  'co',
  'chu',
  'bac',
  'di',
  'cau',
  'mo',
  'be',
  'nguoi',
  'nha',
  'ny',
  'ban',
  'no',
  'tuoi',
  'thang',
  // English
  'my',
  'our',
  'his',
  'her',
  'their',
  'he',
  'she',
  'him',
  'mother',
  'mom',
  'mum',
  'father',
  'dad',
  'son',
  'daughter',
  'wife',
  'husband',
  'baby',
  'child',
  'children',
  'kid',
  'kids',
  'grandma',
  'grandpa',
  'grandmother',
  'grandfather',
  'brother',
  'sister',
  'friend',
  'neighbour',
  'neighbor',
  'uncle',
  'aunt',
  'parents',
  'parent',
  'elderly',
  'old',
  'years',
  'year',
  'months',
  'man',
  'woman',
  'boy',
  'girl',
  'person',
]);

/**
 * Where a procedure is done (the VNeID app, the portal, online): in a conversation about a procedure
 * they say how, not what — "will the result show up in VNeID?" after a health check is about the check.
 * In a conversation about VNeID itself they are the topic.
 */
const CHANNEL_WORDS = new Set(['vneid', 'dichvucong', 'dvc', 'app', 'online', 'web', 'website', 'portal']);
export const CHANNEL_TOPIC = 'vneid';

/** The message without its channel words, or null when it has none (or nothing else). */
export function withoutChannelWords(n: Normalized): Normalized | null {
  if (!n.stripped.some((t) => CHANNEL_WORDS.has(t))) return null;
  const masked = withoutTokens(n, (t) => CHANNEL_WORDS.has(t));
  return topicalWords(masked).length ? masked : null;
}

/** Particles and fillers that carry no topic: "thì sao ạ", "vậy ad", "please". */
const FILLERS = new Set([
  'a',
  'ad',
  'admin',
  'oi',
  'nha',
  'nhe',
  'vay',
  'z',
  'v',
  'ha',
  'the',
  'thi',
  'sao',
  'nao',
  'con',
  'neu',
  'cho',
  'voi',
  'la',
  'and',
  'what',
  'about',
  'how',
  'for',
  'if',
  'also',
  'then',
  'too',
  'is',
  'it',
  'an',
  'of',
  'to',
  'do',
  'please',
  'khong',
  'ko',
  'k',
  'hong',
  'chua',
  'roi',
  'r',
  'duoc',
  'dc',
  'gi',
  'j',
  'ma',
  'hay',
  // English function words: "can I still get it after I've been discharged?" has two words of its own
  'i',
  'me',
  'we',
  'us',
  'you',
  'can',
  'could',
  'would',
  'will',
  'should',
  'get',
  'still',
  'be',
  'been',
  've',
  'll',
  's',
  't',
  'there',
  'this',
  'that',
  'does',
  'did',
  'am',
  'are',
  'was',
  'were',
  'have',
  'has',
  'any',
  'some',
  'just',
  'on',
  'in',
  'at',
  'after',
  'before',
]);

// "còn con tôi thì sao?", "thế còn …", "vậy … thì sao ạ", "and for …?", "what about …?", "for a child?"
const START =
  /^(con|the con|vay con|vay|the|con neu|neu|the neu|what about|how about|and|and if|what if|also|for|same for)\b/;
const END = /\b(thi sao|the nao|thi the nao|thi|duoc khong|duoc ko|nua|nua khong|too|as well)$/;
const TRAILING = /(\s+(a|ad|admin|oi|nha|nhe|vay|z|v|ha|khong|ko|k))+$/;

export interface TopicContext {
  /** The conversation's current topic: a content intent answered recently. */
  intent: string;
  topic?: string | null;
}

export interface FollowUp {
  intent: string;
  topic?: string;
  /** Why it was read as a follow-up: a follow-up phrase, or a short message with no topic of its own. */
  reason: 'phrase' | 'elliptical';
}

/** A follow-up phrase at the start or end of a short message. */
function hasFollowUpPhrase(n: Normalized): boolean {
  const joined = n.stripped
    .filter((t) => !t.startsWith('_'))
    .join(' ')
    .replace(TRAILING, '');
  return START.test(joined) || END.test(joined);
}

/** The words of a message that could say what it is about (not who, not fillers, not masks). */
export function topicalWords(n: Normalized): string[] {
  return n.stripped.filter((t) => !t.startsWith('_') && !PERSON_WORDS.has(t) && !FILLERS.has(t));
}

/** The classifier's probability that makes another content intent's anchor word count. */
const ANCHOR_EVIDENCE = 0.3;
/** Another subject read this surely from the message alone is a change of subject. */
const SELF_CONTAINED = 0.8;
/** Out of scope read this surely, with an out-of-scope anchor word and no follow-up phrase. */
const OUT_OF_SCOPE_SURE = 0.9;

/** The longest message that can lean on the previous one: more words than this say their own topic. */
const MAX_WORDS = 8;

/**
 * The context-aware second pass: a short message with no evidence of a topic of its own continues
 * the conversation's topic. Evidence of another topic is an anchor word of another intent (a word the
 * training examples tie to one intent: "thuốc", "VNeID", "cảm ơn", "xỉu"), or a confident greeting,
 * request for a person or language switch. The topic changes only on such evidence.
 */
export function followUpOf(
  n: Normalized,
  ranking: IntentScore[],
  anchors: Set<string>,
  context: TopicContext,
  /** The ranking that weighs anchor words (the whole message's, when `n` had channel words taken out). */
  evidence: IntentScore[] = ranking,
): FollowUp | null {
  const words = topicalWords(n);
  const phrase = hasFollowUpPhrase(n);
  if (words.length > MAX_WORDS) return null;
  if (!words.length && !phrase) {
    // A bare number or link next to a word or two of filler ("2026 ạ", "link đây").
    return n.stripped.some((t) => t === '_num_' || t === '_url_')
      ? { intent: context.intent, reason: 'elliptical' }
      : null;
  }
  const top = ranking[0];
  // Thanks, a request for a person, a language switch: confident answers of their own, never continued.
  const ownAnswer =
    top && !CONTENT_INTENTS.has(top.intent) && top.intent !== 'fallback' && top.intent !== 'emergency';
  if (ownAnswer && top.score >= 0.5) return null;
  // A message that reads confidently as another subject on its own is a new subject.
  if (
    !phrase &&
    top &&
    top.intent !== context.intent &&
    CONTENT_INTENTS.has(top.intent) &&
    top.score >= SELF_CONTAINED
  )
    return null;
  for (const intent of anchors) {
    if (intent === context.intent) continue;
    const score = evidence.find((r) => r.intent === intent)?.score ?? 0;
    // Out of scope ("thời tiết", "xổ số") only when the message alone is sure of it: short questions
    // lean to out of scope by themselves ("mất bao lâu"), and a follow-up phrase outweighs that.
    if (intent === 'fallback') {
      if (!phrase && score >= OUT_OF_SCOPE_SURE) return null;
      continue;
    }
    // Another content intent's anchor counts when the classifier gives that intent some weight too;
    // an anchor of danger, thanks, a person or a language switch always does.
    if (!CONTENT_INTENTS.has(intent) || score >= ANCHOR_EVIDENCE) return null;
  }
  return { intent: context.intent, reason: phrase ? 'phrase' : 'elliptical' };
}
