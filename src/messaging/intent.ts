import type { ChannelName, InboundKind } from './inbound-event';
import type { Language } from './language';
import type { FlowState, Reply } from './reply';
import type { Understanding } from './understanding';

/** The unit as intents see it: values already in the conversation's language; null = not filled in yet. */
export interface UnitView {
  id: string;
  name: string;
  governingBody: string;
  address: string | null;
  workingHours: string | null;
  visitingHours: string | null;
  website: string | null;
  bookingInfo: string | null;
  hotlines: { label: string; phone: string }[];
  switchboard: string | null;
  emergencyPhone: string | null;
  departments: { name: string; location: string | null; phone: string | null }[];
  kind: 'department' | 'hospital' | 'health_centre' | 'college';
  departmentHotline: { label: string; phone: string } | null;
  feedbackChannels: { label: string; url: string }[];
  emergencyInfo: string | null;
  retention: string | null;
  privacyPolicyUrl: string | null;
  /** Whether staff are at work now (office hours, weekends, public holidays). */
  staffAvailable: boolean;
  /** False while the unit has not filled in its office hours: then staffAvailable means nothing. */
  staffHoursKnown: boolean;
  /** When staff are next at work, already formatted for the conversation's language. */
  staffBackAt: string | null;
}

export interface ConversationView {
  id: string;
  channel: ChannelName;
  language: Language;
  consent: 'unknown' | 'granted' | 'denied';
  flow: FlowState | null;
  lastIntent: string | null;
  lastTopic: string | null;
  /** Fallbacks in a row just before this turn. */
  missCount: number;
  /** Minutes since the conversation's previous turn; null on its first. */
  minutesSinceLastTurn: number | null;
  isFirstTurn: boolean;
  /**
   * The news subscription (null: never subscribed). Read only for turns that need it (the
   * subscription intent); undefined otherwise, so that other turns cost no extra query.
   */
  subscription?: SubscriptionView | null;
}

export interface SubscriptionView {
  status: 'subscribed' | 'unsubscribed';
  /** The topics chosen; empty means every topic. */
  topics: string[];
}

export interface TurnInput {
  kind: InboundKind;
  text?: string;
  /** A postback / quick-reply payload, e.g. "vneid:forgot_password" or "MENU". */
  payload?: string;
  understanding?: Understanding;
}

export interface TurnContext {
  /**
   * Opaque and the same every time this turn runs (a retry, a re-run after a conflict): the key for
   * an effect that must happen once per turn, such as filing a complaint ticket.
   */
  turnId: string;
  unit: UnitView;
  conversation: ConversationView;
  input: TurnInput;
  /** The topic the router settled on (from a payload, the classifier, or the conversation's context). */
  topic?: string;
  /** A payload's argument ("complaint:status:PA-2026-000123") or a recognised ticket code. */
  arg?: string;
  now: Date;
}

/** An intent module's handler. It knows no channel, no HTTP, no database schema, no i18next. */
export interface Intent {
  /** The intent label it answers (the classifier's label, or a core name such as "privacy"). */
  readonly name: string;
  handle(ctx: TurnContext): Promise<Reply> | Reply;
}

export const INTENTS = Symbol('INTENTS');
