import { Injectable } from '@nestjs/common';
import { ComplaintsService } from '../../src/complaints/complaints.service';
import { parseTicketCode } from '../../src/complaints/ticket-code';
import type {
  FlowState,
  Intent,
  Reply,
  ReplyButton,
  ReplyQuickReply,
  Text,
  TurnContext,
} from '../../src/messaging';
import { UnitsService } from '../../src/units/units.service';
import { answered, link, message, quick, text } from '../common/reply-kit';

const FLOW = 'complaint';
const CANCEL = /^(huy|hủy|thoi|thôi|cancel|stop|dung lai|dừng lại|khong gui nua|không gửi nữa)\b/i;
const PLAN = ['feedback_channels'] as const;

/**
 * Complaints and feedback: every channel to send them, and the complaint taken here as a ticket
 * (what happened → where → when → an optional contact, asked with its purpose) with a code that
 * anyone can look up from any channel. Texts and contacts wait sealed between turns.
 */
@Injectable()
export class ComplaintIntent implements Intent {
  readonly name = 'complaint';

  constructor(
    private readonly complaints: ComplaintsService,
    private readonly units: UnitsService,
  ) {}

  async handle(ctx: TurnContext): Promise<Reply> {
    const flow = ctx.conversation.flow?.intent === FLOW ? ctx.conversation.flow : null;
    if (flow) return this.continueFlow(ctx, flow);
    switch (ctx.topic) {
      case 'file':
        return this.start(ctx);
      case 'status':
        return this.status(ctx);
      case 'channels':
        return this.channels(ctx);
      default:
        return this.menu();
    }
  }

  private menu(): Reply {
    return answered(
      [
        message([text('complaint:menu')], {
          quickReplies: [
            quick('complaint:topics.file', 'complaint:file'),
            quick('complaint:topics.channels', 'complaint:channels'),
            quick('complaint:topics.status', 'complaint:status'),
            quick('common:menu.back', 'MENU'),
          ],
        }),
      ],
      [...PLAN],
      'menu',
      false,
    );
  }

  private channels(ctx: TurnContext): Reply {
    const { unit } = ctx;
    const lines: Text[] = [text('complaint:channels.intro')];
    const hotline = unit.hotlines[0];
    lines.push(
      hotline
        ? text('complaint:channels.unit_hotline', { label: hotline.label, phone: hotline.phone })
        : text('complaint:channels.unit_hotline_missing'),
    );
    if (unit.departmentHotline) {
      lines.push(
        text('complaint:channels.department_hotline', {
          label: unit.departmentHotline.label,
          phone: unit.departmentHotline.phone,
        }),
      );
    }
    lines.push(text('complaint:channels.ministry_hotline'));
    for (const channel of unit.feedbackChannels) {
      lines.push(text('complaint:channels.provincial_system', { label: channel.label, url: channel.url }));
    }
    lines.push(text('complaint:channels.national_portal'));
    lines.push(text('complaint:channels.here'));
    const buttons: ReplyButton[] = [link('complaint:links.portal', 'https://dichvucong.gov.vn')];
    return answered(
      [
        message(lines, {
          buttons,
          quickReplies: [
            quick('complaint:topics.file', 'complaint:file'),
            quick('complaint:topics.status', 'complaint:status'),
            quick('common:menu.back', 'MENU'),
          ],
        }),
      ],
      [...PLAN],
      'channels',
    );
  }

  private start(ctx: TurnContext): Reply {
    // A message that already tells what happened is the description: do not ask for it again.
    const said = ctx.input.text?.trim() ?? '';
    if (said.length >= 40 && ctx.input.understanding?.intent === 'complaint') {
      return this.askWhere({ description: this.complaints.seal(said) }, true);
    }
    return this.ask(
      [text('complaint:flow.sorry'), text('complaint:flow.ask_what')],
      { intent: FLOW, step: 'what', data: {} },
      [quick('complaint:flow.cancel_button', 'complaint:file:cancel')],
    );
  }

  private async continueFlow(ctx: TurnContext, flow: FlowState): Promise<Reply> {
    const said = ctx.input.text?.trim() ?? '';
    const arg = ctx.arg ?? '';
    if (arg === 'cancel' || CANCEL.test(said)) {
      return {
        ...answered(
          [
            message([text('complaint:flow.cancelled')], {
              quickReplies: [quick('common:menu.back', 'MENU')],
            }),
          ],
          [...PLAN],
          'file',
          false,
        ),
        flow: null,
      };
    }
    const data = { ...flow.data };
    switch (flow.step) {
      case 'what':
        if (!said)
          return this.ask([text('complaint:flow.ask_what')], flow, [
            quick('complaint:flow.cancel_button', 'complaint:file:cancel'),
          ]);
        data.description = this.complaints.seal(said);
        return this.askWhere(data, false);
      case 'where':
        data.location = arg === 'skip' || !said ? null : this.complaints.seal(said);
        return this.ask([text('complaint:flow.ask_when')], { intent: FLOW, step: 'when', data }, [
          quick('complaint:flow.today', 'complaint:file:today'),
          quick('complaint:flow.yesterday', 'complaint:file:yesterday'),
          quick('complaint:flow.skip', 'complaint:file:skip'),
        ]);
      case 'when':
        data.when =
          arg === 'today' || arg === 'yesterday'
            ? this.complaints.seal(localDate(ctx.now, arg === 'today' ? 0 : -1))
            : arg === 'skip' || !said
              ? null
              : this.complaints.seal(said);
        return this.askContact(data);
      case 'contact_ask': {
        const typed = this.contactIn(ctx);
        if (typed) return this.create(ctx, data, typed);
        if (arg === 'contact_yes') {
          return this.ask(
            [text('complaint:flow.ask_contact_value')],
            { intent: FLOW, step: 'contact_value', data: { ...data, tries: 0 } },
            [quick('complaint:flow.no_contact', 'complaint:file:contact_no')],
          );
        }
        if (arg === 'contact_no' || /^(khong|không|no|ko)\b/i.test(said)) return this.create(ctx, data, null);
        return this.askContact(data);
      }
      case 'contact_value': {
        const contact = this.contactIn(ctx);
        if (contact) return this.create(ctx, data, contact);
        const tries = Number(data.tries ?? 0) + 1;
        if (arg === 'contact_no' || tries >= 2) return this.create(ctx, data, null);
        return this.ask(
          [text('complaint:flow.contact_not_found')],
          { intent: FLOW, step: 'contact_value', data: { ...data, tries } },
          [quick('complaint:flow.no_contact', 'complaint:file:contact_no')],
        );
      }
      case 'status_code':
        return { ...(await this.status(ctx)), flow: null };
      default:
        return { ...this.menu(), flow: null };
    }
  }

  private askWhere(data: FlowState['data'], fromFirstMessage: boolean): Reply {
    return this.ask(
      [
        ...(fromFirstMessage
          ? [text('complaint:flow.sorry'), text('complaint:flow.noted_what')]
          : [text('complaint:flow.noted_what')]),
        text('complaint:flow.ask_where'),
      ],
      { intent: FLOW, step: 'where', data },
      [
        quick('complaint:flow.skip', 'complaint:file:skip'),
        quick('complaint:flow.cancel_button', 'complaint:file:cancel'),
      ],
    );
  }

  private askContact(data: FlowState['data']): Reply {
    return this.ask([text('complaint:flow.ask_contact')], { intent: FLOW, step: 'contact_ask', data }, [
      quick('complaint:flow.contact_yes', 'complaint:file:contact_yes'),
      quick('complaint:flow.contact_no', 'complaint:file:contact_no'),
    ]);
  }

  private contactIn(ctx: TurnContext): string | null {
    const entity = ctx.input.understanding?.entities.find((e) => e.type === 'phone' || e.type === 'email');
    return entity ? entity.normalized : null;
  }

  private async create(ctx: TurnContext, data: FlowState['data'], contact: string | null): Promise<Reply> {
    const open = (v: unknown) => (typeof v === 'string' ? this.complaints.unseal(v) : null);
    const ticket = await this.complaints.create({
      unitId: ctx.unit.id,
      conversationId: ctx.conversation.id,
      channel: ctx.conversation.channel,
      language: ctx.conversation.language,
      description: open(data.description) ?? '',
      location: open(data.location),
      occurredWhen: open(data.when),
      contact,
      consented: ctx.conversation.consent === 'granted',
      sourceKey: ctx.turnId,
    });
    const paragraphs = [text('complaint:flow.created', { code: ticket.code })];
    paragraphs.push(text(contact ? 'complaint:flow.created_contact' : 'complaint:flow.created_no_contact'));
    paragraphs.push(text('complaint:flow.lookup_hint', { code: ticket.code }));
    return {
      messages: [
        message(paragraphs, {
          quickReplies: [
            quick('complaint:topics.channels', 'complaint:channels'),
            quick('common:menu.back', 'MENU'),
          ],
        }),
      ],
      outcome: 'ticket',
      planItems: [...PLAN],
      topic: 'file',
      flow: null,
      served: true,
    };
  }

  private async status(ctx: TurnContext): Promise<Reply> {
    const code =
      (ctx.arg && parseTicketCode(ctx.arg)) ??
      ctx.input.understanding?.entities.find((e) => e.type === 'ticket_code')?.normalized ??
      null;
    if (!code) {
      return this.ask(
        [text('complaint:status.ask_code')],
        { intent: FLOW, step: 'status_code', data: {} },
        [quick('common:menu.back', 'MENU')],
        'status',
      );
    }
    const found = await this.complaints.statusOf(code);
    if (!found) {
      return answered(
        [
          message([text('complaint:status.not_found', { code })], {
            quickReplies: [
              quick('complaint:topics.channels', 'complaint:channels'),
              quick('common:menu.back', 'MENU'),
            ],
          }),
        ],
        [...PLAN],
        'status',
        false,
      );
    }
    const language = ctx.conversation.language;
    const unitName = this.units.get(found.unitId)?.name[language] ?? found.unitId;
    const paragraphs = [text(`complaint:status.found_${found.status}`, { code: found.code, unitName })];
    paragraphs.push(
      found.response
        ? text('complaint:status.response', { response: found.response })
        : text('complaint:status.no_response_yet'),
    );
    return answered(
      [message(paragraphs, { quickReplies: [quick('common:menu.back', 'MENU')] })],
      [...PLAN],
      'status',
    );
  }

  private ask(paragraphs: Text[], flow: FlowState, quickReplies: ReplyQuickReply[], topic = 'file'): Reply {
    return {
      messages: [message(paragraphs, { quickReplies })],
      outcome: 'answered',
      planItems: [...PLAN],
      topic,
      flow,
    };
  }
}

/** A local (UTC+7) calendar date, days from today. */
function localDate(now: Date, days: number): string {
  return new Date(now.getTime() + 7 * 3600_000 + days * 86400_000).toISOString().slice(0, 10);
}
