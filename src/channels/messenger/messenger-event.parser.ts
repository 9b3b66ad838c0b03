import type { InboundEvent } from '../../messaging/inbound-event';
import type { UnroutedEvent } from '../../inbox/inbox.service';

type ParsedEvent =
  | { type: 'event'; event: InboundEvent }
  | { type: 'unrouted'; event: UnroutedEvent }
  | { type: 'ignored'; reason: string };

interface MessagingItem {
  sender?: { id?: string };
  recipient?: { id?: string };
  timestamp?: number;
  message?: {
    mid?: string;
    text?: string;
    is_echo?: boolean;
    app_id?: number | string;
    metadata?: string;
    quick_reply?: { payload?: string };
    attachments?: { type?: string; payload?: { sticker_id?: number } }[];
    sticker_id?: number;
  };
  postback?: { mid?: string; title?: string; payload?: string };
  referral?: { ref?: string; source?: string; type?: string };
  delivery?: unknown;
  read?: unknown;
  reaction?: unknown;
  pass_thread_control?: unknown;
  take_thread_control?: unknown;
  request_thread_control?: unknown;
}

interface Envelope {
  object?: string;
  entry?: { id?: string; time?: number; messaging?: MessagingItem[]; standby?: MessagingItem[] }[];
}

/** Our own sends carry metadata "outbox:<id>"; an echo without it was typed by a person. */
const OUR_METADATA = /^outbox:\d+$/;
/** Facebook's "like" sticker (the thumbs-up button). */
const LIKE_STICKERS = new Set([369239263222822, 369239343222814, 369239383222810]);

/**
 * Messenger webhook payload → InboundEvents, iterating every entry and every messaging item
 * (deliveries can be batched). The untouched raw payload is read, never rewritten.
 */
export function parseMessengerPayload(
  body: unknown,
  unitOfPage: (pageId: string) => string | undefined,
  ourAppId?: string,
): ParsedEvent[] {
  const envelope = body as Envelope;
  if (
    !envelope ||
    typeof envelope !== 'object' ||
    envelope.object !== 'page' ||
    !Array.isArray(envelope.entry)
  ) {
    return [{ type: 'ignored', reason: `not a page webhook (object=${String(envelope?.object)})` }];
  }
  const out: ParsedEvent[] = [];
  for (const entry of envelope.entry) {
    const pageId = String(entry?.id ?? '');
    for (const _item of entry?.standby ?? [])
      out.push({ type: 'ignored', reason: 'standby: another app owns the thread' });
    for (const item of entry?.messaging ?? []) {
      const parsed = parseItem(item, pageId, ourAppId);
      if (!parsed || 'reason' in parsed) {
        out.push({ type: 'ignored', reason: parsed?.reason ?? 'unknown event type' });
        continue;
      }
      const unitId = unitOfPage(pageId);
      if (unitId) out.push({ type: 'event', event: { ...parsed, unitId } });
      else
        out.push({
          type: 'unrouted',
          event: { ...parsed, unitId: null, reason: `unknown Messenger page ${pageId}` },
        });
    }
  }
  return out;
}

function parseItem(
  item: MessagingItem,
  pageId: string,
  ourAppId?: string,
): Omit<InboundEvent, 'unitId'> | { reason: string } | null {
  const occurredAt = new Date(typeof item.timestamp === 'number' ? item.timestamp : Date.now());
  const message = item.message;
  if (message?.is_echo) {
    // An echo of a message the page sent: ours (metadata) is ignored; a person's means hand-off.
    if (message.metadata && OUR_METADATA.test(message.metadata)) return { reason: 'echo of our own message' };
    if (ourAppId && message.app_id !== undefined && String(message.app_id) === ourAppId)
      return { reason: 'echo of our app' };
    const citizen = item.recipient?.id;
    if (!citizen || !message.mid) return { reason: 'echo without recipient' };
    return { channel: 'messenger', userId: citizen, externalId: message.mid, kind: 'handover', occurredAt };
  }
  const userId = item.sender?.id;
  if (!userId || userId === pageId)
    return item.delivery || item.read ? { reason: 'delivery or read receipt' } : null;
  if (message) {
    const externalId = message.mid ?? `${userId}:${occurredAt.getTime()}`;
    if (message.quick_reply?.payload) {
      return {
        channel: 'messenger',
        userId,
        externalId,
        kind: 'quick_reply',
        payload: message.quick_reply.payload,
        text: message.text,
        occurredAt,
      };
    }
    const attachment = message.attachments?.[0];
    if (attachment || message.sticker_id) {
      const sticker = message.sticker_id ?? attachment?.payload?.sticker_id;
      const attachmentType = sticker
        ? LIKE_STICKERS.has(Number(sticker))
          ? 'like'
          : 'sticker'
        : (attachment?.type ?? 'file');
      return { channel: 'messenger', userId, externalId, kind: 'attachment', attachmentType, occurredAt };
    }
    if (typeof message.text === 'string')
      return { channel: 'messenger', userId, externalId, kind: 'text', text: message.text, occurredAt };
    return { reason: 'message without text or attachment' };
  }
  if (item.postback) {
    const payload = item.postback.payload ?? '';
    const externalId = item.postback.mid ?? `${userId}:${occurredAt.getTime()}:${payload}`;
    return {
      channel: 'messenger',
      userId,
      externalId,
      kind: 'postback',
      payload,
      text: item.postback.title,
      occurredAt,
    };
  }
  if (item.referral) {
    // Entering an existing thread from an m.me link or an ad: show the menu.
    return {
      channel: 'messenger',
      userId,
      externalId: `${userId}:${occurredAt.getTime()}:referral`,
      kind: 'postback',
      payload: 'MENU',
      occurredAt,
    };
  }
  if (item.delivery || item.read) return { reason: 'delivery or read receipt' };
  if (item.reaction) return { reason: 'reaction' };
  if (item.pass_thread_control || item.take_thread_control || item.request_thread_control)
    return { reason: 'handover protocol' };
  return null;
}
