import type { Audience } from '../messaging/audience';
import type { PlanItem } from '../messaging/plan-item';

/**
 * The built-in web chat of a unit. off: refused, nothing stored. playground: answered and logged, but
 * marked so that no report or dashboard counts it. public: counted like Messenger and Zalo.
 */
export const WEB_CHAT_MODES = ['off', 'playground', 'public'] as const;
export type WebChatMode = (typeof WEB_CHAT_MODES)[number];

/** A web turn counts only when the unit's web chat is public (a unit switched off counts nothing left in flight). */
export function audienceOf(unit: Pick<Unit, 'webChat'>, channel: string): Audience {
  return channel === 'web' && unit.webChat !== 'public' ? 'playground' : 'public';
}

export interface Localized {
  vi: string;
  en: string;
}

/** A time slot in minutes after local midnight, [start, end). */
export interface Slot {
  start: number;
  end: number;
}

/** Office hours per weekday, 0 = Sunday … 6 = Saturday (local time). */
export type WeeklySlots = Record<number, Slot[]>;

/** The period report's Decree 30 blocks; null where the units file does not say (dotted lines then). */
export interface UnitReportSettings {
  symbol: string | null;
  place: string | null;
  recipients: Localized[];
  signer: { title: Localized; onBehalfOf: Localized | null; name: string | null } | null;
}

export interface Unit {
  id: string;
  kind: 'department' | 'hospital' | 'health_centre' | 'college';
  name: Localized;
  /** Other ways citizens name the unit (short names, abbreviations), for telling which unit a message is about. */
  aliases: string[];
  governingBody: Localized;
  address: Localized | null;
  workingHours: Localized | null;
  visitingHours: Localized | null;
  booking: Localized | null;
  website: string | null;
  privacyPolicyUrl: string | null;
  switchboard: string | null;
  hotlines: { label: Localized; phone: string }[];
  emergencyPhone: string | null;
  departments: { name: Localized; location: Localized | null; phone: string | null }[];
  departmentHotline: { label: Localized; phone: string } | null;
  feedbackChannels: { label: Localized; url: string }[];
  emergencyInfo: Localized | null;
  retention: Localized | null;
  officeHours: WeeklySlots | null;
  planItems: { id: PlanItem; ref: Localized }[];
  messenger?: {
    pageId: string;
    appSecretEnv: string;
    pageAccessTokenEnv: string;
    verifyTokenEnv: string;
    humanAgentTag: boolean;
  };
  zalo?: {
    oaId: string;
    appId: string;
    appSecretEnv: string;
    oaSecretKeyEnv: string;
    accessTokenEnv: string;
    refreshTokenEnv: string;
    promotionQuota?: number;
  };
  oversight: boolean;
  webChat: WebChatMode;
  report: UnitReportSettings;
  /** Fields still marked TO_FILL, for the operator's start-up warning and the console. */
  missing: string[];
  /** The plan's number and date, null where not given. */
  plan: { number: string | null; date: string | null };
  /** The unit's own days off, beside the catalog's public holidays. */
  holidays: string[];
  /** 0 = as in the units file; then each version saved in the console. */
  detailsVersion: number;
  /** Hash of the unit's details as used (the entry): interaction records carry it in their content version. */
  detailsHash: string;
}

export interface UnitsCatalog {
  units: Unit[];
  defaultUnitId: string;
  /** Local dates (yyyy-mm-dd) when staff are off. */
  holidays: Set<string>;
  /** Each unit's entry as written in the file (the seed of its details, and the export format). */
  entries: Map<string, Record<string, unknown>>;
}
