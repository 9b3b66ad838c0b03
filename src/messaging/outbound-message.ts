/** What the conversation engine hands to a channel sender, already rendered in the user's language. */
export interface QuickReply {
  title: string;
  payload: string;
}

export interface Button {
  title: string;
  url?: string;
  payload?: string;
  /** E.164 without "+" or a local number; adapters map it to a call button where the platform has one. */
  phone?: string;
}

export interface OutboundMessage {
  text: string;
  /** A heading, where the platform has one (a Zalo promotion message's header); others ignore it. */
  title?: string;
  /** The text's language, where a platform template names it (a Zalo promotion message). */
  language?: 'vi' | 'en';
  quickReplies?: QuickReply[];
  buttons?: Button[];
}
