import { Injectable } from '@nestjs/common';
import type { Intent, Reply, TurnContext } from '../../src/messaging';
import { answered, mainMenu, message, text } from '../common/reply-kit';

const TOPICS = new Set(['hello', 'thanks', 'goodbye', 'ack', 'menu']);

/** Hello, thanks, goodbye, acknowledgements; the main menu. */
@Injectable()
export class GreetingIntent implements Intent {
  readonly name = 'greeting';

  handle(ctx: TurnContext): Reply {
    const topic = ctx.topic && TOPICS.has(ctx.topic) ? ctx.topic : 'hello';
    return answered([message([text(`greeting:${topic}`)], { quickReplies: mainMenu() })], [], topic, false);
  }
}
