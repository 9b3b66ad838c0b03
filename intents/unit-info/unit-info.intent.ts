import { Injectable } from '@nestjs/common';
import type { Intent, Reply, Text, TurnContext, UnitView } from '../../src/messaging';
import { answered, message, quick, text, topicChoices } from '../common/reply-kit';

const TOPICS = [
  'address',
  'hours',
  'phones',
  'departments',
  'booking',
  'visiting_hours',
  'emergency_department',
] as const;
type Topic = (typeof TOPICS)[number];
const RELATED: Record<Topic, Topic[]> = {
  address: ['hours', 'phones', 'booking'],
  hours: ['booking', 'address', 'visiting_hours'],
  phones: ['address', 'hours', 'departments'],
  departments: ['booking', 'phones'],
  booking: ['hours', 'departments', 'phones'],
  visiting_hours: ['hours', 'address'],
  emergency_department: ['address', 'phones'],
};

/** The unit's own details, from the units file. A detail not filled in yet is said to be missing — never guessed. */
@Injectable()
export class UnitInfoIntent implements Intent {
  readonly name = 'unit_info';

  handle(ctx: TurnContext): Reply {
    const topic = (TOPICS as readonly string[]).includes(ctx.topic ?? '') ? (ctx.topic as Topic) : null;
    if (!topic) {
      return answered(
        [
          message([text('unit_info:menu')], {
            quickReplies: [...topicChoices('unit_info', [...TOPICS]), quick('common:menu.back', 'MENU')],
          }),
        ],
        ['unit_services'],
        'menu',
        false,
      );
    }
    const paragraphs = this.answer(topic, ctx.unit);
    if (ctx.unit.website && topic !== 'emergency_department')
      paragraphs.push(text('unit_info:website', { website: ctx.unit.website }));
    return answered(
      [
        message(paragraphs, {
          quickReplies: [...topicChoices('unit_info', RELATED[topic]), quick('common:menu.back', 'MENU')],
        }),
      ],
      ['unit_services'],
      topic,
    );
  }

  private answer(topic: Topic, unit: UnitView): Text[] {
    const missing = (what: string) => [text(`unit_info:missing_${what}`)];
    switch (topic) {
      case 'address':
        return unit.address
          ? [text('unit_info:answers.address', { address: unit.address })]
          : missing('address');
      case 'hours':
        return unit.workingHours
          ? [text('unit_info:answers.hours', { hours: unit.workingHours })]
          : missing('hours');
      case 'phones': {
        const lines = [
          ...(unit.switchboard ? [text('unit_info:answers.switchboard', { phone: unit.switchboard })] : []),
          ...unit.hotlines.map((h) =>
            text('unit_info:answers.phone_line', { label: h.label, phone: h.phone }),
          ),
          ...(unit.emergencyPhone
            ? [text('unit_info:answers.emergency_line', { phone: unit.emergencyPhone })]
            : []),
        ];
        return lines.length ? [text('unit_info:answers.phones_intro'), ...lines] : missing('phones');
      }
      case 'departments': {
        if (!unit.departments.length) return missing('departments');
        return [
          text('unit_info:answers.departments_intro'),
          ...unit.departments.map((d) =>
            text(d.location ? 'unit_info:answers.department_with_location' : 'unit_info:answers.department', {
              name: d.name,
              location: d.location ?? '',
              phone: d.phone ?? '',
            }),
          ),
        ];
      }
      case 'booking':
        return unit.bookingInfo
          ? [text('unit_info:answers.booking', { booking: unit.bookingInfo })]
          : missing('booking');
      case 'visiting_hours':
        return unit.visitingHours
          ? [text('unit_info:answers.visiting_hours', { hours: unit.visitingHours })]
          : missing('visiting_hours');
      case 'emergency_department': {
        if (unit.kind === 'department' || unit.kind === 'college')
          return [text('unit_info:answers.no_emergency_department')];
        const lines: Text[] = [text('unit_info:answers.emergency_115')];
        if (unit.emergencyInfo)
          lines.push(text('unit_info:answers.emergency_info', { info: unit.emergencyInfo }));
        if (unit.emergencyPhone)
          lines.push(text('unit_info:answers.emergency_line', { phone: unit.emergencyPhone }));
        if (!unit.emergencyInfo && !unit.emergencyPhone)
          lines.push(text('unit_info:missing_emergency_department'));
        return lines;
      }
    }
  }
}
