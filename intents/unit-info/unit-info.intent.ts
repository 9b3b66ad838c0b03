import { Injectable } from '@nestjs/common';
import type { Intent, Reply, ReplyQuickReply, Text, TurnContext, UnitView } from '../../src/messaging';
import { UnitsService } from '../../src/units/units.service';
import { answered, message, quick, text } from '../common/reply-kit';

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

/**
 * A unit's details, from the units file. A detail not filled in yet is said to be missing — never
 * guessed. When the citizen names another unit of the file ("BV Ninh Hòa ở đâu?" on the Department's
 * page), the answer is that unit's, and says so; a facility the file does not hold gets no other
 * unit's details in its place.
 */
@Injectable()
export class UnitInfoIntent implements Intent {
  readonly name = 'unit_info';

  constructor(private readonly units: UnitsService) {}

  handle(ctx: TurnContext): Reply {
    const topic = (TOPICS as readonly string[]).includes(ctx.topic ?? '') ? (ctx.topic as Topic) : null;
    const target = this.target(ctx);
    if (target === 'unknown') return this.unknownUnit(topic, ctx);
    const unit = target ?? ctx.unit;
    // The unit id rides on the quick replies, so that "Giờ làm việc" after an answer about another
    // unit stays with that unit.
    const arg = target ? target.id : undefined;
    const intro = target ? [text('unit_info:other_unit', { unitName: target.name })] : [];
    if (!topic) {
      return answered(
        [
          message([...intro, text('unit_info:menu', { unitName: unit.name })], {
            quickReplies: [...choices([...TOPICS], arg), quick('common:menu.back', 'MENU')],
          }),
        ],
        ['unit_services'],
        'menu',
        false,
      );
    }
    const paragraphs = [...intro, ...this.answer(topic, unit)];
    if (unit.website && topic !== 'emergency_department')
      paragraphs.push(text('unit_info:website', { website: unit.website }));
    return answered(
      [
        message(paragraphs, {
          quickReplies: [...choices(RELATED[topic], arg), quick('common:menu.back', 'MENU')],
        }),
      ],
      ['unit_services'],
      topic,
    );
  }

  /** Another unit of the file the turn is about (payload argument or named in the text), 'unknown', or null. */
  private target(ctx: TurnContext): UnitView | 'unknown' | null {
    const language = ctx.conversation.language;
    if (ctx.arg) {
      const unit = this.units.get(ctx.arg);
      return unit && unit.id !== ctx.unit.id ? this.units.view(unit, language, ctx.now) : null;
    }
    const typed = ctx.input.kind === 'text' ? ctx.input.text : undefined;
    const named = typed ? this.units.named(typed, ctx.unit.id) : null;
    if (!named) return null;
    return named.kind === 'unknown' ? 'unknown' : this.units.view(named.unit, language, ctx.now);
  }

  private unknownUnit(topic: Topic | null, ctx: TurnContext): Reply {
    const language = ctx.conversation.language;
    const known = this.units.all().map((u) => u.name[language]);
    return answered(
      [
        message([text('unit_info:unknown_unit', { units: known.join('; ') })], {
          quickReplies: [quick('common:menu.human', 'HUMAN'), quick('common:menu.back', 'MENU')],
        }),
      ],
      ['unit_services'],
      topic ?? 'menu',
      false,
    );
  }

  private answer(topic: Topic, unit: UnitView): Text[] {
    const unitName = unit.name;
    const missing = (what: string) => [text(`unit_info:missing_${what}`, { unitName })];
    switch (topic) {
      case 'address':
        return unit.address
          ? [text('unit_info:answers.address', { unitName, address: unit.address })]
          : missing('address');
      case 'hours':
        return unit.workingHours
          ? [text('unit_info:answers.hours', { unitName, hours: unit.workingHours })]
          : missing('hours');
      case 'phones': {
        const lines = [
          ...(unit.switchboard
            ? [text('unit_info:answers.switchboard', { unitName, phone: unit.switchboard })]
            : []),
          ...unit.hotlines.map((h) =>
            text('unit_info:answers.phone_line', { unitName, label: h.label, phone: h.phone }),
          ),
          ...(unit.emergencyPhone
            ? [text('unit_info:answers.emergency_line', { unitName, phone: unit.emergencyPhone })]
            : []),
        ];
        return lines.length
          ? [text('unit_info:answers.phones_intro', { unitName }), ...lines]
          : missing('phones');
      }
      case 'departments': {
        if (!unit.departments.length) return missing('departments');
        return [
          text('unit_info:answers.departments_intro', { unitName }),
          ...unit.departments.map((d) =>
            text(d.location ? 'unit_info:answers.department_with_location' : 'unit_info:answers.department', {
              unitName,
              name: d.name,
              location: d.location ?? '',
              phone: d.phone ?? '',
            }),
          ),
        ];
      }
      case 'booking':
        return unit.bookingInfo
          ? [text('unit_info:answers.booking', { unitName, booking: unit.bookingInfo })]
          : missing('booking');
      case 'visiting_hours':
        return unit.visitingHours
          ? [text('unit_info:answers.visiting_hours', { unitName, hours: unit.visitingHours })]
          : missing('visiting_hours');
      case 'emergency_department': {
        if (unit.kind === 'department' || unit.kind === 'college')
          return [text('unit_info:answers.no_emergency_department', { unitName })];
        const lines: Text[] = [text('unit_info:answers.emergency_115', { unitName })];
        if (unit.emergencyInfo)
          lines.push(text('unit_info:answers.emergency_info', { unitName, info: unit.emergencyInfo }));
        if (unit.emergencyPhone)
          lines.push(text('unit_info:answers.emergency_line', { unitName, phone: unit.emergencyPhone }));
        if (!unit.emergencyInfo && !unit.emergencyPhone)
          lines.push(text('unit_info:missing_emergency_department', { unitName }));
        return lines;
      }
    }
  }
}

function choices(topics: Topic[], unitId: string | undefined): ReplyQuickReply[] {
  return topics.map((topic) =>
    quick(`unit_info:topics.${topic}`, unitId ? `unit_info:${topic}:${unitId}` : `unit_info:${topic}`),
  );
}
