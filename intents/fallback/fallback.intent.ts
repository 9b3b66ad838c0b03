import { Injectable } from '@nestjs/common';
import type { Intent, Reply, ReplyQuickReply, TurnContext } from '../../src/messaging';
import { mainMenu, message, quick, text } from '../common/reply-kit';

/** Out of scope, unclear, a medical question, an attachment: say so honestly and offer a way on. */
@Injectable()
export class FallbackIntent implements Intent {
  readonly name = 'fallback';

  handle(ctx: TurnContext): Reply {
    if (ctx.topic === 'clarify') return this.clarify(ctx);
    if (ctx.topic === 'medical_advice') {
      return {
        messages: [
          message([text('fallback:medical_advice')], {
            buttons: [{ title: text('fallback:call_115'), phone: '115' }],
            quickReplies: [quick('fallback:book', 'unit_info:booking'), quick('common:menu.back', 'MENU')],
          }),
        ],
        outcome: 'fallback',
        planItems: [],
        topic: 'medical_advice',
      };
    }
    if (ctx.topic === 'attachment') {
      return {
        messages: [message([text('fallback:attachment')], { quickReplies: mainMenu() })],
        outcome: 'fallback',
        planItems: [],
        topic: 'attachment',
      };
    }
    const secondMiss = ctx.conversation.missCount >= 1;
    return {
      messages: [
        message([text(secondMiss ? 'fallback:offer_human' : 'fallback:not_understood')], {
          quickReplies: secondMiss
            ? [quick('common:menu.human', 'HUMAN'), ...mainMenu().filter((q) => q.payload !== 'HUMAN')]
            : mainMenu(),
        }),
      ],
      outcome: 'fallback',
      planItems: [],
      topic: ctx.topic ?? 'out_of_scope',
    };
  }

  private clarify(ctx: TurnContext): Reply {
    const ranking = ctx.input.understanding?.ranking ?? [];
    const options: ReplyQuickReply[] = ranking
      .filter((r) => r.topic && r.intent !== 'fallback')
      .slice(0, 2)
      .map((r) => quick(`${r.intent}:topics.${r.topic}`, `${r.intent}:${r.topic}`));
    return {
      messages: [
        message([text('fallback:clarify')], {
          quickReplies: [...options, quick('common:menu.other', 'MENU')],
        }),
      ],
      outcome: 'clarified',
      planItems: [],
      topic: 'clarify',
    };
  }
}
