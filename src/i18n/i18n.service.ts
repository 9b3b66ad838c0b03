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
  }

  exists(language: Language, key: string): boolean {
    return this.instance.exists(key, { lng: language });
  }

  /** Renders one text. Unit details are available to every text as {{unit.*}}. */
  t(language: Language, text: Text, unit?: UnitView): string {
    if (!this.exists(language, text.key)) throw new MissingTextError(`missing text ${language}:${text.key}`);
    const t: TFunction = this.instance.getFixedT(language);
    const result = t(text.key, { ...(text.params ?? {}), unit: unit ? unitParams(unit) : undefined });
    if (typeof result !== 'string')
      throw new MissingTextError(`text ${language}:${text.key} is not a string`);
    return result;
  }

  render(reply: Reply, language: Language, unit: UnitView): RenderedReply {
    const keys: string[] = [];
    const tr = (text: Text) => {
      keys.push(text.key);
      return this.t(language, text, unit);
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

/** What texts may use as {{unit.*}}. Missing details render as empty strings; texts avoid them. */
function unitParams(unit: UnitView): Record<string, string> {
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
