import { Injectable } from '@nestjs/common';
import type { Intent, Reply, TurnContext } from '../../src/messaging';
import { mainMenu, message, quick, text } from '../common/reply-kit';

/** The 👍 / 👎 question after a served answer, and the answer to it (recorded as satisfaction). */
@Injectable()
export class SatisfactionIntent implements Intent {
  readonly name = 'satisfaction';

  handle(ctx: TurnContext): Reply {
    if (ctx.topic === 'up' || ctx.topic === 'down') {
      return {
        messages: [message([text(`satisfaction:thanks_${ctx.topic}`)], { quickReplies: mainMenu() })],
        outcome: 'answered',
        planItems: [],
        topic: ctx.topic,
        effects: [{ type: 'satisfaction', value: ctx.topic }],
      };
    }
    return {
      messages: [
        message([text('satisfaction:ask')], {
          quickReplies: [quick('satisfaction:up', 'SAT_UP'), quick('satisfaction:down', 'SAT_DOWN')],
        }),
      ],
      outcome: 'answered',
      planItems: [],
      topic: 'ask',
    };
  }
}
