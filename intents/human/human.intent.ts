import { Injectable } from '@nestjs/common';
import type { Intent, Reply, Text, TurnContext, UnitView } from '../../src/messaging';
import { answered, message, quick, text } from '../common/reply-kit';
import { yesNo } from '../../src/common/yes-no';

/**
 * A person, please. In office hours (or when the unit has not given its hours) the conversation goes
 * to staff at once and the bot stays silent — never before it has said when and how a person answers:
 * with no hours known, "as soon as they can" (no time promised), the unit's phone when it has one, 115,
 * a call-back and a way back to the bot. After hours the bot says when staff are back and offers a
 * callback or a complaint ticket first, so that nothing asked at night is lost. Also "delete my data".
 */
@Injectable()
export class HumanIntent implements Intent {
  readonly name = 'human';

  handle(ctx: TurnContext): Reply {
    const flow = ctx.conversation.flow?.intent === 'human' ? ctx.conversation.flow : null;
    if (ctx.topic === 'callback_cancel') return this.callbackCancelled();
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
            message([text('human:callback_ask')], {
              quickReplies: [quick('human:callback_cancel', 'human:callback_cancel')],
            }),
          ],
          outcome: 'answered',
          planItems: [],
          topic: 'callback',
          flow: { intent: 'human', step: 'callback_value', data: { tries: 0 } },
        };
      case 'handoff':
        return this.handoff(ctx);
      case 'resume':
        return {
          ...answered(
            [message([text('human:resumed')], { quickReplies: [quick('common:menu.back', 'MENU')] })],
            [],
            'resume',
            false,
          ),
          flow: null,
          effects: [{ type: 'handoff_end' }],
        };
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
    const hoursKnown = unit.staffHoursKnown && (unit.staffAvailable || !!unit.staffBackAt);
    const paragraphs: Text[] = [text('human:handoff_intro')];
    if (!hoursKnown) {
      paragraphs.push(text('human:handoff_soon_unknown_hours'));
      paragraphs.push(callNow(unit));
    } else if (unit.staffAvailable) {
      paragraphs.push(text('human:handoff_soon'));
    } else {
      paragraphs.push(text('human:handoff_after_hours', { back: unit.staffBackAt ?? '' }));
    }
    paragraphs.push(text('human:handoff_emergency'), text('human:handoff_resume_hint'));
    return {
      messages: [
        message(paragraphs, {
          quickReplies: [
            ...(hoursKnown ? [] : [quick('human:offer_callback', 'human:callback')]),
            quick('human:resume', 'human:resume'),
          ],
        }),
      ],
      outcome: 'handoff',
      planItems: [],
      topic: 'request',
      flow: null,
      effects: [{ type: 'handoff_start', reason: 'asked' }],
    };
  }

  private callbackCancelled(): Reply {
    return {
      ...answered(
        [message([text('human:callback_cancelled')], { quickReplies: [quick('common:menu.back', 'MENU')] })],
        [],
        'callback',
        false,
      ),
      flow: null,
    };
  }

  private callbackValue(ctx: TurnContext, tries: number): Reply {
    const phone = ctx.input.understanding?.entities.find((e) => e.type === 'phone');
    const answer = phone || ctx.input.kind !== 'text' ? null : yesNo(ctx.input.text ?? '');
    if (answer === 'no') return this.callbackCancelled();
    if (answer === 'yes') {
      // "Có" to the question: the number is still to come; this is not a failed try.
      return {
        messages: [
          message([text('human:callback_number_please')], {
            quickReplies: [quick('human:callback_cancel', 'human:callback_cancel')],
          }),
        ],
        outcome: 'answered',
        planItems: [],
        topic: 'callback',
        flow: { intent: 'human', step: 'callback_value', data: { tries } },
      };
    }
    if (phone) {
      const back = ctx.unit.staffHoursKnown ? ctx.unit.staffBackAt : null;
      return {
        messages: [
          message([back ? text('human:callback_done', { back }) : text('human:callback_done_soon')], {
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
          quickReplies: [quick('human:callback_cancel', 'human:callback_cancel')],
        }),
      ],
      outcome: 'answered',
      planItems: [],
      topic: 'callback',
      flow: { intent: 'human', step: 'callback_value', data: { tries: tries + 1 } },
    };
  }
}

/** The number a citizen can call while waiting (the first hotline, else the switchboard), or a call-back. */
function callNow(unit: UnitView): Text {
  const hotline = unit.hotlines[0];
  if (hotline) return text('human:handoff_call_hotline', { label: hotline.label, phone: hotline.phone });
  if (unit.switchboard) return text('human:handoff_call_switchboard', { phone: unit.switchboard });
  return text('human:handoff_leave_number');
}
