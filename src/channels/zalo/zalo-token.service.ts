import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Clock } from '../../common/clock';
import { errorMessage } from '../../common/errors';
import { SecretBox } from '../../common/secret-box';
import { AppConfig } from '../../config/app-config';
import { ChannelAccounts, type ZaloAccount } from '../channel-accounts';
import { ZaloClient } from './zalo.client';
import { ZaloTokenRepository } from './zalo-token.repository';

/** Refresh when less than this remains (tokens live 25 h: refreshed at about 20 h). */
const REFRESH_AHEAD_MS = 5 * 3600_000;
const CHECK_EVERY_MS = 5 * 60_000;

/**
 * The OA access token and its rotating, single-use refresh token. Refreshed ahead of expiry by a
 * timer and once on an invalid-token error; one refresh per OA at a time (in-process single flight,
 * plus a row lock on PostgreSQL for several instances); the new pair is committed before it is used.
 */
@Injectable()
export class ZaloTokenService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ZaloTokenService.name);
  private readonly box: SecretBox;
  private readonly inflight = new Map<string, Promise<string>>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repository: ZaloTokenRepository,
    private readonly accounts: ChannelAccounts,
    private readonly client: ZaloClient,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    this.box = new SecretBox(config.serverSecret('USER_KEY_SECRET'), 'zalo-token-v1');
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const account of this.accounts.zalo) {
      if (!account.accessToken || !account.refreshToken) continue;
      // The environment only seeds the store: the database keeps the pair Zalo last issued.
      await this.repository.insertIfMissing({
        oaId: account.oaId,
        accessToken: this.box.encrypt(account.accessToken),
        refreshToken: this.box.encrypt(account.refreshToken),
        // Unknown age: refresh at the first check rather than trust it for 25 hours.
        expiresAt: new Date(this.clock.now().getTime() + REFRESH_AHEAD_MS),
        version: 0,
        updatedAt: this.clock.now(),
        lastError: null,
      });
    }
    if (this.accounts.zalo.length) {
      this.timer = setInterval(() => void this.refreshDue(), CHECK_EVERY_MS);
      this.timer.unref();
    }
  }

  /**
   * Before the database closes: a refresh in flight has spent the single-use refresh token, and only
   * its commit keeps the new pair — losing it means staff must re-authorise the OA by hand.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const deadline = Date.now() + this.config.env.SHUTDOWN_GRACE_MS;
    while (this.inflight.size && Date.now() < deadline) {
      await Promise.race([
        Promise.allSettled([...this.inflight.values()]),
        new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())).unref()),
      ]);
    }
    if (this.inflight.size)
      this.logger.error({
        msg: 'shut down with a Zalo token refresh unfinished; check the OA token at the next start',
        oaIds: [...this.inflight.keys()],
      });
  }

  /** The access token to use now (refreshed first when it is about to expire). */
  async accessToken(account: ZaloAccount): Promise<string> {
    const row = await this.repository.find(account.oaId);
    if (!row)
      throw new Error(`no Zalo token for OA ${account.oaId}: set ZALO_ACCESS_TOKEN and ZALO_REFRESH_TOKEN`);
    if (row.expiresAt.getTime() - this.clock.now().getTime() < 60_000)
      return this.refresh(account, this.box.decrypt(row.accessToken));
    return this.box.decrypt(row.accessToken);
  }

  /**
   * The stored pair as it is, never refreshed: for channels:check, which must not spend the
   * single-use refresh token unless asked to.
   */
  async stored(
    account: ZaloAccount,
  ): Promise<{ accessToken: string; expiresAt: Date; lastError: string | null } | undefined> {
    const row = await this.repository.find(account.oaId);
    if (!row) return undefined;
    return {
      accessToken: this.box.decrypt(row.accessToken),
      expiresAt: row.expiresAt,
      lastError: row.lastError,
    };
  }

  /**
   * Re-authorisation: a pair an OA admin just obtained replaces the stored one, which the start-up
   * seeding never overwrites (the database keeps the live pair, the variables only seed it).
   */
  async replaceStored(account: ZaloAccount, accessToken: string, refreshToken: string): Promise<void> {
    const now = this.clock.now();
    const sealed = {
      accessToken: this.box.encrypt(accessToken),
      refreshToken: this.box.encrypt(refreshToken),
      // Unknown age, as for the seed: refreshed at the first check.
      expiresAt: new Date(now.getTime() + REFRESH_AHEAD_MS),
      updatedAt: now,
    };
    const row = await this.repository.find(account.oaId);
    if (!row) {
      await this.repository.insertIfMissing({ ...sealed, oaId: account.oaId, version: 0, lastError: null });
      return;
    }
    if (!(await this.repository.replace(null, account.oaId, row.version, sealed)))
      throw new Error(`Zalo token of OA ${account.oaId} changed meanwhile (a refresh ran): try again`);
  }

  /** Refreshes, unless someone already replaced `staleAccessToken` meanwhile (then returns theirs). */
  refresh(account: ZaloAccount, staleAccessToken: string): Promise<string> {
    const running = this.inflight.get(account.oaId);
    if (running) return running;
    const task = this.doRefresh(account, staleAccessToken).finally(() => this.inflight.delete(account.oaId));
    this.inflight.set(account.oaId, task);
    return task;
  }

  /**
   * Refreshes every OA whose token expires within the margin (the timer; also callable from tests).
   * Never rejects: it runs from a timer, where a rejection would end the process.
   */
  async refreshDue(): Promise<void> {
    for (const account of this.accounts.zalo) {
      try {
        const row = await this.repository.find(account.oaId);
        if (!row || row.expiresAt.getTime() - this.clock.now().getTime() > REFRESH_AHEAD_MS) continue;
        await this.refresh(account, this.box.decrypt(row.accessToken));
      } catch (error) {
        // A rotated USER_KEY_SECRET or a damaged row: said once per check, the next OA still served.
        this.logger.error({
          msg: 'scheduled Zalo token refresh failed',
          oaId: account.oaId,
          error: errorMessage(error),
        });
      }
    }
  }

  private async doRefresh(account: ZaloAccount, stale: string): Promise<string> {
    try {
      if (this.repository.kind === 'postgres') {
        return await this.repository.withLock(account.oaId, async (row, manager) => {
          if (!row) throw new Error(`no Zalo token for OA ${account.oaId}`);
          const current = this.box.decrypt(row.accessToken);
          if (current !== stale) return current; // another instance refreshed while we waited for the lock
          return this.exchange(account, row.version, this.box.decrypt(row.refreshToken), manager);
        });
      }
      // SQLite: one process; the in-process single flight is the lock, and the write checks the version.
      const row = await this.repository.find(account.oaId);
      if (!row) throw new Error(`no Zalo token for OA ${account.oaId}`);
      const current = this.box.decrypt(row.accessToken);
      if (current !== stale) return current;
      return await this.exchange(account, row.version, this.box.decrypt(row.refreshToken), null);
    } catch (error) {
      const message = errorMessage(error);
      this.logger.error({
        msg: 'Zalo token refresh failed; staff must re-authorise the OA if it persists',
        oaId: account.oaId,
        error: message,
      });
      await this.repository.recordError(account.oaId, message).catch(() => undefined);
      throw error;
    }
  }

  private async exchange(
    account: ZaloAccount,
    version: number,
    refreshToken: string,
    manager: Parameters<ZaloTokenRepository['replace']>[0],
  ): Promise<string> {
    const pair = await this.client.refresh(account, refreshToken);
    const now = this.clock.now();
    const saved = await this.repository.replace(manager, account.oaId, version, {
      accessToken: this.box.encrypt(pair.accessToken),
      refreshToken: this.box.encrypt(pair.refreshToken),
      expiresAt: new Date(now.getTime() + pair.expiresInSeconds * 1000),
      updatedAt: now,
    });
    if (!saved) throw new Error(`Zalo token of OA ${account.oaId} changed during the refresh`);
    this.logger.log({
      msg: 'Zalo access token refreshed',
      oaId: account.oaId,
      expiresInSeconds: pair.expiresInSeconds,
    });
    return pair.accessToken;
  }
}
