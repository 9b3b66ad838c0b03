import { Injectable } from '@nestjs/common';
import type { Intent, Reply, TurnContext } from '../../src/messaging';
import { message, text } from '../common/reply-kit';

/** A person, please: the bot hands the conversation over and stays silent until staff release it. */
@Injectable()
export class HumanIntent implements Intent {
  readonly name = 'human';

  handle(ctx: TurnContext): Reply {
    const { unit } = ctx;
    const when = !unit.staffHoursKnown
      ? text('human:handoff_soon_unknown_hours')
      : unit.staffAvailable
        ? text('human:handoff_soon')
        : unit.staffBackAt
          ? text('human:handoff_after_hours', { back: unit.staffBackAt })
          : text('human:handoff_soon_unknown_hours');
    return {
      messages: [message([text('human:handoff_intro'), when])],
      outcome: 'handoff',
      planItems: [],
      topic: 'request',
      effects: [{ type: 'handoff_start', reason: 'asked' }],
    };
  }
}
