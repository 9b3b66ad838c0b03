import { createHash } from 'node:crypto';
import { VN_OFFSET_MS } from '../common/clock';
import { PLAN_ITEMS } from '../messaging/plan-item';
import { SUBSCRIPTION_TOPICS } from '../messaging/subscription-payloads';

/** Channels a campaign can reach; the web chat only on units whose web chat is public. */
export const CAMPAIGN_CHANNELS = ['messenger', 'zalo', 'web'] as const;
export type CampaignChannel = (typeof CAMPAIGN_CHANNELS)[number];

/** Subscription topics a campaign may be limited to. */
export const CAMPAIGN_TOPICS = SUBSCRIPTION_TOPICS;

/**
 * The shortest text limit among the platforms (channels.md: Messenger and Zalo both 2000
 * characters); a button goes in its own part, so the text keeps the whole limit.
 */
export const TEXT_LIMIT = 2000;
export const TITLE_LIMIT = 200;
/** Messenger and Zalo button titles (Messenger: 20 characters). */
export const BUTTON_TITLE_LIMIT = 20;

export class CampaignError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface CampaignInput {
  unitId: string;
  title: string;
  planItem: string;
  textVi?: string | null;
  textEn?: string | null;
  buttonUrl?: string | null;
  buttonTitleVi?: string | null;
  buttonTitleEn?: string | null;
  channels?: string[];
  language?: string | null;
  topic?: string | null;
  scheduledAt?: Date | null;
}

/** Characters as the platforms count them: code points after NFC (Vietnamese diacritics). */
export function charCount(text: string): number {
  return [...text.normalize('NFC')].length;
}

const clean = (text: string | null | undefined) => {
  const t = text?.normalize('NFC').replace(/\r\n/g, '\n').trim();
  return t ? t : null;
};

/** True when `host` is `domain` or one of its subdomains. */
function within(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/**
 * Checks a campaign as staff wrote it; every problem is a CampaignError naming the field, with a
 * message staff can act on. Returns the cleaned values.
 */
export function validateCampaign(
  input: CampaignInput,
  known: { unitIds: string[]; allowedDomains: string[] },
): Required<Omit<CampaignInput, 'scheduledAt'>> & { scheduledAt: Date | null } {
  if (!known.unitIds.includes(input.unitId))
    throw new CampaignError('unknown_unit', `unknown unit "${input.unitId}"`, 'unitId');
  const title = clean(input.title);
  if (!title) throw new CampaignError('empty_title', 'the title is empty', 'title');
  if (charCount(title) > TITLE_LIMIT)
    throw new CampaignError('title_too_long', `the title is longer than ${TITLE_LIMIT} characters`, 'title');
  if (!(PLAN_ITEMS as readonly string[]).includes(input.planItem))
    throw new CampaignError(
      'unknown_plan_item',
      `unknown plan item "${input.planItem}" (one of: ${PLAN_ITEMS.join(', ')})`,
      'planItem',
    );
  const textVi = clean(input.textVi);
  const textEn = clean(input.textEn);
  if (!textVi && !textEn)
    throw new CampaignError(
      'empty_text',
      'the message is empty: write it in Vietnamese, English or both',
      'textVi',
    );
  for (const [field, text] of [
    ['textVi', textVi],
    ['textEn', textEn],
  ] as const) {
    if (text && charCount(text) > TEXT_LIMIT)
      throw new CampaignError(
        'text_too_long',
        `the message has ${charCount(text)} characters; Messenger and Zalo take at most ${TEXT_LIMIT}`,
        field,
      );
  }
  const language = input.language ? input.language : null;
  if (language !== null && language !== 'vi' && language !== 'en')
    throw new CampaignError('unknown_language', 'the language must be vi or en', 'language');
  if (language === 'vi' && !textVi)
    throw new CampaignError(
      'empty_text',
      'the audience is Vietnamese but there is no Vietnamese text',
      'textVi',
    );
  if (language === 'en' && !textEn)
    throw new CampaignError('empty_text', 'the audience is English but there is no English text', 'textEn');
  const channels = [...new Set(input.channels ?? [])];
  for (const channel of channels)
    if (!(CAMPAIGN_CHANNELS as readonly string[]).includes(channel))
      throw new CampaignError('unknown_channel', `unknown channel "${channel}"`, 'channels');
  const topic = input.topic ? input.topic : null;
  if (topic !== null && !(CAMPAIGN_TOPICS as readonly string[]).includes(topic))
    throw new CampaignError(
      'unknown_topic',
      `unknown topic "${topic}" (one of: ${CAMPAIGN_TOPICS.join(', ')})`,
      'topic',
    );
  let buttonUrl = clean(input.buttonUrl);
  let buttonTitleVi = clean(input.buttonTitleVi);
  let buttonTitleEn = clean(input.buttonTitleEn);
  if (buttonUrl) {
    let url: URL;
    try {
      url = new URL(buttonUrl);
    } catch {
      throw new CampaignError('bad_link', `"${buttonUrl}" is not a web address`, 'buttonUrl');
    }
    if (url.protocol !== 'https:')
      throw new CampaignError('bad_link', 'the button must link to an https:// address', 'buttonUrl');
    const host = url.hostname.toLowerCase();
    if (!known.allowedDomains.some((d) => within(host, d)))
      throw new CampaignError(
        'link_not_allowed',
        `links may only go to ${known.allowedDomains.join(', ')}: ${host} is not one of them`,
        'buttonUrl',
      );
    buttonUrl = url.toString();
    if (textVi && !buttonTitleVi)
      throw new CampaignError('empty_button_title', 'the button needs a Vietnamese title', 'buttonTitleVi');
    if (textEn && !buttonTitleEn)
      throw new CampaignError('empty_button_title', 'the button needs an English title', 'buttonTitleEn');
    for (const [field, t] of [
      ['buttonTitleVi', buttonTitleVi],
      ['buttonTitleEn', buttonTitleEn],
    ] as const)
      if (t && charCount(t) > BUTTON_TITLE_LIMIT)
        throw new CampaignError(
          'button_title_too_long',
          `a button title has at most ${BUTTON_TITLE_LIMIT} characters (Messenger)`,
          field,
        );
  } else {
    buttonUrl = null;
    buttonTitleVi = null;
    buttonTitleEn = null;
  }
  return {
    unitId: input.unitId,
    title,
    planItem: input.planItem,
    textVi,
    textEn,
    buttonUrl,
    buttonTitleVi,
    buttonTitleEn,
    channels,
    language,
    topic,
    scheduledAt: input.scheduledAt ?? null,
  };
}

/** The hash of what a campaign says: evidence records name it as their content version. */
export function campaignContentVersion(c: {
  textVi: string | null;
  textEn: string | null;
  buttonUrl: string | null;
  buttonTitleVi: string | null;
  buttonTitleEn: string | null;
}): string {
  return createHash('sha256')
    .update(JSON.stringify([c.textVi, c.textEn, c.buttonUrl, c.buttonTitleVi, c.buttonTitleEn]))
    .digest('hex')
    .slice(0, 12);
}

/** "21:00-07:00" → minutes of the local day; null = "off". */
export function parseQuietHours(value: string): { from: number; to: number } | null {
  const m = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(value);
  if (!m) return null;
  return { from: Number(m[1]) * 60 + Number(m[2]), to: Number(m[3]) * 60 + Number(m[4]) };
}

/** The end of the quiet period `at` falls in (Vietnam time), or null when sending is allowed. */
export function quietUntil(at: Date, quiet: { from: number; to: number } | null): Date | null {
  if (!quiet || quiet.from === quiet.to) return null;
  const local = at.getTime() + VN_OFFSET_MS;
  const dayStart = Math.floor(local / 86_400_000) * 86_400_000;
  const minute = Math.floor((local - dayStart) / 60_000);
  const inside =
    quiet.from < quiet.to
      ? minute >= quiet.from && minute < quiet.to
      : minute >= quiet.from || minute < quiet.to;
  if (!inside) return null;
  const endLocal =
    dayStart + quiet.to * 60_000 + (minute >= quiet.to && quiet.from > quiet.to ? 86_400_000 : 0);
  return new Date(endLocal - VN_OFFSET_MS);
}

/** The first instant of the local (Vietnam) calendar month of `at`: Zalo quotas count per month. */
export function monthStart(at: Date): Date {
  const local = new Date(at.getTime() + VN_OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - VN_OFFSET_MS);
}
