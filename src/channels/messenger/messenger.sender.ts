import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { errorMessage } from '../../common/errors';
import type {
  ReplyWindow,
  SendContext,
  SendResult,
  WindowContext,
  WindowedSender,
} from '../../messaging/channel-sender';
import type { OutboundMessage } from '../../messaging/outbound-message';
import { ChannelAccounts } from '../channel-accounts';
import { toMessengerMessages } from './messenger-format';
import { classifyGraphResponse, MessengerClient } from './messenger.client';

const DAY = 24 * 3600_000;

/**
 * Delivers an OutboundMessage through the Send API: RESPONSE inside the 24-hour window (UPDATE for
 * campaigns and notices), HUMAN_AGENT (staff only, up to 7 days) when the unit has that permission;
 * nothing outside the window.
 */
@Injectable()
export class MessengerSender implements WindowedSender {
  readonly channel = 'messenger' as const;

  readonly concurrency: number;

  constructor(
    private readonly accounts: ChannelAccounts,
    private readonly client: MessengerClient,
    private readonly clock: Clock,
  ) {
    this.concurrency = accounts.messengerSendConcurrency;
  }

  /** RESPONSE within 24 h of the citizen's last message; HUMAN_AGENT (staff, permitted pages) up to 7 days. */
  replyWindow(ctx: WindowContext): ReplyWindow {
    const account = this.accounts.messengerByUnit(ctx.unitId);
    if (!account)
      return {
        open: false,
        reason: 'no_account',
        error: `no Messenger page configured for unit ${ctx.unitId}`,
      };
    const age = ctx.userMessageAt ? this.clock.now().getTime() - ctx.userMessageAt.getTime() : Infinity;
    if (age <= DAY) return { open: true };
    // A campaign or a notice is never sent with a tag: outside the 24 hours it is not sent at all.
    if (ctx.origin === 'staff' && account.humanAgentTag && age <= 7 * DAY)
      return { open: true, tagged: true };
    return ctx.origin === 'staff' && account.humanAgentTag
      ? {
          open: false,
          reason: 'messenger_7d',
          error: 'more than 7 days since the citizen last wrote (Messenger HUMAN_AGENT tag)',
        }
      : {
          open: false,
          reason: 'messenger_24h',
          error: 'more than 24 hours since the citizen last wrote (Messenger policy)',
        };
  }

  async send(message: OutboundMessage, ctx: SendContext): Promise<SendResult> {
    const account = this.accounts.messengerByUnit(ctx.unitId);
    if (!account)
      return { status: 'permanent', error: `no Messenger page configured for unit ${ctx.unitId}` };
    const window = this.replyWindow(ctx);
    if (!window.open) return { status: 'window_closed', error: window.error };
    const tagged = window.tagged === true;
    // Proactive messages inside the window are UPDATE (Meta's policy), answers to the citizen RESPONSE.
    const type = ctx.origin === 'bot' || ctx.origin === 'staff' ? 'RESPONSE' : 'UPDATE';
    const recipient = { id: ctx.recipientId };
    // No typing indicator: the answer is composed before it reaches the outbox, so one sent just
    // before it would show for a moment only, and cost a Send API call (and the page's rate limit) per turn.
    const parts = toMessengerMessages(message, `outbox:${ctx.outboxId}`);
    let last: SendResult = { status: 'ok' };
    for (let i = ctx.partsSent; i < parts.length; i++) {
      const body = tagged
        ? { recipient, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: parts[i] }
        : { recipient, messaging_type: type, message: parts[i] };
      try {
        const res = await this.client.post('/me/messages', account.pageAccessToken, body);
        last = classifyGraphResponse(res.status, res.data);
      } catch (error) {
        last = { status: 'transient', error: `Graph API unreachable: ${errorMessage(error)}` };
      }
      if (last.status !== 'ok') return last.status === 'transient' ? { ...last, partsSent: i } : last;
    }
    return last;
  }
}
