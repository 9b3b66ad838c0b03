import { Injectable } from '@nestjs/common';
import { ConfigurationError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import type { Unit } from '../units/unit';
import { UnitsService } from '../units/units.service';

interface MessengerAccount {
  unitId: string;
  pageId: string;
  appSecret: string;
  verifyToken: string;
  pageAccessToken: string;
  /** Staff may answer up to 7 days with the HUMAN_AGENT tag (needs Meta's approval). */
  humanAgentTag: boolean;
}

export interface ZaloAccount {
  unitId: string;
  oaId: string;
  appId: string;
  appSecret: string;
  oaSecretKey: string;
  /** Seeds for the token store; afterwards the rotating pair lives in the database. */
  accessToken?: string;
  refreshToken?: string;
}

const MESSENGER_ENV = [
  'MESSENGER_APP_SECRET',
  'MESSENGER_VERIFY_TOKEN',
  'MESSENGER_PAGE_ID',
  'MESSENGER_PAGE_ACCESS_TOKEN',
];
const ZALO_ENV = ['ZALO_APP_ID', 'ZALO_APP_SECRET', 'ZALO_OA_ID', 'ZALO_OA_SECRET_KEY'];

/**
 * Which page and which OA belong to which unit, with their secrets. One unit can be configured with
 * the MESSENGER_* / ZALO_* variables (it is then the default unit); several units name, in the units
 * file, the variables that hold their secrets. A partial configuration stops the start with one line.
 */
export function resolveChannelAccounts(
  secret: (name: string) => string | undefined,
  units: Unit[],
  defaultUnitId: string,
): { messenger: MessengerAccount[]; zalo: ZaloAccount[] } {
  const need = (name: string, why: string) => {
    const value = secret(name);
    if (!value) throw new ConfigurationError(`${name} must be set (${why})`);
    return value;
  };
  const messenger: MessengerAccount[] = [];
  const zalo: ZaloAccount[] = [];

  for (const unit of units) {
    if (unit.messenger) {
      const why = `Messenger of unit ${unit.id}, named in the units file`;
      messenger.push({
        unitId: unit.id,
        pageId: unit.messenger.pageId,
        appSecret: need(unit.messenger.appSecretEnv, why),
        verifyToken: need(unit.messenger.verifyTokenEnv, why),
        pageAccessToken: need(unit.messenger.pageAccessTokenEnv, why),
        humanAgentTag: unit.messenger.humanAgentTag,
      });
    }
    if (unit.zalo) {
      const why = `Zalo OA of unit ${unit.id}, named in the units file`;
      zalo.push({
        unitId: unit.id,
        oaId: unit.zalo.oaId,
        appId: unit.zalo.appId,
        appSecret: need(unit.zalo.appSecretEnv, why),
        oaSecretKey: need(unit.zalo.oaSecretKeyEnv, why),
        accessToken: secret(unit.zalo.accessTokenEnv),
        refreshToken: secret(unit.zalo.refreshTokenEnv),
      });
    }
  }

  if (MESSENGER_ENV.some((n) => secret(n))) {
    const why = 'a Messenger page is configured with MESSENGER_* variables';
    const pageId = need('MESSENGER_PAGE_ID', why);
    if (!messenger.some((m) => m.pageId === pageId)) {
      messenger.push({
        unitId: defaultUnitId,
        pageId,
        appSecret: need('MESSENGER_APP_SECRET', why),
        verifyToken: need('MESSENGER_VERIFY_TOKEN', why),
        pageAccessToken: need('MESSENGER_PAGE_ACCESS_TOKEN', why),
        humanAgentTag: false,
      });
    }
  }
  if ([...ZALO_ENV, 'ZALO_ACCESS_TOKEN', 'ZALO_REFRESH_TOKEN'].some((n) => secret(n))) {
    const why = 'a Zalo OA is configured with ZALO_* variables';
    const oaId = need('ZALO_OA_ID', why);
    if (!zalo.some((z) => z.oaId === oaId)) {
      zalo.push({
        unitId: defaultUnitId,
        oaId,
        appId: need('ZALO_APP_ID', why),
        appSecret: need('ZALO_APP_SECRET', why),
        oaSecretKey: need('ZALO_OA_SECRET_KEY', why),
        accessToken: secret('ZALO_ACCESS_TOKEN'),
        refreshToken: secret('ZALO_REFRESH_TOKEN'),
      });
    }
  }
  const pages = new Set<string>();
  for (const m of messenger) {
    if (pages.has(m.pageId)) throw new ConfigurationError(`Messenger page ${m.pageId} is given to two units`);
    pages.add(m.pageId);
  }
  return { messenger, zalo };
}

@Injectable()
export class ChannelAccounts {
  readonly messenger: MessengerAccount[];
  readonly zalo: ZaloAccount[];
  readonly messengerApiUrl: string;
  readonly zaloApiUrl: string;
  readonly zaloOauthUrl: string;
  readonly messengerAppId: string | undefined;
  readonly httpTimeoutMs: number;
  readonly messengerSendConcurrency: number;
  readonly zaloSendConcurrency: number;

  constructor(config: AppConfig, units: UnitsService) {
    const resolved = resolveChannelAccounts((n) => config.secret(n), units.all(), units.defaultUnit().id);
    this.messenger = resolved.messenger;
    this.zalo = resolved.zalo;
    this.messengerApiUrl = config.env.MESSENGER_API_URL.replace(/\/+$/, '');
    this.zaloApiUrl = config.env.ZALO_API_URL.replace(/\/+$/, '');
    this.zaloOauthUrl = config.env.ZALO_OAUTH_URL.replace(/\/+$/, '');
    this.messengerAppId = config.env.MESSENGER_APP_ID;
    this.httpTimeoutMs = config.env.CHANNEL_HTTP_TIMEOUT_MS;
    this.messengerSendConcurrency = config.env.MESSENGER_SEND_CONCURRENCY;
    this.zaloSendConcurrency = config.env.ZALO_SEND_CONCURRENCY;
  }

  messengerByPage(pageId: string): MessengerAccount | undefined {
    return this.messenger.find((m) => m.pageId === pageId);
  }

  messengerByUnit(unitId: string): MessengerAccount | undefined {
    return this.messenger.find((m) => m.unitId === unitId);
  }

  zaloByOa(oaId: string): ZaloAccount | undefined {
    return this.zalo.find((z) => z.oaId === oaId);
  }

  zaloByUnit(unitId: string): ZaloAccount | undefined {
    return this.zalo.find((z) => z.unitId === unitId);
  }
}
