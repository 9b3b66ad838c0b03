/** What a channel adapter hands to the inbox: nothing platform-specific beyond this shape. */
export type ChannelName = 'web' | 'messenger' | 'zalo';

export const CHANNEL_NAMES: readonly ChannelName[] = ['web', 'messenger', 'zalo'];

/** 'handover': a person answered the citizen directly on the platform (Page inbox, Zalo OA chat). */
export type InboundKind =
  'text' | 'postback' | 'quick_reply' | 'follow' | 'unfollow' | 'attachment' | 'handover';

export interface InboundEvent {
  unitId: string;
  channel: ChannelName;
  /** Platform user id (PSID, Zalo OA-scoped user id, web session id). Opaque string. */
  userId: string;
  /** Platform message id; the inbox dedupes on (channel, externalId). */
  externalId: string;
  kind: InboundKind;
  text?: string;
  payload?: string;
  /** When the platform says the user acted (UTC). */
  occurredAt: Date;
  /** Language the client asked for (web chat switch); a hint, not a rule. */
  languageHint?: 'vi' | 'en';
  /** Attachment type for kind = attachment (image, sticker, file, location, ...). */
  attachmentType?: string;
}
