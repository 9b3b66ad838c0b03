import type { ChannelName } from './inbound-event';
import type { OutboundMessage } from './outbound-message';

export interface SendContext {
  outboxId: number;
  unitId: string;
  recipientId: string;
  /** When the citizen last wrote (opens the platform's reply window); null if unknown. */
  userMessageAt: Date | null;
  origin: MessageOrigin;
  /** Order of the message within its turn (0 = first: the moment for a typing indicator). */
  position: number;
  /** Platform messages of this reply already delivered by an earlier attempt: resume after them. */
  partsSent: number;
}

/** How a delivery attempt ended; the outbox decides about retries from this alone. */
export type SendResult =
  | { status: 'ok'; platformMessageId?: string; httpStatus?: number }
  | {
      status: 'transient';
      error: string;
      retryAfterMs?: number;
      httpStatus?: number;
      errorCode?: string;
      partsSent?: number;
    }
  | {
      status: 'permanent' | 'window_closed' | 'unreachable';
      error: string;
      httpStatus?: number;
      errorCode?: string;
    };

/**
 * Who wrote a message: the bot answering a turn, staff from the console, a campaign (Zalo: a
 * consultation message inside the window; promo: a Zalo promotion message paid from the OA's
 * quota), a ticket notice. Each platform allows each of them under its own rules.
 */
export type MessageOrigin = 'bot' | 'staff' | 'campaign' | 'promo' | 'notice';

export const MESSAGE_ORIGINS: readonly MessageOrigin[] = ['bot', 'staff', 'campaign', 'promo', 'notice'];

/** One per channel; implemented by the channel adapters, called by the outbox. */
export interface ChannelSender {
  readonly channel: ChannelName;
  /** Sends in flight at once on this channel (the platform's pace); the outbox's default when absent. */
  readonly concurrency?: number;
  send(message: OutboundMessage, context: SendContext): Promise<SendResult>;
}

/** Why a message cannot reach the citizen now: each platform's policy, said in the console. */
export type WindowClosedReason = 'messenger_24h' | 'messenger_7d' | 'zalo_7d' | 'no_account' | 'no_channel';

export type ReplyWindow =
  | { open: true; /** Messenger: sent with the HUMAN_AGENT tag. */ tagged?: boolean }
  | { open: false; reason: WindowClosedReason; error: string };

export type WindowContext = Pick<SendContext, 'unitId' | 'userMessageAt' | 'origin'>;

/** A sender whose platform limits when a business may write: the console asks before sending. */
export interface WindowedSender extends ChannelSender {
  replyWindow(context: WindowContext): ReplyWindow;
}
