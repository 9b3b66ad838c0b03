import { Injectable } from '@nestjs/common';
import type { ChannelSender, SendResult } from '../../messaging/channel-sender';

/**
 * The web chat has no platform to call: a reply is delivered in the HTTP answer of its turn, and
 * later messages (staff replies) are fetched by the page from GET /api/chat/messages.
 */
@Injectable()
export class WebSender implements ChannelSender {
  readonly channel = 'web' as const;
  /** Nothing leaves the process: the bound only keeps one batch of claims reasonable. */
  readonly concurrency = 256;

  send(): Promise<SendResult> {
    return Promise.resolve({ status: 'ok' });
  }
}
