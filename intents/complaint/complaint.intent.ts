import { Injectable } from '@nestjs/common';
import type { Intent, Reply, TurnContext } from '../../src/messaging';
import { answered, message, quick, text } from '../common/reply-kit';

/** Complaints and feedback: where to send them (domain-facts.md §4; the unit's hotline from the units file). */
@Injectable()
export class ComplaintIntent implements Intent {
  readonly name = 'complaint';

  handle(ctx: TurnContext): Reply {
    const hotline = ctx.unit.hotlines[0];
    const paragraphs = [text('complaint:answers.channels_intro')];
    paragraphs.push(
      hotline
        ? text('complaint:answers.unit_hotline', { label: hotline.label, phone: hotline.phone })
        : text('complaint:answers.unit_hotline_missing'),
    );
    paragraphs.push(text('complaint:answers.channels_moh'));
    return answered(
      [message(paragraphs, { quickReplies: [quick('common:menu.back', 'MENU')] })],
      ['feedback_channels'],
      'channels',
    );
  }
}
