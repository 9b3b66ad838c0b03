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
import { isCancel } from '../../src/common/cancel';
import { looksLikeQuestion } from '../../src/common/question';
import { fold } from '../../src/common/fold';
import { answered, link, message, quick, text } from '../common/reply-kit';
import { yesNo } from '../../src/common/yes-no';

const FLOW = 'complaint';
/** "Go on with the complaint", folded. */
const CONTINUE =
  /^(?:da )?(?:tiep tuc|tiep|tiep di|lam tiep|gui tiep)(?: phan anh)?(?: di| nhe| a)?$|^(?:continue|go on|carry on|resume)(?: the complaint| please)?$/;
type FormStep = 'what' | 'where' | 'when' | 'contact_ask' | 'contact_value';
const QUESTION: Record<FormStep, string> = {
  what: 'complaint:flow.ask_what',
  where: 'complaint:flow.ask_where',
  when: 'complaint:flow.ask_when',
  contact_ask: 'complaint:flow.ask_contact',
  contact_value: 'complaint:flow.ask_contact_value',
};
const PLAN = ['feedback_channels'] as const;

const words = (text: string): number => (text.trim() ? text.trim().split(/\s+/).length : 0);

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
        if (ctx.arg === 'cancel') return this.ended('complaint:flow.nothing_to_cancel');
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
      return this.prompt('where', { description: this.complaints.seal(said) }, [
        text('complaint:flow.sorry'),
        text('complaint:flow.noted_what'),
      ]);
    }
    return this.prompt('what', {}, [text('complaint:flow.sorry')]);
  }

  private async continueFlow(ctx: TurnContext, flow: FlowState): Promise<Reply> {
    const said = ctx.input.text?.trim() ?? '';
    const arg = ctx.arg ?? '';
    const { offered, ...data } = flow.data;
    if (ctx.topic === 'resume_offer') return this.offerResume(flow);
    if (flow.step === 'status_code') {
      if (arg === 'cancel' || isCancel(said)) return this.ended('complaint:status.stopped');
      // Asked for a code, the citizen told what happened instead: that is the complaint to file.
      const u = ctx.input.understanding;
      const hasCode = u?.entities.some((e) => e.type === 'ticket_code');
      const tellsWhatHappened = u?.intent === 'complaint' ? u.topic !== 'status' : !looksLikeQuestion(said);
      if (!hasCode && tellsWhatHappened && words(said) >= 4)
        return this.prompt('where', { description: this.complaints.seal(said) }, [
          text('complaint:flow.sorry'),
          text('complaint:flow.noted_what'),
        ]);
      return { ...(await this.status(ctx)), flow: null };
    }
    const step = flow.step;
    if (!isFormStep(step)) return { ...this.menu(), flow: null };
    // A complaint code sent in the middle of the form ("I filed one last week: PA-…"): they want that
    // one looked up, not a new one filed.
    const code = ctx.input.understanding?.entities.find((e) => e.type === 'ticket_code');
    if (code && (step === 'what' || step === 'where') && words(said) <= 6)
      return { ...(await this.status(ctx)), flow: null };
    const answer = yesNo(said);
    const yesNoStep = step === 'contact_ask' || step === 'contact_value';
    // "thôi" to "do you want to leave a contact?" is a no to that question, not to the whole complaint.
    const cancel =
      arg === 'cancel' ||
      (offered === true && answer === 'no') ||
      (step === 'what' && answer === 'no') ||
      (isCancel(said) && !(yesNoStep && answer === 'no'));
    if (cancel) return this.ended('complaint:flow.cancelled');
    // Back after a question on another topic, or a plain "ok" where a free answer was asked: ask again.
    if (
      arg === 'resume' ||
      CONTINUE.test(fold(said)) ||
      (answer === 'yes' && (offered === true || !yesNoStep))
    ) {
      return this.prompt(step, data, [text('complaint:flow.resumed')]);
    }
    switch (step) {
      case 'what':
        if (!said) return this.prompt('what', data);
        data.description = this.complaints.seal(said);
        return this.prompt('where', data, [text('complaint:flow.noted_what')]);
      case 'where':
        data.location = arg === 'skip' || !said || answer === 'no' ? null : this.complaints.seal(said);
        return this.prompt('when', data);
      case 'when':
        data.when =
          arg === 'today' || arg === 'yesterday'
            ? this.complaints.seal(localDate(ctx.now, arg === 'today' ? 0 : -1))
            : arg === 'skip' || !said || answer === 'no'
              ? null
              : this.complaints.seal(said);
        return this.prompt('contact_ask', data);
      case 'contact_ask': {
        const typed = this.contactIn(ctx);
        if (typed) return this.create(ctx, data, typed);
        if (arg === 'contact_yes' || answer === 'yes')
          return this.prompt('contact_value', { ...data, tries: 0 });
        if (arg === 'contact_no' || answer === 'no') return this.create(ctx, data, null);
        return this.prompt('contact_ask', data);
      }
      case 'contact_value': {
        const contact = this.contactIn(ctx);
        if (contact) return this.create(ctx, data, contact);
        const tries = Number(data.tries ?? 0) + 1;
        if (arg === 'contact_no' || answer === 'no' || tries >= 2) return this.create(ctx, data, null);
        return this.prompt('contact_value', { ...data, tries }, [], 'complaint:flow.contact_not_found');
      }
    }
  }

  /**
   * The question of one step of the form, with its choices; "cancel" is on every step. `before` are
   * paragraphs put ahead of it (an apology, "noted"); `question` replaces the step's own question.
   */
  private prompt(step: FormStep, data: FlowState['data'], before: Text[] = [], question?: string): Reply {
    const cancel = quick('complaint:flow.cancel_button', 'complaint:file:cancel');
    const choices: Record<FormStep, ReplyQuickReply[]> = {
      what: [],
      where: [quick('complaint:flow.skip', 'complaint:file:skip')],
      when: [
        quick('complaint:flow.today', 'complaint:file:today'),
        quick('complaint:flow.yesterday', 'complaint:file:yesterday'),
        quick('complaint:flow.skip', 'complaint:file:skip'),
      ],
      contact_ask: [
        quick('complaint:flow.contact_yes', 'complaint:file:contact_yes'),
        quick('complaint:flow.contact_no', 'complaint:file:contact_no'),
      ],
      contact_value: [quick('complaint:flow.no_contact', 'complaint:file:contact_no')],
    };
    return this.ask([...before, text(question ?? QUESTION[step])], { intent: FLOW, step, data }, [
      ...choices[step],
      cancel,
    ]);
  }

  /** After an answer on another topic in the middle of the form: go on, or cancel. The data stays. */
  private offerResume(flow: FlowState): Reply {
    // A lookup waiting for its code is simply dropped: there is nothing to lose.
    if (flow.step === 'status_code') return { messages: [], outcome: 'answered', planItems: [], flow: null };
    return {
      messages: [
        message([text('complaint:flow.resume_offer')], {
          quickReplies: [
            quick('complaint:flow.resume_button', 'complaint:file:resume'),
            quick('complaint:flow.cancel_button', 'complaint:file:cancel'),
          ],
        }),
      ],
      outcome: 'answered',
      planItems: [],
      topic: 'file',
      flow: { ...flow, data: { ...flow.data, offered: true } },
    };
  }

  /** The form or the lookup stopped: said plainly, nothing filed. */
  private ended(key: string): Reply {
    return {
      ...answered(
        [message([text(key)], { quickReplies: [quick('common:menu.back', 'MENU')] })],
        [...PLAN],
        'file',
        false,
      ),
      flow: null,
    };
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

function isFormStep(step: string): step is FormStep {
  return Object.hasOwn(QUESTION, step);
}

/** A local (UTC+7) calendar date, days from today. */
function localDate(now: Date, days: number): string {
  return new Date(now.getTime() + 7 * 3600_000 + days * 86400_000).toISOString().slice(0, 10);
}
