import { Injectable } from '@nestjs/common';
import type { Intent, Reply, Text, TurnContext } from '../../src/messaging';
import { message, text } from '../common/reply-kit';

/** 115 first, then the unit's emergency phone and address. No menu, no question, no survey. */
@Injectable()
export class EmergencyIntent implements Intent {
  readonly name = 'emergency';

  handle(ctx: TurnContext): Reply {
    const { unit } = ctx;
    const paragraphs: Text[] = [text('emergency:call_115')];
    if (unit.emergencyPhone) paragraphs.push(text('emergency:unit_phone', { phone: unit.emergencyPhone }));
    if (unit.address) paragraphs.push(text('emergency:unit_address', { address: unit.address }));
    return {
      messages: [message(paragraphs, { buttons: [{ title: text('emergency:button_115'), phone: '115' }] })],
      outcome: 'emergency',
      planItems: [],
      topic: 'urgent',
    };
  }
}
