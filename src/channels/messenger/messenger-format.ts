import type { OutboundMessage } from '../../messaging/outbound-message';
import { splitText, toE164, truncate } from '../text-split';

/** Messenger's limits (Send API, quick replies and button template pages). */
const LIMITS = {
  text: 2000,
  templateText: 640,
  quickReplies: 13,
  title: 20,
  buttons: 3,
  payload: 1000,
};

type MessengerButton =
  | { type: 'web_url'; url: string; title: string }
  | { type: 'postback'; title: string; payload: string }
  | { type: 'phone_number'; title: string; payload: string };

/** The `message` objects for one reply: text parts, the last one carrying buttons and quick replies. */
export function toMessengerMessages(m: OutboundMessage, metadata: string): Record<string, unknown>[] {
  const buttons: MessengerButton[] = [];
  for (const b of m.buttons ?? []) {
    const title = truncate(b.title, LIMITS.title);
    if (b.url) buttons.push({ type: 'web_url', url: b.url, title });
    else if (b.payload)
      buttons.push({ type: 'postback', title, payload: b.payload.slice(0, LIMITS.payload) });
    else if (b.phone) {
      const e164 = toE164(b.phone);
      // Short codes such as 115 cannot be a call button; the text already says to call them.
      if (e164) buttons.push({ type: 'phone_number', title, payload: e164 });
    }
  }
  const quickReplies = (m.quickReplies ?? []).slice(0, LIMITS.quickReplies).map((q) => ({
    content_type: 'text',
    title: truncate(q.title, LIMITS.title),
    payload: q.payload.slice(0, LIMITS.payload),
  }));
  const parts = splitText(m.text, LIMITS.text, buttons.length ? LIMITS.templateText : LIMITS.text);
  return parts.map((text, i) => {
    const last = i === parts.length - 1;
    const message: Record<string, unknown> =
      last && buttons.length
        ? {
            attachment: {
              type: 'template',
              payload: { template_type: 'button', text, buttons: buttons.slice(0, LIMITS.buttons) },
            },
          }
        : { text };
    if (last && quickReplies.length) message.quick_replies = quickReplies;
    message.metadata = metadata;
    return message;
  });
}
