import { Logger } from '@nestjs/common';
import { FixedClock } from '../../common/clock';
import { SecretBox } from '../../common/secret-box';
import type { AppConfig } from '../../config/app-config';
import type { ChannelAccounts, ZaloAccount } from '../channel-accounts';
import type { ZaloClient, ZaloTokenPair } from './zalo.client';
import type { ZaloTokenEntity } from './zalo-token.entity';
import type { ZaloTokenRepository } from './zalo-token.repository';
import { ZaloTokenService } from './zalo-token.service';

const SECRET = 'test-user-key-secret-0123456789abcdef';
const ACCOUNT: ZaloAccount = {
  unitId: 'u',
  oaId: 'OA1',
  appId: 'APP',
  appSecret: 'app-secret',
  oaSecretKey: 'oa-secret',
};

/** A token store in memory with the repository's contract (version check on replace). */
class MemoryTokens {
  row: ZaloTokenEntity | null = null;
  readonly kind = 'sqlite' as const;
  find(): Promise<ZaloTokenEntity | null> {
    return Promise.resolve(this.row ? { ...this.row } : null);
  }
  replace(_m: unknown, _oaId: string, version: number, changes: Partial<ZaloTokenEntity>): Promise<boolean> {
    if (!this.row || this.row.version !== version) return Promise.resolve(false);
    this.row = { ...this.row, ...changes, version: version + 1 };
    return Promise.resolve(true);
  }
  recordError(): Promise<void> {
    return Promise.resolve();
  }
}

function setUp(refresh: () => Promise<ZaloTokenPair>) {
  const clock = new FixedClock(new Date('2026-12-01T00:00:00Z'));
  const box = new SecretBox(SECRET, 'zalo-token-v1');
  const tokens = new MemoryTokens();
  tokens.row = {
    oaId: ACCOUNT.oaId,
    accessToken: box.encrypt('old-access'),
    refreshToken: box.encrypt('old-refresh'),
    expiresAt: new Date(clock.now().getTime() + 60_000),
    version: 0,
    updatedAt: clock.now(),
    lastError: null,
  };
  const config = {
    serverSecret: () => SECRET,
    env: { SHUTDOWN_GRACE_MS: 10_000 },
  } as unknown as AppConfig;
  const service = new ZaloTokenService(
    tokens as unknown as ZaloTokenRepository,
    { zalo: [ACCOUNT] } as unknown as ChannelAccounts,
    { refresh } as unknown as ZaloClient,
    clock,
    config,
  );
  return { service, tokens, box };
}

describe(ZaloTokenService.name, () => {
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(['log', 'error', 'warn']);
  });

  describe('#refreshDue', () => {
    it('should not reject when the stored token cannot be decrypted (a rotated key or a damaged row)', async () => {
      const refresh = jest.fn(() => Promise.reject(new Error('must not be called')));
      const { service, tokens } = setUp(refresh);
      // Sealed under another key, as after USER_KEY_SECRET was rotated.
      tokens.row!.accessToken = new SecretBox('another-secret-0123456789abcdefghij', 'zalo-token-v1').encrypt(
        'x',
      );
      await expect(service.refreshDue()).resolves.toBeUndefined();
      expect(refresh).not.toHaveBeenCalled();
    });

    it('should not reject when Zalo refuses the refresh', async () => {
      const { service } = setUp(() => Promise.reject(new Error('invalid refresh token')));
      await expect(service.refreshDue()).resolves.toBeUndefined();
    });
  });

  describe('#beforeApplicationShutdown', () => {
    it('should wait for a refresh in flight so the new single-use pair is stored', async () => {
      let answer!: (pair: ZaloTokenPair) => void;
      const { service, tokens, box } = setUp(
        () => new Promise<ZaloTokenPair>((resolve) => (answer = resolve)),
      );
      const refreshing = service.refresh(ACCOUNT, 'old-access');
      await new Promise((resolve) => setImmediate(resolve));
      let stopped = false;
      const stopping = service.beforeApplicationShutdown().then(() => (stopped = true));
      await new Promise((resolve) => setImmediate(resolve));
      expect(stopped).toBe(false);
      answer({ accessToken: 'new-access', refreshToken: 'new-refresh', expiresInSeconds: 90_000 });
      await stopping;
      await expect(refreshing).resolves.toBe('new-access');
      expect(box.decrypt(tokens.row!.refreshToken)).toBe('new-refresh');
    });
  });
});
