import 'reflect-metadata';
import { existsSync } from 'node:fs';
import axios from 'axios';
import { resolveChannelAccounts } from '../channels/channel-accounts';
import { errorMessage } from '../common/errors';
import { fromRoot } from '../common/project-root';
import { AppConfig } from '../config/app-config';
import { validateEnv } from '../config/env.schema';
import { loadUnitsFile } from '../units/units.loader';
import { I18nService } from '../i18n/i18n.service';
import type { UnitView } from '../messaging/intent';
import type { Language } from '../messaging/language';
import { UnitsService } from '../units/units.service';
import { SystemClock } from '../common/clock';

/** Messenger profile texts are the locales' own: default = Vietnamese, en_US = English. */
export function buildMessengerProfile(
  i18n: I18nService,
  unit: (language: Language) => UnitView,
): Record<string, unknown> {
  const t = (language: Language, key: string, params: Record<string, string> = {}) =>
    i18n.t(language, { key: `channels:${key}`, params }, unit(language));
  const locales: [string, Language][] = [
    ['default', 'vi'],
    ['en_US', 'en'],
  ];
  const menu = (language: Language) => [
    { type: 'postback', title: t(language, 'menu.main'), payload: 'MENU' },
    { type: 'postback', title: t(language, 'menu.vneid'), payload: 'vneid:menu' },
    { type: 'postback', title: t(language, 'menu.health_insurance'), payload: 'health_insurance:menu' },
    { type: 'postback', title: t(language, 'menu.complaint'), payload: 'complaint:file' },
    { type: 'postback', title: t(language, 'menu.human'), payload: 'HUMAN' },
    {
      type: 'web_url',
      title: t(language, 'menu.portal'),
      url: 'https://dichvucong.gov.vn',
      webview_height_ratio: 'full',
    },
    {
      type: 'postback',
      title: t(language, 'menu.language'),
      payload: language === 'vi' ? 'LANG_EN' : 'LANG_VI',
    },
  ];
  return {
    get_started: { payload: 'GET_STARTED' },
    // Messenger fills {{user_first_name}} itself: it is passed through unchanged.
    greeting: locales.map(([locale, language]) => ({
      locale,
      text: t(language, 'greeting', { user_first_name: '{{user_first_name}}' }),
    })),
    persistent_menu: locales.map(([locale, language]) => ({
      locale,
      composer_input_disabled: false,
      call_to_actions: menu(language),
    })),
    ice_breakers: locales.map(([locale, language]) => ({
      locale,
      call_to_actions: [
        { question: t(language, 'ice_breakers.vneid'), payload: 'vneid:forgot_password' },
        { question: t(language, 'ice_breakers.health_insurance'), payload: 'health_insurance:household' },
        { question: t(language, 'ice_breakers.complaint'), payload: 'complaint:file' },
        { question: t(language, 'ice_breakers.unit_info'), payload: 'unit_info:menu' },
      ],
    })),
  };
}

/** npm run -s channels:messenger-profile -- --unit ID [--dry-run] */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unitArg = args[args.indexOf('--unit') + 1];
  if (!args.includes('--unit') || !unitArg || unitArg.startsWith('--'))
    throw new Error('usage: npm run -s channels:messenger-profile -- --unit ID [--dry-run]');
  const envFile = fromRoot('.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const config = new AppConfig(validateEnv(process.env), process.env);
  const catalog = loadUnitsFile(config.unitsFile);
  const unit = catalog.units.find((u) => u.id === unitArg);
  if (!unit)
    throw new Error(`unknown unit "${unitArg}" (units: ${catalog.units.map((u) => u.id).join(', ')})`);
  const account = resolveChannelAccounts(
    (n) => config.secret(n),
    catalog.units,
    catalog.defaultUnitId,
  ).messenger.find((m) => m.unitId === unit.id);
  if (!account)
    throw new Error(
      `unit ${unit.id} has no Messenger page configured (MESSENGER_* variables or its messenger block)`,
    );
  const units = new UnitsService(config, new SystemClock());
  const profile = buildMessengerProfile(new I18nService(), (language) => units.view(unit, language));
  if (args.includes('--dry-run')) {
    process.stdout.write(JSON.stringify(profile, null, 2) + '\n');
    return;
  }
  const res = await axios.post(
    `${config.env.MESSENGER_API_URL.replace(/\/+$/, '')}/me/messenger_profile`,
    profile,
    {
      params: { access_token: account.pageAccessToken },
      timeout: config.env.CHANNEL_HTTP_TIMEOUT_MS,
      validateStatus: () => true,
    },
  );
  if (res.status !== 200) throw new Error(`Graph API answered ${res.status}: ${JSON.stringify(res.data)}`);
  process.stdout.write(
    JSON.stringify({ unit: unit.id, page: account.pageId, result: res.data as unknown }) + '\n',
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`channels:messenger-profile: ${errorMessage(error)}\n`);
    process.exit(1);
  });
}
