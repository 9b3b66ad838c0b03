import { Injectable } from '@nestjs/common';
import type { Intent, Reply, Text, TurnContext } from '../../src/messaging';
import { message, text } from '../common/reply-kit';

/** 115 first, then the unit's emergency phone and address. No menu, no question, no survey, no notice before it. */
@Injectable()
export class EmergencyIntent implements Intent {
  readonly name = 'emergency';

  handle(ctx: TurnContext): Reply {
    const { unit } = ctx;
    const paragraphs: Text[] = [text('emergency:call_115')];
    const treatsPatients = unit.kind === 'hospital' || unit.kind === 'health_centre';
    if (treatsPatients) {
      if (unit.emergencyPhone) paragraphs.push(text('emergency:unit_phone', { phone: unit.emergencyPhone }));
      if (unit.emergencyInfo) paragraphs.push(text('emergency:unit_info', { info: unit.emergencyInfo }));
      if (unit.address) paragraphs.push(text('emergency:unit_address', { address: unit.address }));
    }
    paragraphs.push(text('emergency:meanwhile'));
    return {
      messages: [message(paragraphs, { buttons: [{ title: text('emergency:button_115'), phone: '115' }] })],
      outcome: 'emergency',
      planItems: [],
      topic: 'urgent',
      flow: null,
    };
  }
}
