import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Header,
  NotFoundException,
  Param,
  Post,
  Query,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Clock } from '../common/clock';
import type { TicketStatus } from '../complaints/complaint-ticket.entity';
import { ComplaintsService, TICKET_STATUSES } from '../complaints/complaints.service';
import { StaffDeskService, type StaffReplyResult } from '../conversation/staff-desk.service';
import { InteractionQueryService } from '../interactions/interaction-query.service';
import { NluService } from '../nlu/nlu.service';
import { TicketNoticesService } from '../notices/ticket-notices.service';
import { ConsoleAuditService } from './console-audit.service';
import { ConsoleAuthGuard, Ctx, MinRole } from './console-auth.guard';
import { ROLE_RANK } from './console-auth.service';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { dayRange } from './console-period';
import { assertUnit, pick, positiveInt, unitScope } from './console-scope';
import { flash, rangeFields, replyForm } from './console.controller';
import {
  csrfField,
  formatTime,
  html,
  page,
  select,
  unitName,
  type ConsoleContext,
  type SafeHtml,
} from './console-view';
import { ConsoleRepository } from './console.repository';
import type { TrainingExampleEntity } from './training-example.entity';
import { TrainingSync } from './training-sync.service';
import { groupSimilar } from './unanswered-groups';

type Q = Record<string, string | undefined>;

function text(body: Record<string, unknown>, max = 2000): string {
  const value = typeof body.text === 'string' ? body.text.trim() : '';
  if (!value || value.length > max) throw new BadRequestException();
  return value;
}

/** Complaints, hand-offs and unanswered questions: the pages where staff act. */
@ApiExcludeController()
@Controller('console')
@UseGuards(ConsoleAuthGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleDeskController {
  constructor(
    private readonly complaints: ComplaintsService,
    private readonly desk: StaffDeskService,
    private readonly interactions: InteractionQueryService,
    private readonly nlu: NluService,
    private readonly audit: ConsoleAuditService,
    private readonly repository: ConsoleRepository,
    private readonly training: TrainingSync,
    private readonly clock: Clock,
    private readonly notices: TicketNoticesService,
  ) {}

  @Get('complaints')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async complaintList(@Ctx() ctx: ConsoleContext, @Query() q: Q): Promise<string> {
    const units = unitScope(ctx, q.unit);
    const status = pick(q.status, TICKET_STATUSES) as TicketStatus | undefined;
    const limit = 50;
    const tickets = await this.complaints.listForUnits(units, {
      statuses: status ? [status] : undefined,
      beforeId: positiveInt(q.before),
      limit,
    });
    const tabs = [undefined, ...TICKET_STATUSES].map(
      (s) =>
        html`<a href="/console/complaints${s ? `?status=${s}` : ''}" class="${s === status ? 'active' : ''}"
          >${s ? ctx.t(`status.${s}`) : ctx.t('filter.all')}</a
        >`,
    );
    const next =
      tickets.length === limit
        ? `?${status ? `status=${status}&` : ''}before=${tickets[tickets.length - 1].id}`
        : null;
    const body = html`<nav class="tabs">${tabs}</nav>
      ${
        tickets.length
          ? html`<div class="scroll">
              <table class="list" id="tickets">
                <thead>
                  <tr>
                    <th>${ctx.t('col.code')}</th>
                    <th>${ctx.t('col.time')}</th>
                    ${ctx.units.length > 1 ? html`<th>${ctx.t('col.unit')}</th>` : ''}
                    <th>${ctx.t('col.status')}</th>
                    <th>${ctx.t('col.description')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${tickets.map(
                    (t) =>
                      html`<tr>
                        <td><a href="/console/complaints/${t.id}">${t.code}</a></td>
                        <td>${formatTime(t.createdAt, ctx.lang)}</td>
                        ${ctx.units.length > 1 ? html`<td>${unitName(ctx, t.unitId)}</td>` : ''}
                        <td><span class="tag ${t.status}">${ctx.t(`status.${t.status}`)}</span></td>
                        <td class="text">${t.description.slice(0, 160)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : html`<p class="empty">${ctx.t('empty')}</p>`
      }
      ${next ? html`<p><a class="button" href="${next}">${ctx.t('next_page')}</a></p>` : ''}`;
    return page(ctx, '/console/complaints', ctx.t('nav.complaints'), body);
  }

  private async ticketInScope(ctx: ConsoleContext, id: string) {
    const n = positiveInt(id);
    const ticket = n ? await this.complaints.findById(n) : null;
    assertUnit(ctx, ticket?.unitId);
    return ticket!;
  }

  @Get('complaints/:id')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async complaint(@Ctx() ctx: ConsoleContext, @Param('id') id: string, @Query() q: Q): Promise<string> {
    const ticket = await this.ticketInScope(ctx, id);
    const [events, conversation] = await Promise.all([
      this.complaints.events(ticket.id),
      this.desk.conversation(ticket.conversationId),
    ]);
    const canAct = ROLE_RANK[ctx.user.role] >= ROLE_RANK.staff;
    const window = conversation ? this.desk.replyWindow(conversation) : null;
    const body = html`<dl class="facts">
        <dt>${ctx.t('col.code')}</dt>
        <dd id="ticket-code">${ticket.code}</dd>
        <dt>${ctx.t('col.unit')}</dt>
        <dd>${unitName(ctx, ticket.unitId)}</dd>
        <dt>${ctx.t('col.status')}</dt>
        <dd>
          <span class="tag ${ticket.status}" id="ticket-status">${ctx.t(`status.${ticket.status}`)}</span>
        </dd>
        <dt>${ctx.t('col.time')}</dt>
        <dd>${formatTime(ticket.createdAt, ctx.lang)}</dd>
        <dt>${ctx.t('col.channel')}</dt>
        <dd>${ctx.t(`channel.${ticket.channel}`)} · ${ticket.language}</dd>
        <dt>${ctx.t('col.description')}</dt>
        <dd class="text">${ticket.description}</dd>
        ${
          ticket.location
            ? html`<dt>${ctx.t('ticket.location')}</dt>
                <dd>${ticket.location}</dd>`
            : ''
        }
        ${
          ticket.occurredWhen
            ? html`<dt>${ctx.t('ticket.when')}</dt>
                <dd>${ticket.occurredWhen}</dd>`
            : ''
        }
        ${
          canAct && ticket.contact
            ? html`<dt>${ctx.t('ticket.contact')}</dt>
                <dd>${this.complaints.contactOf(ticket)}</dd>`
            : ''
        }
        ${
          ticket.response
            ? html`<dt>${ctx.t('ticket.response')}</dt>
                <dd class="text">${ticket.response}</dd>`
            : ''
        }
        <dt>${ctx.t('notice.title')}</dt>
        <dd id="ticket-notice" data-status="${ticket.noticeStatus ?? 'none'}">
          ${ctx.t(`notice.${ticket.noticeStatus ?? 'none'}`)}
          ${ticket.noticeAt ? html`<span class="meta">${formatTime(ticket.noticeAt, ctx.lang)}</span>` : ''}
        </dd>
        ${
          conversation
            ? html`<dt>${ctx.t('conv.title')}</dt>
                <dd>
                  <a href="/console/conversations/${conversation.id}">${ctx.t('ticket.open_conversation')}</a>
                </dd>`
            : ''
        }
      </dl>
      <h2>${ctx.t('ticket.history')}</h2>
      <ol class="events">
        ${events.map(
          (e) =>
            html`<li>
              <span class="meta">${formatTime(e.at, ctx.lang)} · ${e.actor}</span> ${ctx.t(`event.${e.kind}`)}
              ${e.toStatus ? html`→ <strong>${ctx.t(`status.${e.toStatus}`)}</strong>` : ''}
              ${e.kind === 'notice' && e.note ? html`<p class="text">${ctx.t(`notice.${e.note}`)}</p>` : e.note ? html`<p class="text">${e.note}</p>` : ''}
            </li>`,
        )}
      </ol>
      ${
        canAct
          ? html`<h2>${ctx.t('ticket.change_status')}</h2>
              <form
                method="post"
                action="/console/complaints/${ticket.id}/status"
                class="stack"
                id="status-form"
              >
                ${csrfField(ctx)}
                ${select(
                  'status',
                  ctx.t('col.status'),
                  TICKET_STATUSES.map((s) => ({ value: s, label: ctx.t(`status.${s}`) })),
                  ticket.status,
                )}
                <label
                  >${ctx.t('ticket.note')} <textarea name="note" rows="2" maxlength="2000"></textarea>
                </label>
                <button type="submit">${ctx.t('ticket.save_status')}</button>
              </form>
              <h2>${ctx.t('ticket.reply')}</h2>
              <p class="hint">${ctx.t('ticket.reply_hint')}</p>
              ${window && !window.open ? html`<p class="flash error" role="alert">${ctx.t('reply.closed_ticket')} ${ctx.t(`window.${window.reason}`)}</p>` : ''}
              <form
                method="post"
                action="/console/complaints/${ticket.id}/reply"
                class="stack"
                id="reply-form"
              >
                ${csrfField(ctx)}
                <label
                  >${ctx.t('reply.label')}
                  <textarea name="text" rows="3" maxlength="2000" required></textarea>
                </label>
                <button type="submit">
                  ${window?.open ? ctx.t('reply.send') : ctx.t('reply.save_only')}
                </button>
              </form>`
          : ''
      }`;
    return page(ctx, '/console/complaints', `${ctx.t('ticket.title')} ${ticket.code}`, body, {
      flash: flash(ctx, q),
    });
  }

  @Post('complaints/:id/status')
  @MinRole('staff')
  async changeStatus(
    @Ctx() ctx: ConsoleContext,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const ticket = await this.ticketInScope(ctx, id);
    const status = pick(body.status, TICKET_STATUSES) as TicketStatus | undefined;
    if (!status) throw new BadRequestException();
    const note = typeof body.note === 'string' && body.note.trim() ? body.note.trim().slice(0, 2000) : null;
    await this.complaints.changeStatus(ticket.id, status, note, ctx.user.email);
    // Resolving or rejecting tells the citizen, when the platform's window allows.
    if ((status === 'resolved' || status === 'rejected') && ticket.status !== status)
      await this.notices.notify(ticket, status, ticket.response, ctx.user.email);
    await this.audit.record(
      ctx.user,
      'ticket_status',
      ticket.unitId,
      ticket.code,
      `${ticket.status} → ${status}${note ? `: ${note}` : ''}`,
    );
    await reply.status(303).header('location', `/console/complaints/${ticket.id}?done=status_saved`).send();
  }

  @Post('complaints/:id/reply')
  @MinRole('staff')
  async replyToTicket(
    @Ctx() ctx: ConsoleContext,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const ticket = await this.ticketInScope(ctx, id);
    const message = text(body);
    // The answer is kept on the ticket (a status look-up shows it) whether or not the channel can carry it now.
    await this.complaints.respond(ticket.id, message, ctx.user.email);
    const result = await this.notices.notify(ticket, 'reply', message, ctx.user.email);
    await this.audit.record(
      ctx.user,
      'ticket_reply',
      ticket.unitId,
      ticket.code,
      `${result.sent ? 'sent' : 'not sent'}: ${message}`,
    );
    const done = replyDone(result);
    await reply.status(303).header('location', `/console/complaints/${ticket.id}?done=${done}`).send();
  }

  @Get('handoffs')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async handoffs(@Ctx() ctx: ConsoleContext, @Query() q: Q): Promise<string> {
    const units = unitScope(ctx, q.unit);
    const items = await this.desk.waiting(units);
    const canAct = ROLE_RANK[ctx.user.role] >= ROLE_RANK.staff;
    const body = items.length
      ? html`<ul class="cards-list" id="handoffs">
          ${items.map(({ conversation: c, requests, handedOff }) => {
            const window = this.desk.replyWindow(c);
            return html`<li class="item">
              <div class="meta">
                <a href="/console/conversations/${c.id}"
                  >${ctx.t(`channel.${c.channel}`)} · ${c.language} ·
                  ${formatTime(c.lastUserMessageAt, ctx.lang)}</a
                >
                ${ctx.units.length > 1 ? html` · ${unitName(ctx, c.unitId)}` : ''}
              </div>
              <p>
                ${handedOff ? html`<span class="tag handoff">${ctx.t('conv.handoff_until', { until: formatTime(c.handoffUntil, ctx.lang) })}</span>` : ''}
                ${requests.map(
                  (r) =>
                    html`<span class="tag"
                        >${ctx.t(`request.${r.kind}`)} · ${formatTime(r.createdAt, ctx.lang)}</span
                      >
                      ${canAct && r.contact ? html`<span class="contact">☎ ${this.desk.contactOf(r)}</span>` : ''}`,
                )}
              </p>
              ${canAct ? replyForm(ctx, `/console/handoffs/${c.id}/reply`, window, `/console/handoffs/${c.id}/release`) : ''}
            </li>`;
          })}
        </ul>`
      : html`<p class="empty">${ctx.t('handoff.none')}</p>`;
    return page(ctx, '/console/handoffs', ctx.t('nav.handoffs'), body, { flash: flash(ctx, q) });
  }

  private async conversationInScope(ctx: ConsoleContext, id: string) {
    if (!/^[\w-]{1,36}$/.test(id)) throw new NotFoundException();
    const conversation = await this.desk.conversation(id);
    assertUnit(ctx, conversation?.unitId);
    return conversation!;
  }

  @Post('handoffs/:id/reply')
  @MinRole('staff')
  async handoffReply(
    @Ctx() ctx: ConsoleContext,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const conversation = await this.conversationInScope(ctx, id);
    const message = text(body);
    const result = await this.desk.reply(conversation, message, true);
    await this.audit.record(
      ctx.user,
      'handoff_reply',
      conversation.unitId,
      conversation.id,
      `${result.sent ? 'sent' : 'not sent'}: ${message}`,
    );
    const done = replyDone(result);
    await reply
      .status(303)
      .header('location', `/console/conversations/${conversation.id}?done=${done}`)
      .send();
  }

  @Post('handoffs/:id/release')
  @MinRole('staff')
  async release(
    @Ctx() ctx: ConsoleContext,
    @Param('id') id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const conversation = await this.conversationInScope(ctx, id);
    await this.desk.release(conversation, ctx.user.email);
    await this.audit.record(ctx.user, 'handoff_release', conversation.unitId, conversation.id);
    await reply.status(303).header('location', '/console/handoffs?done=released').send();
  }

  @Get('unanswered')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async unanswered(@Ctx() ctx: ConsoleContext, @Query() q: Q): Promise<string> {
    const range = dayRange(q.from, q.to, this.clock.now());
    const units = unitScope(ctx, q.unit);
    const [recent, trained] = await Promise.all([
      this.interactions.fallbacks(units, range.start, range.end, 500),
      this.repository.trainingExamples(units),
    ]);
    // Questions already taught to the classifier leave the list.
    const known = new Set(trained.map((e) => e.text));
    const fallbacks = recent.filter((r) => !known.has(r.userText ?? ''));
    const groups = groupSimilar(fallbacks, (r) => this.nlu.tokens(r.userText ?? '')).slice(0, 100);
    const targets = this.nlu
      .intents()
      .flatMap((intent) =>
        this.nlu
          .topics(intent)
          .map((topic) => ({ value: `${intent}:${topic}`, label: `${intent} : ${topic}` })),
      );
    const canAct = ROLE_RANK[ctx.user.role] >= ROLE_RANK.staff;
    const body = html`<form method="get" class="filters">
        ${
          ctx.units.length > 1
            ? select(
                'unit',
                ctx.t('filter.unit'),
                ctx.units.map((u) => ({ value: u.id, label: u.name[ctx.lang] })),
                q.unit,
                ctx.t('filter.all_units'),
              )
            : ''
        }
        ${rangeFields(ctx, range)}
        <button type="submit">${ctx.t('filter.apply')}</button>
      </form>
      <p class="hint">${ctx.t('unanswered.hint', { count: fallbacks.length })}</p>
      ${
        groups.length
          ? html`<ul class="cards-list" id="groups">
              ${groups.map(
                (g) =>
                  html`<li class="item">
                    <p class="text">
                      <strong>${g.representative.userText}</strong>
                      <span class="tag">× ${g.members.length}</span>
                    </p>
                    ${
                      g.members.length > 1
                        ? html`<details>
                            <summary>${ctx.t('unanswered.similar')}</summary>
                            <ul>
                              ${g.members.slice(1, 20).map((m) => html`<li class="text">${m.userText}</li>`)}
                            </ul>
                          </details>`
                        : ''
                    }
                    ${
                      canAct
                        ? html`<form method="post" action="/console/unanswered/train" class="inline-form">
                            ${csrfField(ctx)}<input
                              type="hidden"
                              name="recordId"
                              value="${g.representative.id}"
                            />
                            ${select('target', ctx.t('unanswered.target'), targets, undefined)}
                            <button type="submit">${ctx.t('unanswered.add')}</button>
                          </form>`
                        : ''
                    }
                  </li>`,
              )}
            </ul>`
          : html`<p class="empty">${ctx.t('empty')}</p>`
      }
      ${this.trainingExamples(ctx, trained, canAct)}`;
    return page(ctx, '/console/unanswered', ctx.t('nav.unanswered'), body, { flash: flash(ctx, q) });
  }

  @Post('unanswered/train')
  @MinRole('staff')
  async train(
    @Ctx() ctx: ConsoleContext,
    @Body() body: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const id = positiveInt(body.recordId);
    const record = id ? await this.interactions.turn(id) : null;
    assertUnit(ctx, record?.unitId);
    const [intent, topic] = typeof body.target === 'string' ? body.target.split(':') : [];
    if (
      !record?.userText ||
      !intent ||
      !topic ||
      !this.nlu.intents().includes(intent) ||
      !this.nlu.topics(intent).includes(topic)
    )
      throw new BadRequestException();
    await this.repository.addTrainingExample({
      intent,
      topic,
      text: record.userText,
      unitId: record.unitId,
      createdBy: ctx.user.email,
      createdAt: this.clock.now(),
    });
    await this.audit.record(ctx.user, 'training_add', record.unitId, `${intent}:${topic}`, record.userText);
    // This instance retrains at once (in a worker thread); the others at their next version check.
    void this.training.sync();
    await reply.status(303).header('location', '/console/unanswered?done=trained').send();
  }

  @Post('unanswered/train/remove')
  @MinRole('staff')
  async untrain(
    @Ctx() ctx: ConsoleContext,
    @Body() body: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const id = positiveInt(body.exampleId);
    const example = id ? await this.repository.trainingExample(id) : null;
    assertUnit(ctx, example?.unitId);
    const removed = await this.repository.removeTrainingExample(example!.id);
    if (removed)
      await this.audit.record(
        ctx.user,
        'training_remove',
        removed.example.unitId,
        `${removed.example.intent}:${removed.example.topic}`,
        removed.example.text,
      );
    void this.training.sync();
    await reply.status(303).header('location', '/console/unanswered?done=training_removed').send();
  }

  /** The examples staff added (newest first), and whether this instance already answers with them. */
  private trainingExamples(
    ctx: ConsoleContext,
    examples: TrainingExampleEntity[],
    canAct: boolean,
  ): SafeHtml {
    const list = [...examples].reverse();
    return html`<h2>${ctx.t('training.title')}</h2>
      <p class="hint">${ctx.t(this.training.isCurrent() ? 'training.current' : 'training.pending')}</p>
      ${
        list.length
          ? html`<div class="scroll">
              <table class="list" id="training-examples">
                <thead>
                  <tr>
                    <th>${ctx.t('col.question')}</th>
                    <th>${ctx.t('unanswered.target')}</th>
                    ${ctx.units.length > 1 ? html`<th>${ctx.t('col.unit')}</th>` : ''}
                    <th>${ctx.t('col.who')}</th>
                    <th>${ctx.t('col.time')}</th>
                    ${canAct ? html`<th></th>` : ''}
                  </tr>
                </thead>
                <tbody>
                  ${list.map(
                    (e) =>
                      html`<tr>
                        <td class="text">${e.text}</td>
                        <td>${e.intent} : ${e.topic}</td>
                        ${ctx.units.length > 1 ? html`<td>${unitName(ctx, e.unitId)}</td>` : ''}
                        <td>${e.createdBy}</td>
                        <td>${formatTime(e.createdAt, ctx.lang)}</td>
                        ${
                          canAct
                            ? html`<td>
                                <form
                                  method="post"
                                  action="/console/unanswered/train/remove"
                                  class="inline-form"
                                >
                                  ${csrfField(ctx)}<input type="hidden" name="exampleId" value="${e.id}" />
                                  <button type="submit">${ctx.t('training.remove')}</button>
                                </form>
                              </td>`
                            : ''
                        }
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : html`<p class="empty">${ctx.t('training.none')}</p>`
      }`;
  }
}

/** The flash of a staff reply: sent, or not sent and why (the platform rule that closed the window). */
function replyDone(result: StaffReplyResult): string {
  return result.sent ? 'reply_sent' : `reply_not_sent&why=${result.window.open ? '' : result.window.reason}`;
}
