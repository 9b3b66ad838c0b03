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
import { splitText, truncate } from '../text-split';
import { QUICK_PREFIX } from './zalo-event.parser';
import { ZaloClient, type ZaloResponse } from './zalo.client';
import { ZaloTokenService } from './zalo-token.service';

/** Zalo's limits as far as they are documented (channels.md B.6; the button limits are UNCERTAIN). */
const ZALO_LIMITS = { text: 2000, buttons: 5, title: 100 };
const WINDOW_MS = 7 * 24 * 3600_000;

type ZaloButton = { title: string; type: string; payload: string | Record<string, string> };

/** The `message` objects of one reply: text parts, buttons (and quick replies as hidden-query buttons) on the last. */
export function toZaloMessages(m: OutboundMessage): Record<string, unknown>[] {
  const buttons: ZaloButton[] = [];
  for (const b of m.buttons ?? []) {
    const title = truncate(b.title, ZALO_LIMITS.title);
    if (b.url) buttons.push({ title, type: 'oa.open.url', payload: { url: b.url } });
    else if (b.phone)
      buttons.push({ title, type: 'oa.open.phone', payload: { phone_code: zaloPhone(b.phone) } });
    else if (b.payload) buttons.push({ title, type: 'oa.query.hide', payload: QUICK_PREFIX + b.payload });
  }
  // Zalo has no quick-reply chips: a tap on an "oa.query.hide" button comes back as "#payload".
  for (const q of m.quickReplies ?? [])
    buttons.push({
      title: truncate(q.title, ZALO_LIMITS.title),
      type: 'oa.query.hide',
      payload: QUICK_PREFIX + q.payload,
    });
  const parts = splitText(m.text, ZALO_LIMITS.text);
  return parts.map((text, i) =>
    i === parts.length - 1 && buttons.length
      ? {
          text,
          attachment: { type: 'template', payload: { buttons: buttons.slice(0, ZALO_LIMITS.buttons) } },
        }
      : { text },
  );
}

/**
 * A promotion message: one template with a header, the text and the buttons (title and url, or a
 * hidden query such as the opt-out). Element limits are UNCERTAIN (channels.md B.6): the text is cut
 * at the consultation message's 2000 characters, the header at 100.
 */
export function toZaloPromotion(m: OutboundMessage, language: string): Record<string, unknown> {
  const buttons: ZaloButton[] = [];
  for (const b of m.buttons ?? [])
    if (b.url)
      buttons.push({
        title: truncate(b.title, ZALO_LIMITS.title),
        type: 'oa.open.url',
        payload: { url: b.url },
      });
  for (const q of m.quickReplies ?? [])
    buttons.push({
      title: truncate(q.title, ZALO_LIMITS.title),
      type: 'oa.query.hide',
      payload: QUICK_PREFIX + q.payload,
    });
  const elements: Record<string, string>[] = [];
  if (m.title) elements.push({ type: 'header', align: 'left', content: truncate(m.title, 100) });
  elements.push({ type: 'text', align: 'left', content: truncate(m.text, ZALO_LIMITS.text) });
  return {
    attachment: {
      type: 'template',
      payload: {
        template_type: 'promotion',
        language: language === 'en' ? 'EN' : 'VI',
        elements,
        ...(buttons.length ? { buttons: buttons.slice(0, ZALO_LIMITS.buttons) } : {}),
      },
    },
  };
}

function zaloPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.startsWith('0') && digits.length > 5 ? `84${digits.slice(1)}` : digits;
}

/** What an OA API answer means for the outbox (channels.md B.9: errors come with HTTP 200). */
export function classifyZaloResponse(status: number, data: ZaloResponse): SendResult | 'token' {
  if (status >= 500) return { status: 'transient', error: `Zalo API HTTP ${status}`, httpStatus: status };
  const code = data.error ?? (status === 200 ? 0 : -1);
  const error = `Zalo API error ${code}: ${data.message ?? ''}`.trim();
  const errorCode = String(code);
  if (code === 0 && status === 200)
    return { status: 'ok', platformMessageId: data.data?.message_id, httpStatus: status };
  if (code === -216 || code === -220) return 'token';
  if (code === -32)
    return { status: 'transient', error, errorCode, httpStatus: status, retryAfterMs: 60_000 };
  if (code === -200 || code === -211) return { status: 'transient', error, errorCode, httpStatus: status };
  // Promotion messages may not be sent at night (22:00-06:00): later, not never.
  if (code === -234)
    return { status: 'transient', error, errorCode, httpStatus: status, retryAfterMs: 3600_000 };
  if (code === -230 || code === -232)
    return { status: 'window_closed', error, errorCode, httpStatus: status };
  if ([-213, -217, -218, -227, -244].includes(code))
    return { status: 'unreachable', error, errorCode, httpStatus: status };
  return { status: 'permanent', error, errorCode, httpStatus: status };
}

/** Consultation messages (tin tư vấn) to a Zalo user, within the 7-day interaction window. */
@Injectable()
export class ZaloSender implements WindowedSender {
  readonly channel = 'zalo' as const;
  readonly concurrency: number;

  constructor(
    private readonly accounts: ChannelAccounts,
    private readonly client: ZaloClient,
    private readonly tokens: ZaloTokenService,
    private readonly clock: Clock,
  ) {
    this.concurrency = accounts.zaloSendConcurrency;
  }

  /**
   * Consultation messages only within 7 days of the citizen's last interaction with the OA; a
   * promotion message (paid from the OA's quota, which the campaign counts) has no window.
   */
  replyWindow(ctx: WindowContext): ReplyWindow {
    if (!this.accounts.zaloByUnit(ctx.unitId))
      return { open: false, reason: 'no_account', error: `no Zalo OA configured for unit ${ctx.unitId}` };
    if (ctx.origin === 'promo') return { open: true };
    if (ctx.userMessageAt && this.clock.now().getTime() - ctx.userMessageAt.getTime() > WINDOW_MS)
      return {
        open: false,
        reason: 'zalo_7d',
        error: 'more than 7 days since the citizen last interacted with the OA (Zalo policy)',
      };
    return { open: true };
  }

  async send(message: OutboundMessage, ctx: SendContext): Promise<SendResult> {
    const account = this.accounts.zaloByUnit(ctx.unitId);
    if (!account) return { status: 'permanent', error: `no Zalo OA configured for unit ${ctx.unitId}` };
    const window = this.replyWindow(ctx);
    if (!window.open) return { status: 'window_closed', error: window.error };
    const promotion = ctx.origin === 'promo';
    const parts = promotion ? [toZaloPromotion(message, message.language ?? 'vi')] : toZaloMessages(message);
    const post = (token: string, body: unknown) =>
      promotion ? this.client.sendPromotion(token, body) : this.client.sendCs(token, body);
    for (let i = ctx.partsSent; i < parts.length; i++) {
      const body = { recipient: { user_id: ctx.recipientId }, message: parts[i] };
      let result: SendResult;
      try {
        let token = await this.tokens.accessToken(account);
        let res = await post(token, body);
        let verdict = classifyZaloResponse(res.status, res.data);
        if (verdict === 'token') {
          // Once: refresh (single flight) and resend with the new token.
          token = await this.tokens.refresh(account, token);
          res = await post(token, body);
          verdict = classifyZaloResponse(res.status, res.data);
        }
        result =
          verdict === 'token'
            ? {
                status: 'transient',
                error: 'Zalo access token still refused after a refresh',
                errorCode: String(res.data.error),
              }
            : verdict;
      } catch (error) {
        result = { status: 'transient', error: `Zalo API unreachable: ${errorMessage(error)}` };
      }
      if (result.status !== 'ok') return result.status === 'transient' ? { ...result, partsSent: i } : result;
      if (i === parts.length - 1) return result;
    }
    return { status: 'ok' };
  }
}
