import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import axios from 'axios';
import { resolveChannelAccounts, type ZaloAccount } from '../channels/channel-accounts';
import { ChannelAccountsModule } from '../channels/channel-accounts.module';
import {
  accessTokenLine,
  checkMessengerPage,
  graphVersionLine,
  isZaloTokenError,
  oaSecretKeyLine,
  readZaloAnswer,
  refreshFailedLine,
  type CheckLine,
  type HttpAnswer,
} from '../channels/channel-check';
import { ZaloClient } from '../channels/zalo/zalo.client';
import { ZaloTokenEntity } from '../channels/zalo/zalo-token.entity';
import { ZaloTokenRepository } from '../channels/zalo/zalo-token.repository';
import { ZaloTokenService } from '../channels/zalo/zalo-token.service';
import { ConfigurationError, errorMessage } from '../common/errors';
import { fromRoot } from '../common/project-root';
import { AppConfig } from '../config/app-config';
import { ConfigModule } from '../config/config.module';
import { validateEnv } from '../config/env.schema';
import { DatabaseModule } from '../database/database.module';
import type { Unit } from '../units/unit';
import { loadUnitsFile } from '../units/units.loader';
import { UnitsModule } from '../units/units.module';
import { parseArgs, runCli, UsageError } from './cli-support';

const USAGE = `usage: npm run -s channels:check [-- --unit ID] [--try-refresh | --replace-tokens]
  --unit ID         only this unit (default: every unit)
  --try-refresh     also exchange each OA's refresh token for a new pair and store it, as the bot does.
                    A refresh token works once: this spends it, and the new pair lives in the database.
  --replace-tokens  after a re-authorisation: store the pair now in the OA's token variables in place
                    of the stored one (only if that access token works for this OA)`;

/** The Zalo token store as the bot runs it, without the rest of the app. */
@Module({
  imports: [
    ConfigModule,
    DatabaseModule,
    UnitsModule,
    ChannelAccountsModule,
    TypeOrmModule.forFeature([ZaloTokenEntity]),
  ],
  providers: [ZaloClient, ZaloTokenRepository, ZaloTokenService],
})
class ChannelsCheckModule {}

const MARK = { ok: '✓', fail: '✗', unknown: '?' } as const;

async function fetchAnswer(request: () => Promise<{ status: number; data: unknown }>): Promise<HttpAnswer> {
  try {
    const res = await request();
    const raw = typeof res.data === 'string' ? res.data : JSON.stringify(res.data);
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      data = undefined;
    }
    return { status: res.status, data, raw };
  } catch (error) {
    return { status: 0, data: undefined, raw: errorMessage(error) };
  }
}

/** Which variables hold a unit's Zalo tokens: its units-file block, or the ZALO_* ones. */
function zaloTokenVars(units: Unit[], account: ZaloAccount): { access: string; refresh: string } {
  const block = units.find((u) => u.id === account.unitId && u.zalo?.oaId === account.oaId)?.zalo;
  return block
    ? { access: block.accessTokenEnv, refresh: block.refreshTokenEnv }
    : { access: 'ZALO_ACCESS_TOKEN', refresh: 'ZALO_REFRESH_TOKEN' };
}

/** npm run -s channels:check: calls Meta and Zalo with the configured values and says what is wrong. */
async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), ['unit', 'try-refresh', 'replace-tokens'], USAGE);
  const unitArg = args.get('unit');
  if (unitArg === 'true') throw new UsageError(USAGE);
  const tryRefresh = args.has('try-refresh');
  const replaceTokens = args.has('replace-tokens');
  if (tryRefresh && replaceTokens)
    throw new UsageError(`--try-refresh or --replace-tokens, not both\n${USAGE}`);

  const envFile = fromRoot('.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const config = new AppConfig(validateEnv(process.env), process.env);
  const catalog = loadUnitsFile(config.unitsFile);
  const units = unitArg ? catalog.units.filter((u) => u.id === unitArg) : catalog.units;
  if (!units.length)
    throw new UsageError(`unknown unit "${unitArg}" (units: ${catalog.units.map((u) => u.id).join(', ')})`);

  const lines: string[] = [];
  let failed = false;
  const print = (unitId: string, line: CheckLine) => {
    if (line.status === 'fail') failed = true;
    const text = `${MARK[line.status]} ${unitId} · ${line.subject}: ${line.text}`;
    lines.push(text);
    process.stdout.write(text + '\n');
  };

  let accounts: ReturnType<typeof resolveChannelAccounts>;
  try {
    accounts = resolveChannelAccounts((n) => config.secret(n), catalog.units, catalog.defaultUnitId);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    print('configuration', { status: 'fail', subject: 'channels', text: error.message });
    return 1;
  }
  const selected = new Set(units.map((u) => u.id));
  const pages = accounts.messenger.filter((m) => selected.has(m.unitId));
  const oas = accounts.zalo.filter((z) => selected.has(z.unitId));

  for (const unit of units) {
    if (pages.some((p) => p.unitId === unit.id) || oas.some((z) => z.unitId === unit.id)) continue;
    const line: CheckLine = {
      status: 'fail',
      subject: 'channels',
      text:
        unit.id === catalog.defaultUnitId
          ? 'no Messenger page and no Zalo OA configured: set the MESSENGER_* / ZALO_* variables, or give the unit a messenger: / zalo: block in the units file (docs/channels.md)'
          : 'no Messenger page and no Zalo OA configured: give the unit a messenger: / zalo: block in the units file (the MESSENGER_* / ZALO_* variables serve the default unit only; docs/channels.md)',
    };
    if (unitArg) print(unit.id, line);
    else process.stdout.write(`- ${unit.id} · channels: no Messenger page and no Zalo OA configured\n`);
  }
  if (!pages.length && !oas.length) {
    if (!unitArg)
      print('all units', {
        status: 'fail',
        subject: 'channels',
        text: 'nothing to check: no unit has a Messenger page or a Zalo OA (docs/channels.md)',
      });
    return 1;
  }

  const timeout = config.env.CHANNEL_HTTP_TIMEOUT_MS;
  const graphUrl = config.env.MESSENGER_API_URL.replace(/\/+$/, '');
  if (pages.length) print('all units', graphVersionLine('Messenger', graphUrl));
  for (const page of pages) {
    const block = catalog.units.find(
      (u) => u.id === page.unitId && u.messenger?.pageId === page.pageId,
    )?.messenger;
    const get = (path: string, params: Record<string, string>) =>
      fetchAnswer(() =>
        axios.get(`${graphUrl}${path}`, {
          params,
          timeout,
          validateStatus: () => true,
          responseType: 'text',
        }),
      );
    const checked = await checkMessengerPage(get, {
      unitId: page.unitId,
      pageId: page.pageId,
      pageAccessToken: page.pageAccessToken,
      appSecret: page.appSecret,
      appId: config.env.MESSENGER_APP_ID,
      tokenVar: block?.pageAccessTokenEnv ?? 'MESSENGER_PAGE_ACCESS_TOKEN',
      secretVar: block?.appSecretEnv ?? 'MESSENGER_APP_SECRET',
    });
    for (const line of checked) print(page.unitId, line);
  }

  if (oas.length) {
    // The token store seeds itself from the variables at start-up, exactly as the bot does.
    const app = await NestFactory.createApplicationContext(ChannelsCheckModule, { logger: ['error'] });
    try {
      const tokens = app.get(ZaloTokenService);
      const zaloUrl = config.env.ZALO_API_URL.replace(/\/+$/, '');
      const getOa = async (accessToken: string) =>
        readZaloAnswer(
          await fetchAnswer(() =>
            axios.get(`${zaloUrl}/v2.0/oa/getoa`, {
              headers: { access_token: accessToken },
              timeout,
              validateStatus: () => true,
              responseType: 'text',
            }),
          ),
        );
      for (const oa of oas) {
        const subject = `Zalo OA ${oa.oaId}`;
        const vars = zaloTokenVars(catalog.units, oa);
        print(oa.unitId, oaSecretKeyLine(subject, oa.oaSecretKey, oa.appSecret));
        if (replaceTokens) {
          if (!oa.accessToken || !oa.refreshToken) {
            print(oa.unitId, {
              status: 'fail',
              subject,
              text: `nothing replaced: put the new pair in ${vars.access} and ${vars.refresh} first`,
            });
            continue;
          }
          // A dead or foreign pair must not replace the stored one: only a working token is stored.
          const candidate = accessTokenLine(
            subject,
            oa.oaId,
            `the access token in ${vars.access}`,
            await getOa(oa.accessToken),
          );
          if (candidate.status !== 'ok') {
            print(oa.unitId, { ...candidate, status: 'fail', text: `nothing replaced: ${candidate.text}` });
            continue;
          }
          await tokens.replaceStored(oa, oa.accessToken, oa.refreshToken);
          print(oa.unitId, {
            status: 'ok',
            subject,
            text: `the pair in ${vars.access} and ${vars.refresh} replaced the stored one (encrypted in the database; the bot refreshes it from now on)`,
          });
        }
        let stored: Awaited<ReturnType<ZaloTokenService['stored']>>;
        try {
          stored = await tokens.stored(oa);
        } catch (error) {
          print(oa.unitId, {
            status: 'fail',
            subject,
            text: `the stored token pair cannot be read (${errorMessage(error)}); was USER_KEY_SECRET changed? Re-authorise the OA and store the new pair with --replace-tokens (docs/channels.md, "Re-authorise")`,
          });
          continue;
        }
        if (!stored) {
          print(oa.unitId, {
            status: 'fail',
            subject,
            text: `no access token: put the first pair from the OA's authorisation in ${vars.access} and ${vars.refresh} (docs/channels.md, "First tokens")`,
          });
          continue;
        }
        const answer = await getOa(stored.accessToken);
        const line = accessTokenLine(subject, oa.oaId, 'the stored access token', answer);
        // An expired access token is normal after a day without the bot: the refresh tried below decides.
        const refreshDecides = tryRefresh && line.status === 'fail' && isZaloTokenError(answer.code);
        print(oa.unitId, refreshDecides ? { ...line, status: 'unknown' } : line);
        if (!tryRefresh) {
          print(
            oa.unitId,
            stored.lastError
              ? {
                  status: 'fail',
                  subject,
                  text: `the bot's last token refresh failed (${stored.lastError}): if the refresh token is dead, an OA admin must re-authorise the OA (docs/channels.md, "Re-authorise")`,
                }
              : {
                  status: 'unknown',
                  subject,
                  text: 'the refresh token was not tried: it works only once, so trying spends it; run with --try-refresh to exchange it and store the new pair as the bot does',
                },
          );
          continue;
        }
        let fresh: string;
        try {
          fresh = await tokens.refresh(oa, stored.accessToken);
        } catch (error) {
          print(oa.unitId, refreshFailedLine(subject, errorMessage(error)));
          continue;
        }
        print(oa.unitId, {
          status: 'ok',
          subject,
          text: `the refresh token worked: Zalo issued a new pair, now stored (encrypted) in the database; the old refresh token is spent, so ${vars.refresh} no longer matters (the database keeps the live one)`,
        });
        print(oa.unitId, accessTokenLine(subject, oa.oaId, 'the new access token', await getOa(fresh)));
      }
    } finally {
      await app.close();
    }
  }
  return failed ? 1 : 0;
}

if (require.main === module) runCli('channels:check', main);
