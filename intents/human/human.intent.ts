import { Injectable } from '@nestjs/common';
import type { Intent, Reply, TurnContext } from '../../src/messaging';
import { answered, message, quick, text } from '../common/reply-kit';

/**
 * A person, please. In office hours (or when the unit has not given its hours) the conversation goes
 * to staff at once and the bot stays silent. After hours the bot says when staff are back and offers
 * a callback or a complaint ticket first, so that nothing asked at night is lost. Also "delete my data".
 */
@Injectable()
export class HumanIntent implements Intent {
  readonly name = 'human';

  handle(ctx: TurnContext): Reply {
    const flow = ctx.conversation.flow?.intent === 'human' ? ctx.conversation.flow : null;
    if (flow?.step === 'callback_value' || ctx.topic === 'callback_value')
      return this.callbackValue(ctx, Number(flow?.data.tries ?? 0));
    switch (ctx.topic) {
      case 'delete_data':
        return {
          ...answered(
            [message([text('human:delete_data')], { quickReplies: [quick('common:menu.back', 'MENU')] })],
            ['data_protection'],
            'delete_data',
            false,
          ),
          effects: [{ type: 'data_deletion_request' }, { type: 'consent', granted: false }],
        };
      case 'callback':
        return {
          messages: [
            message([text('human:callback_ask')], { quickReplies: [quick('human:callback_cancel', 'MENU')] }),
          ],
          outcome: 'answered',
          planItems: [],
          topic: 'callback',
          flow: { intent: 'human', step: 'callback_value', data: { tries: 0 } },
        };
      case 'handoff':
        return this.handoff(ctx);
      default:
        return this.request(ctx);
    }
  }

  private request(ctx: TurnContext): Reply {
    const { unit } = ctx;
    if (!unit.staffHoursKnown || unit.staffAvailable || !unit.staffBackAt) return this.handoff(ctx);
    return {
      messages: [
        message([text('human:after_hours', { back: unit.staffBackAt })], {
          quickReplies: [
            quick('human:offer_callback', 'human:callback'),
            quick('human:offer_complaint', 'complaint:file'),
            quick('human:offer_wait', 'human:handoff'),
          ],
        }),
      ],
      outcome: 'answered',
      planItems: [],
      topic: 'request',
    };
  }

  private handoff(ctx: TurnContext): Reply {
    const { unit } = ctx;
    const when = !unit.staffHoursKnown
      ? text('human:handoff_soon_unknown_hours')
      : unit.staffAvailable
        ? text('human:handoff_soon')
        : text('human:handoff_after_hours', { back: unit.staffBackAt ?? '' });
    return {
      messages: [message([text('human:handoff_intro'), when, text('human:handoff_emergency')])],
      outcome: 'handoff',
      planItems: [],
      topic: 'request',
      flow: null,
      effects: [{ type: 'handoff_start', reason: 'asked' }],
    };
  }

  private callbackValue(ctx: TurnContext, tries: number): Reply {
    const phone = ctx.input.understanding?.entities.find((e) => e.type === 'phone');
    if (phone) {
      return {
        messages: [
          message([text('human:callback_done', { back: ctx.unit.staffBackAt ?? '' })], {
            quickReplies: [quick('common:menu.back', 'MENU')],
          }),
        ],
        outcome: 'handoff',
        planItems: [],
        topic: 'callback',
        flow: null,
        effects: [{ type: 'callback_request', contact: phone.normalized }],
      };
    }
    if (tries >= 1 || ctx.input.payload) {
      return {
        ...answered(
          [message([text('human:callback_given_up')], { quickReplies: [quick('common:menu.back', 'MENU')] })],
          [],
          'callback',
          false,
        ),
        flow: null,
      };
    }
    return {
      messages: [
        message([text('human:callback_not_found')], {
          quickReplies: [quick('human:callback_cancel', 'MENU')],
        }),
      ],
      outcome: 'answered',
      planItems: [],
      topic: 'callback',
      flow: { intent: 'human', step: 'callback_value', data: { tries: tries + 1 } },
    };
  }
}
