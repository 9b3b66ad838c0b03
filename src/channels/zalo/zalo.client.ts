import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import axios, { type AxiosInstance } from 'axios';
import { ChannelAccounts, type ZaloAccount } from '../channel-accounts';
import { jsonPostFor, type JsonPost } from '../json-post';

export interface ZaloResponse {
  error?: number;
  message?: string;
  data?: { message_id?: string };
}

export interface ZaloTokenPair {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
}

class ZaloOAuthError extends Error {
  override readonly name = 'ZaloOAuthError';
}

/** OA API and OAuth calls. Tokens go in headers and form bodies only, never in URLs or logs. */
@Injectable()
export class ZaloClient implements OnApplicationShutdown {
  /** The send path: kept-alive connections, no axios (JsonPoster says why). */
  private readonly api: JsonPost;
  private readonly oauth: AxiosInstance;

  constructor(accounts: ChannelAccounts) {
    this.api = jsonPostFor(accounts.zaloApiUrl, accounts.httpTimeoutMs, accounts.zaloSendConcurrency);
    this.oauth = axios.create({
      baseURL: accounts.zaloOauthUrl,
      timeout: accounts.httpTimeoutMs,
      validateStatus: () => true,
    });
  }

  sendCs(accessToken: string, body: unknown): Promise<{ status: number; data: ZaloResponse }> {
    return this.sendMessage('cs', accessToken, body);
  }

  /** A promotion message (tin truyền thông): to followers, paid from the OA's quota. */
  sendPromotion(accessToken: string, body: unknown): Promise<{ status: number; data: ZaloResponse }> {
    return this.sendMessage('promotion', accessToken, body);
  }

  private async sendMessage(
    kind: 'cs' | 'promotion',
    accessToken: string,
    body: unknown,
  ): Promise<{ status: number; data: ZaloResponse }> {
    const res = await this.api.post(`/v3.0/oa/message/${kind}`, body, undefined, {
      access_token: accessToken,
    });
    const data = res.data && typeof res.data === 'object' ? (res.data as ZaloResponse) : {};
    return { status: res.status, data };
  }

  onApplicationShutdown(): void {
    this.api.close();
  }

  /** Exchanges the single-use refresh token for a new pair (Zalo OAuth v4, OA flow). */
  async refresh(account: ZaloAccount, refreshToken: string): Promise<ZaloTokenPair> {
    const form = new URLSearchParams({
      refresh_token: refreshToken,
      app_id: account.appId,
      grant_type: 'refresh_token',
    });
    const res = await this.oauth.post('/v4/oa/access_token', form.toString(), {
      headers: { 'content-type': 'application/x-www-form-urlencoded', secret_key: account.appSecret },
    });
    const data = (res.data ?? {}) as Record<string, unknown>;
    if (
      res.status !== 200 ||
      typeof data.access_token !== 'string' ||
      typeof data.refresh_token !== 'string'
    ) {
      const reason = [data.error, data.error_name, data.error_reason, data.error_description]
        .filter((x): x is string | number => typeof x === 'string' || typeof x === 'number')
        .join(' ');
      throw new ZaloOAuthError(
        `Zalo token refresh failed (HTTP ${res.status}${reason ? `: ${reason}` : ''})`,
      );
    }
    return {
      accessToken: data.access_token,
      refreshToken: data.refresh_token,
      expiresInSeconds: Number(data.expires_in ?? 90000) || 90000,
    };
  }
}
