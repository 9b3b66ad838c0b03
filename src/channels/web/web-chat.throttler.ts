import { HttpException, HttpStatus, Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  ThrottlerGuard,
  ThrottlerStorageService,
  type ThrottlerLimitDetail,
  type ThrottlerOptions,
} from '@nestjs/throttler';
import { AppConfig } from '../../config/app-config';
import type { EnvironmentVariables } from '../../config/env.schema';

/** Counters of the web chat only, in this process (several instances: each counts its own). */
@Injectable()
export class WebChatThrottlerStorage extends ThrottlerStorageService {}

interface ChatRequest {
  method?: string;
  body?: unknown;
  query?: unknown;
}

const MINUTE_MS = 60_000;

/** The session a request speaks for: the body's sessionId (POST) or the query's (the poll). */
function sessionOf(request: ChatRequest): string | undefined {
  const source = request.method === 'GET' ? request.query : request.body;
  const id = (source as { sessionId?: unknown } | undefined)?.sessionId;
  return typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : undefined;
}

const isPoll = (context: ExecutionContext) =>
  context.switchToHttp().getRequest<ChatRequest>().method === 'GET';

function webChatThrottlers(env: EnvironmentVariables): ThrottlerOptions[] {
  return [
    {
      name: 'session',
      ttl: MINUTE_MS,
      limit: (c) => (isPoll(c) ? env.WEB_CHAT_POLL_RATE_PER_MINUTE : env.WEB_CHAT_RATE_PER_MINUTE),
      getTracker: (request) => sessionOf(request) ?? '',
      // No valid session: the validation answers 400; the per-IP limit still applies.
      skipIf: (c) => !sessionOf(c.switchToHttp().getRequest<ChatRequest>()),
    },
    {
      name: 'ip',
      ttl: MINUTE_MS,
      limit: (c) => (isPoll(c) ? env.WEB_CHAT_POLL_IP_RATE_PER_MINUTE : env.WEB_CHAT_IP_RATE_PER_MINUTE),
    },
  ];
}

/**
 * Rate limits of the public web chat, per session and per client IP (request.ip: the proxy setting
 * decides what that is). Anyone can reach the page, and every public turn is evidence, so a flood
 * must not turn into figures. Webhooks are signed by their platform and are not limited here.
 */
@Injectable()
export class WebChatThrottlerGuard extends ThrottlerGuard {
  // Explicit tokens: the parent's own parameter decorators (the global ThrottlerModule's) are inherited otherwise.
  constructor(
    @Inject(AppConfig) config: AppConfig,
    @Inject(WebChatThrottlerStorage) storage: WebChatThrottlerStorage,
    @Inject(Reflector) reflector: Reflector,
  ) {
    super({ throttlers: webChatThrottlers(config.env), setHeaders: false }, storage, reflector);
  }

  protected override throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const seconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    // The library names the header per throttler (Retry-After-ip); clients and proxies read this one.
    this.setResponseHeader(context.switchToHttp().getResponse(), 'Retry-After', seconds);
    throw new HttpException(
      {
        code: 'rate_limited',
        message:
          `Dạ, anh/chị đã gửi nhiều tin nhắn liên tiếp, xin vui lòng đợi ${seconds} giây rồi gửi lại ạ. ` +
          `— Too many messages: please wait ${seconds} seconds and send again.`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}
