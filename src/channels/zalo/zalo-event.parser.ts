import type { UnroutedEvent } from '../../inbox/inbox.service';
import type { InboundEvent } from '../../messaging/inbound-event';

type ParsedZaloEvent =
  | { type: 'event'; event: InboundEvent }
  | { type: 'unrouted'; event: UnroutedEvent }
  | { type: 'ignored'; reason: string };

interface ZaloBody {
  event_name?: string;
  app_id?: string;
  oa_id?: string;
  timestamp?: string | number;
  sender?: { id?: string; admin_id?: string };
  recipient?: { id?: string };
  follower?: { id?: string };
  message?: { msg_id?: string; text?: string; attachments?: { type?: string }[] };
}

/** Buttons we send as "oa.query.hide" carry this prefix: the tap comes back as a text message. */
export const QUICK_PREFIX = '#';

const MEDIA: Record<string, string> = {
  user_send_image: 'image',
  user_send_gif: 'gif',
  user_send_audio: 'audio',
  user_send_video: 'video',
  user_send_file: 'file',
  user_send_sticker: 'sticker',
  user_send_location: 'location',
  user_send_link: 'link',
  user_send_business_card: 'business_card',
};

/** Zalo OA webhook event → InboundEvent. Ids and timestamps stay strings (ids exceed 2^53). */
export function parseZaloPayload(
  body: unknown,
  unitOfOa: (oaId: string) => string | undefined,
): ParsedZaloEvent {
  const e = (body ?? {}) as ZaloBody;
  const name = e.event_name;
  if (typeof name !== 'string') return { type: 'ignored', reason: 'no event_name' };
  const timestamp = String(e.timestamp ?? '');
  const ms = Number(timestamp);
  // Real events carry 13-digit epoch milliseconds; the docs' samples do not, so fall back to now.
  const occurredAt = Number.isFinite(ms) && ms > 1e12 ? new Date(ms) : new Date();
  const route = (oaId: string | undefined, event: Omit<InboundEvent, 'unitId'>): ParsedZaloEvent => {
    const unitId = oaId ? unitOfOa(oaId) : undefined;
    return unitId
      ? { type: 'event', event: { ...event, unitId } }
      : {
          type: 'unrouted',
          event: { ...event, unitId: null, reason: `unknown Zalo OA ${oaId ?? '(none)'}` },
        };
  };

  if (name === 'follow' || name === 'unfollow') {
    const userId = e.follower?.id;
    if (!userId) return { type: 'ignored', reason: `${name} without follower` };
    return route(e.oa_id, {
      channel: 'zalo',
      userId,
      externalId: `${name}:${userId}:${timestamp}`,
      kind: name,
      occurredAt,
    });
  }
  if (name.startsWith('oa_send_')) {
    // An echo of an OA message: typed by a person in the OA chat tool (admin_id) means hand-off.
    const userId = e.recipient?.id;
    if (!e.sender?.admin_id || !userId) return { type: 'ignored', reason: 'echo of an OA message' };
    return route(e.sender.id, {
      channel: 'zalo',
      userId,
      externalId: e.message?.msg_id ?? `${name}:${userId}:${timestamp}`,
      kind: 'handover',
      occurredAt,
    });
  }
  const userId = e.sender?.id;
  const oaId = e.recipient?.id;
  if (!userId) return { type: 'ignored', reason: `${name} without sender` };
  const externalId = e.message?.msg_id ?? `${name}:${userId}:${timestamp}`;
  if (name === 'user_send_text') {
    const text = e.message?.text ?? '';
    if (text.startsWith(QUICK_PREFIX) && text.length > 1) {
      return route(oaId, {
        channel: 'zalo',
        userId,
        externalId,
        kind: 'quick_reply',
        payload: text.slice(QUICK_PREFIX.length),
        occurredAt,
      });
    }
    return route(oaId, { channel: 'zalo', userId, externalId, kind: 'text', text, occurredAt });
  }
  if (MEDIA[name])
    return route(oaId, {
      channel: 'zalo',
      userId,
      externalId,
      kind: 'attachment',
      attachmentType: MEDIA[name],
      occurredAt,
    });
  // user_submit_info (carries a phone number), delivery and seen receipts, tags…: acknowledged, not kept.
  return { type: 'ignored', reason: name };
}
