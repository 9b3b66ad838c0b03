import { Injectable } from '@nestjs/common';
import type { Intent, Reply, Text, TurnContext } from '../../src/messaging';
import { answered, message, quick, text } from '../common/reply-kit';

/** The unit's own details, from the units file; a detail not filled in yet is said to be missing. */
@Injectable()
export class UnitInfoIntent implements Intent {
  readonly name = 'unit_info';

  handle(ctx: TurnContext): Reply {
    const { unit } = ctx;
    const topic = ctx.topic === 'hours' || ctx.topic === 'phones' ? ctx.topic : 'address';
    const paragraphs: Text[] = [];
    if (topic === 'address') {
      paragraphs.push(
        unit.address
          ? text('unit_info:answers.address', { address: unit.address })
          : text('unit_info:answers.address_missing'),
      );
    } else if (topic === 'hours') {
      paragraphs.push(
        unit.workingHours
          ? text('unit_info:answers.hours', { hours: unit.workingHours })
          : text('unit_info:answers.hours_missing'),
      );
    } else {
      const phones = [
        ...(unit.switchboard ? [unit.switchboard] : []),
        ...unit.hotlines.map((h) => `${h.label}: ${h.phone}`),
      ];
      paragraphs.push(
        phones.length
          ? text('unit_info:answers.phones', { phones: phones.join('; ') })
          : text('unit_info:answers.phones_missing'),
      );
    }
    if (unit.website) paragraphs.push(text('unit_info:answers.website', { website: unit.website }));
    return answered(
      [
        message(paragraphs, {
          quickReplies: [
            quick('unit_info:topics.address', 'unit_info:address'),
            quick('unit_info:topics.hours', 'unit_info:hours'),
            quick('unit_info:topics.phones', 'unit_info:phones'),
            quick('common:menu.back', 'MENU'),
          ].filter((q) => q.payload !== `unit_info:${topic}`),
        }),
      ],
      ['unit_services'],
      topic,
    );
  }
}
