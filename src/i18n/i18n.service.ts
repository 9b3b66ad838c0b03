import { Injectable } from '@nestjs/common';
import i18next, { type i18n, type TFunction } from 'i18next';
import type { UnitView } from '../messaging/intent';
import type { Language } from '../messaging/language';
import type { Button, OutboundMessage, QuickReply } from '../messaging/outbound-message';
import type { Reply, Text } from '../messaging/reply';
import { loadLocales, type LocaleResources } from './locale-loader';

class MissingTextError extends Error {
  override readonly name = 'MissingTextError';
}

export interface RenderedReply {
  messages: OutboundMessage[];
  /** Every key rendered, in order: kept with the interaction record. */
  keys: string[];
}

/**
 * One i18next instance for the process. Each turn renders through getFixedT(language), never the
 * global language, so concurrent conversations in different languages do not mix. A missing key or
 * parameter is an error, never a silent fall back to the other language.
 */
@Injectable()
export class I18nService {
  private readonly instance: i18n;
  readonly resources: LocaleResources;
  private readonly fixedT: Record<Language, TFunction>;
  private readonly known: Record<Language, Set<string>> = { vi: new Set(), en: new Set() };
  private readonly memo = new Map<string, string>();

  constructor() {
    this.resources = loadLocales();
    this.instance = i18next.createInstance();
    void this.instance.init({
      initAsync: false,
      resources: this.resources,
      lng: 'vi',
      fallbackLng: false,
      supportedLngs: ['vi', 'en'],
      ns: Object.keys(this.resources.vi),
      defaultNS: 'common',
      returnNull: false,
      returnEmptyString: false,
      interpolation: { escapeValue: false },
      missingInterpolationHandler: (text: string, match: unknown) => {
        const name = Array.isArray(match) ? String(match[0]) : 'a parameter';
        throw new MissingTextError(`missing ${name} in "${text.slice(0, 60)}"`);
      },
    });
    this.fixedT = { vi: this.instance.getFixedT('vi'), en: this.instance.getFixedT('en') };
  }

  exists(language: Language, key: string): boolean {
    if (this.known[language].has(key)) return true;
    const found = this.instance.exists(key, { lng: language });
    if (found) this.known[language].add(key);
    return found;
  }

  /** Renders one text. Unit details are available to every text as {{unit.*}}. */
  t(language: Language, text: Text, unit?: UnitView): string {
    return this.translate(language, text, unit ? unitParams(unit) : undefined);
  }

  // A turn renders the same few texts again and again, and i18next's lookup and interpolation were
  // about 6 % of a turn's CPU. The resources never change while the process runs, so the same key
  // with the same parameters and the same {{unit.*}} values renders the same text: kept, bounded.
  private translate(
    language: Language,
    text: Text,
    unit: UnitParams | undefined,
    unitKey = memoPart(unit),
  ): string {
    const memoKey = memoKeyOf(language, text, unitKey);
    const hit = memoKey === null ? undefined : this.memo.get(memoKey);
    if (hit !== undefined) return hit;
    if (!this.exists(language, text.key)) throw new MissingTextError(`missing text ${language}:${text.key}`);
    const result = this.fixedT[language](text.key, { ...(text.params ?? {}), unit });
    if (typeof result !== 'string')
      throw new MissingTextError(`text ${language}:${text.key} is not a string`);
    if (memoKey !== null) {
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
      this.memo.set(memoKey, result);
    }
    return result;
  }

  render(reply: Reply, language: Language, unit: UnitView): RenderedReply {
    const keys: string[] = [];
    const params = unitParams(unit);
    const unitKey = memoPart(params);
    const tr = (text: Text) => {
      keys.push(text.key);
      return this.translate(language, text, params, unitKey);
    };
    const messages = reply.messages.map((m): OutboundMessage => {
      const message: OutboundMessage = { text: m.text.map(tr).join('\n\n') };
      if (m.quickReplies?.length) {
        message.quickReplies = m.quickReplies.map((q): QuickReply => ({
          title: tr(q.title),
          payload: q.payload,
        }));
      }
      if (m.buttons?.length) {
        message.buttons = m.buttons.map((b): Button => {
          const button: Button = { title: tr(b.title) };
          if (b.url) button.url = b.url;
          if (b.payload) button.payload = b.payload;
          if (b.phone) button.phone = b.phone;
          return button;
        });
      }
      return message;
    });
    return { messages, keys };
  }
}

/** Rendered texts kept per unit details (and language); the cache starts over beyond this. */
const MEMO_LIMIT = 4096;

/** The memo's key (JSON, so no value can pass for another), or null for parameters that are not plain values. */
function memoKeyOf(language: Language, text: Text, unitKey: string): string | null {
  const params = text.params as Record<string, unknown> | undefined;
  if (params)
    for (const value of Object.values(params)) {
      const type = typeof value;
      if (type !== 'string' && type !== 'number') return null;
    }
  return JSON.stringify([language, text.key, unitKey, params ?? null]);
}

function memoPart(unit: UnitParams | undefined): string {
  return unit ? JSON.stringify(unit) : '';
}

/** What texts may use as {{unit.*}}. Missing details render as empty strings; texts avoid them. */
type UnitParams = Record<string, string>;

function unitParams(unit: UnitView): UnitParams {
  return {
    name: unit.name,
    governingBody: unit.governingBody,
    address: unit.address ?? '',
    workingHours: unit.workingHours ?? '',
    visitingHours: unit.visitingHours ?? '',
    website: unit.website ?? '',
    switchboard: unit.switchboard ?? '',
    hotline: unit.hotlines[0]?.phone ?? '',
    emergencyPhone: unit.emergencyPhone ?? '',
    privacyPolicyUrl: unit.privacyPolicyUrl ?? '',
    staffBackAt: unit.staffBackAt ?? '',
  };
}
