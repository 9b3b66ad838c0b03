import type { Language } from './language';

export type EntityType =
  'phone' | 'cccd' | 'cmnd' | 'bhyt' | 'social_insurance' | 'email' | 'ticket_code' | 'date';

export interface Entity {
  type: EntityType;
  /** The text as found in the message. */
  value: string;
  start: number;
  end: number;
  /** Canonical form: digits only for numbers, upper case for codes, ISO yyyy-mm-dd for dates. */
  normalized: string;
}

export interface IntentScore {
  intent: string;
  topic?: string;
  score: number;
}

/** What nlu made of one message. */
export interface Understanding {
  language: Language;
  /** Whether the message itself showed its language (words that count), not only the context. */
  languageSure?: boolean;
  intent: string;
  topic?: string;
  confidence: number;
  /** Best guesses first; used for clarifying questions and context. */
  ranking: IntentScore[];
  entities: Entity[];
  /** 'answer' when confident, 'clarify' when the top guesses are close or weak, 'fallback' otherwise. */
  decision: 'answer' | 'clarify' | 'fallback';
  /** True when the danger-sign safety net fired, whatever the classifier said. */
  emergency: boolean;
  /** Set when the message was read as a follow-up of the conversation's topic (the second pass). */
  followUp?: 'phrase' | 'elliptical';
}

/**
 * Intents whose topic a conversation can be on: a follow-up continues them. The others (danger,
 * thanks, a person, a language switch, out of scope) are never continued.
 */
export const CONTENT_INTENTS: ReadonlySet<string> = new Set([
  'vneid',
  'public_services',
  'health_insurance',
  'complaint',
  'unit_info',
]);
