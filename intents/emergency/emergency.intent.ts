import { Injectable } from '@nestjs/common';
import type { Intent, Reply, Text, TurnContext } from '../../src/messaging';
import { message, text } from '../common/reply-kit';

/**
 * 115 first, then the unit's emergency phone and address. No menu, no question, no survey, no notice
 * before it. The topic `follow_up` (the router's emergency context) says to call 115 again.
 */
@Injectable()
export class EmergencyIntent implements Intent {
  readonly name = 'emergency';

  handle(ctx: TurnContext): Reply {
    const { unit } = ctx;
    // Right after an emergency reply ("the ambulance is not here yet", "what now?"): call 115 again.
    const followUp = ctx.topic === 'follow_up';
    const paragraphs: Text[] = [text(followUp ? 'emergency:follow_up_115' : 'emergency:call_115')];
    const treatsPatients = unit.kind === 'hospital' || unit.kind === 'health_centre';
    if (treatsPatients) {
      if (unit.emergencyPhone) paragraphs.push(text('emergency:unit_phone', { phone: unit.emergencyPhone }));
      if (unit.emergencyInfo) paragraphs.push(text('emergency:unit_info', { info: unit.emergencyInfo }));
      if (unit.address) paragraphs.push(text('emergency:unit_address', { address: unit.address }));
    }
    paragraphs.push(text(followUp ? 'emergency:follow_up_meanwhile' : 'emergency:meanwhile'));
    return {
      messages: [message(paragraphs, { buttons: [{ title: text('emergency:button_115'), phone: '115' }] })],
      outcome: 'emergency',
      planItems: [],
      topic: followUp ? 'follow_up' : 'urgent',
      flow: null,
    };
  }
}
