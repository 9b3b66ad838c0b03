import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { SendResult } from '../../messaging/channel-sender';
import { ChannelAccounts } from '../channel-accounts';
import { jsonPostFor, type JsonPost } from '../json-post';

interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  fbtrace_id?: string;
}

/** Graph API calls with the page token; the token travels in the query, never in a log line. */
@Injectable()
export class MessengerClient implements OnApplicationShutdown {
  private readonly http: JsonPost;

  constructor(accounts: ChannelAccounts) {
    this.http = jsonPostFor(
      accounts.messengerApiUrl,
      accounts.httpTimeoutMs,
      accounts.messengerSendConcurrency,
    );
  }

  post(path: string, token: string, body: unknown): Promise<{ status: number; data: unknown }> {
    return this.http.post(path, body, { access_token: token });
  }

  onApplicationShutdown(): void {
    this.http.close();
  }
}

/** What a Send API answer means for the outbox (channels.md A.11). */
export function classifyGraphResponse(status: number, data: unknown): SendResult {
  const body = (data ?? {}) as { message_id?: string; error?: GraphError };
  if (status >= 200 && status < 300 && !body.error)
    return { status: 'ok', platformMessageId: body.message_id, httpStatus: status };
  const e = body.error ?? {};
  const code = e.code ?? 0;
  const sub = e.error_subcode ?? 0;
  const errorCode = `${code}${sub ? `/${sub}` : ''}`;
  const error = `Graph API ${status}: ${e.message ?? 'error'}${e.fbtrace_id ? ` (fbtrace_id ${e.fbtrace_id})` : ''}`;
  if (status >= 500) return { status: 'transient', error, httpStatus: status, errorCode };
  if (code === 10 && sub === 2018278)
    return { status: 'window_closed', error, httpStatus: status, errorCode };
  if (code === 551 || sub === 1545041 || sub === 2018001 || sub === 2018108)
    return { status: 'unreachable', error, httpStatus: status, errorCode };
  if ([4, 17, 32, 613].includes(code) || status === 429) {
    return { status: 'transient', error, httpStatus: status, errorCode, retryAfterMs: 60_000 };
  }
  if (code === 2 || code === 1200) return { status: 'transient', error, httpStatus: status, errorCode };
  return { status: 'permanent', error, httpStatus: status, errorCode };
}
