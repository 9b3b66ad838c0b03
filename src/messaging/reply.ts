import type { Language } from './language';
import type { PlanItem } from './plan-item';

/** How a turn ended, as counted in the reports. */
export type Outcome = 'answered' | 'clarified' | 'fallback' | 'handoff' | 'ticket' | 'emergency';

/** A text to render: an i18n key "namespace:path" and its parameters. Text itself lives in locales/. */
export interface Text {
  key: string;
  params?: Record<string, string | number>;
}

export interface ReplyQuickReply {
  title: Text;
  payload: string;
}

export interface ReplyButton {
  title: Text;
  url?: string;
  payload?: string;
  phone?: string;
}

export interface ReplyMessage {
  /** Paragraphs, rendered and joined with a blank line. */
  text: Text[];
  quickReplies?: ReplyQuickReply[];
  buttons?: ReplyButton[];
}

/** A multi-step exchange owned by one intent (e.g. the complaint form); kept on the conversation. */
export interface FlowState {
  intent: string;
  step: string;
  data: Record<string, string | number | boolean | null>;
}

/** State changes an intent asks the engine to make; intents never touch the conversation row. */
export type ConversationEffect =
  | { type: 'set_language'; language: Language }
  | { type: 'consent'; granted: boolean }
  | { type: 'handoff_start'; reason: string }
  /** The citizen takes the conversation back from staff: the bot answers again. */
  | { type: 'handoff_end' }
  | { type: 'satisfaction'; value: 'up' | 'down' }
  | { type: 'data_deletion_request' }
  | { type: 'callback_request'; contact: string | null }
  /** Opt in to the unit's news (merged with topics already chosen); [] means every topic. */
  | { type: 'subscribe'; topics: string[]; source: 'message' | 'quick_reply' }
  | { type: 'unsubscribe' };

export interface Reply {
  messages: ReplyMessage[];
  outcome: Outcome;
  /** The topic actually answered (may differ from the classifier's guess, e.g. after a payload). */
  topic?: string;
  planItems: PlanItem[];
  /** Set to continue a flow on the next turn; null ends the current one; undefined leaves it alone. */
  flow?: FlowState | null;
  effects?: ConversationEffect[];
  /** A served answer may be followed by the satisfaction question (the engine applies the limits). */
  served?: boolean;
}
