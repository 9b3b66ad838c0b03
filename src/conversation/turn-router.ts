import type { ConversationView, TurnInput } from '../messaging/intent';
import { looksLikeQuestion } from '../common/question';
import { CONTENT_INTENTS } from '../messaging/understanding';
import type { FlowState } from '../messaging/reply';
import { parseSubscriptionPayload } from '../messaging/subscription-payloads';
import {
  acknowledgementOf,
  asksForSomeone,
  asksToStopNews,
  emergencyFollowUpWording,
  NARRATIVE_WORDS,
  wordCount,
} from './flow-signals';

export type RouteVia =
  | 'safety'
  | 'kind'
  | 'payload'
  | 'flow'
  | 'aside'
  | 'emergency_context'
  | 'ack'
  | 'wording'
  | 'entity'
  | 'classifier'
  | 'context';

/** The classifier's certainty that makes an out-of-scope question in a form a side question. */
const OUT_OF_SCOPE_ASIDE = 0.9;

/** The classifier's certainty that makes a request for a person in a form leave the form. */
const PERSON_IN_FLOW = 0.7;

/** Right after an emergency, only an answer this sure on another subject leaves it. */
const LEAVES_EMERGENCY = 0.8;

/**
 * How long a conversation stays on what it was about: after an emergency reply, that emergency; after a
 * content answer, the topic a follow-up continues.
 */
export const CONTEXT_MINUTES = 30;

export interface Route {
  intent: string;
  topic?: string;
  arg?: string;
  via: RouteVia;
}

const SUBSCRIPTION = 'subscription';

/** Core payloads of intents/README.md and where they go. */
const CORE_PAYLOADS: Record<string, { intent: string; topic: string }> = {
  GET_STARTED: { intent: 'privacy', topic: 'welcome' },
  MENU: { intent: 'greeting', topic: 'menu' },
  CONSENT_YES: { intent: 'privacy', topic: 'consent_yes' },
  CONSENT_NO: { intent: 'privacy', topic: 'consent_no' },
  PRIVACY: { intent: 'privacy', topic: 'notice' },
  LANG_VI: { intent: 'language', topic: 'to_vi' },
  LANG_EN: { intent: 'language', topic: 'to_en' },
  HUMAN: { intent: 'human', topic: 'request' },
  SAT_UP: { intent: 'satisfaction', topic: 'up' },
  SAT_DOWN: { intent: 'satisfaction', topic: 'down' },
};

const TOPIC_PAYLOAD = /^([a-z_]{2,32}):([a-z0-9_]{1,48})(?::([\w.-]{1,64}))?$/;

/** A payload to a route, or null when it means nothing to us (then the text is classified). */
export function parsePayload(payload: string, knownIntents: Set<string>): Route | null {
  const core = CORE_PAYLOADS[payload.trim().toUpperCase()];
  if (core) return { ...core, via: 'payload' };
  const news = knownIntents.has(SUBSCRIPTION) ? parseSubscriptionPayload(payload) : null;
  if (news?.action === 'unsubscribe') return { intent: SUBSCRIPTION, topic: 'unsubscribe', via: 'payload' };
  if (news) return { intent: SUBSCRIPTION, topic: 'subscribe', arg: news.topic, via: 'payload' };
  const match = TOPIC_PAYLOAD.exec(payload.trim());
  if (match && knownIntents.has(match[1]))
    return { intent: match[1], topic: match[2], arg: match[3], via: 'payload' };
  return null;
}

/**
 * Decides who answers, in the order of architecture.md: safety net first, then the active flow,
 * then payloads, then the classifier (with the conversation's context for weak guesses).
 */
export function route(input: TurnInput, conversation: ConversationView, knownIntents: Set<string>): Route {
  const understanding = input.understanding;
  if (understanding?.emergency) {
    // "the ambulance is not here yet" right after our 115 reply: the follow-up, not the same reply again.
    const following =
      inEmergencyContext(input, conversation) && emergencyFollowUpWording(input.text ?? '') === 'strong';
    return { intent: 'emergency', topic: following ? 'follow_up' : 'urgent', via: 'safety' };
  }
  if (input.kind === 'follow') return { intent: 'privacy', topic: 'welcome', via: 'kind' };
  if (input.kind === 'attachment') return { intent: 'fallback', topic: 'attachment', via: 'kind' };

  const fromPayload = input.payload ? parsePayload(input.payload, knownIntents) : null;
  if (fromPayload) return fromPayload;

  if (knownIntents.has('emergency') && inEmergencyContext(input, conversation))
    return { intent: 'emergency', topic: 'follow_up', via: 'emergency_context' };

  if (conversation.flow && knownIntents.has(conversation.flow.intent)) {
    // A question on another subject is answered; the engine then offers the form again.
    if (understanding && isSideQuestion(input, conversation.flow))
      return { intent: understanding.intent, topic: understanding.topic, via: 'aside' };
    // "can I just talk to someone about this?": a person takes over from the form.
    if (
      understanding?.intent === 'human' &&
      understanding.decision === 'answer' &&
      understanding.confidence >= PERSON_IN_FLOW &&
      // "Nhân viên tiếp đón nói chuyện cộc lốc" names staff but asks for no one: a form answer.
      !!input.text &&
      asksForSomeone(input.text) &&
      conversation.flow.intent !== 'human' &&
      knownIntents.has('human')
    )
      return { intent: 'human', topic: understanding.topic ?? 'request', via: 'classifier' };
    return { intent: conversation.flow.intent, topic: conversation.flow.step, via: 'flow' };
  }

  if (!understanding) return { intent: 'greeting', topic: 'menu', via: 'kind' };

  // A bare "STOP" / "dừng" outside a form is the opt-out of bulk messaging, whatever it resembles.
  if (input.text && knownIntents.has(SUBSCRIPTION) && asksToStopNews(input.text))
    return { intent: SUBSCRIPTION, topic: 'unsubscribe', via: 'wording' };

  // "ok", "đồng ý", "cảm ơn" after a form ended (or any answer) is not a new request.
  const ack = input.text ? acknowledgementOf(input.text) : null;
  if (ack && knownIntents.has('greeting')) {
    const topic = understanding.intent === 'greeting' && understanding.topic ? understanding.topic : ack;
    return { intent: 'greeting', topic, via: 'ack' };
  }

  const ticket = understanding.entities.find((e) => e.type === 'ticket_code');
  if (ticket && knownIntents.has('complaint')) {
    return { intent: 'complaint', topic: 'status', arg: ticket.normalized, via: 'entity' };
  }

  if (understanding.decision === 'answer' && knownIntents.has(understanding.intent)) {
    const via = understanding.followUp ? 'context' : 'classifier';
    return { intent: understanding.intent, topic: understanding.topic, via };
  }

  // A weak guess that matches what we were just talking about is a follow-up, not a new subject.
  const last = conversation.lastIntent;
  if (last && CONTENT_INTENTS.has(last) && understanding.intent !== 'fallback') {
    const top = understanding.ranking.slice(0, 2).map((r) => r.intent);
    if (top.includes(last)) {
      const sameTopic = understanding.ranking.find((r) => r.intent === last)?.topic;
      return { intent: last, topic: sameTopic ?? conversation.lastTopic ?? undefined, via: 'context' };
    }
  }

  if (understanding.decision === 'clarify')
    return { intent: 'fallback', topic: 'clarify', via: 'classifier' };
  return { intent: 'fallback', topic: understanding.topic ?? 'out_of_scope', via: 'classifier' };
}

/**
 * Right after an emergency reply, "the ambulance is not here yet", "115 does not answer", "what now?"
 * are about that emergency: 115 again, not the complaint form or the fallback.
 */
function inEmergencyContext(input: TurnInput, conversation: ConversationView): boolean {
  const minutes = conversation.minutesSinceLastTurn;
  if (conversation.lastIntent !== 'emergency' || minutes === null || minutes > CONTEXT_MINUTES) return false;
  if (input.kind !== 'text' || !input.text) return false;
  const u = input.understanding;
  const wording = emergencyFollowUpWording(input.text);
  if (wording === 'all_clear') return false;
  if (wording === 'strong') return true;
  const unsure = !u || u.decision !== 'answer' || !CONTENT_INTENTS.has(u.intent);
  if (wording === 'weak')
    return u?.intent !== 'greeting' && (unsure || (u?.confidence ?? 0) < LEAVES_EMERGENCY);
  // Anything we cannot place surely ("đang vỗ lưng mà chưa ra") is about the emergency: 115 again
  // costs little, a fallback menu or an unrelated answer in the middle of an emergency costs a lot.
  if (!u) return false;
  if (u.decision !== 'answer') return true;
  return CONTENT_INTENTS.has(u.intent) && u.confidence < LEAVES_EMERGENCY;
}

/**
 * In the middle of a flow, a message the classifier confidently puts in another content intent and
 * that is worded as a question is a question on another subject; a long account of what happened is
 * an answer to the form even when it names BHYT or VNeID, and so is a phone number or e-mail.
 */
function isSideQuestion(input: TurnInput, flow: FlowState): boolean {
  const u = input.understanding;
  if (!u || input.kind !== 'text' || !input.text) return false;
  // Out of scope counts when the classifier is sure of it ("mai trời có mưa không?").
  const outOfScope =
    u.intent === 'fallback' && u.decision === 'fallback' && u.confidence >= OUT_OF_SCOPE_ASIDE;
  const onTopic = u.decision === 'answer' && u.intent !== flow.intent && CONTENT_INTENTS.has(u.intent);
  if (!onTopic && !outOfScope) return false;
  if (u.entities.some((e) => e.type === 'phone' || e.type === 'email')) return false;
  if (wordCount(input.text) > NARRATIVE_WORDS) return false;
  return looksLikeQuestion(input.text);
}
