import type { Language } from './language';
import type { OutboundMessage } from './outbound-message';

/** What one processed inbound event produced (the web chat returns it in its HTTP answer). */
export interface TurnResult {
  inboxEventId: number;
  replies: OutboundMessage[];
  intent: string;
  topic?: string;
  language: Language;
}
