import {
  BadRequestException,
  Body,
  Controller,
  ForbiddenException,
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
import { ComplaintsService } from '../complaints/complaints.service';
import { StaffDeskService } from '../conversation/staff-desk.service';
import { SEARCH_WINDOW } from '../interactions/interaction-query.repository';
import { dayNumberToIso, InteractionQueryService } from '../interactions/interaction-query.service';
import { CHANNEL_NAMES } from '../messaging/inbound-event';
import { PLAN_ITEMS } from '../messaging/plan-item';
import { outreachFigures } from '../reports/outreach-figures';
import { OutreachSources } from '../reports/outreach-sources.service';
import { ConsoleAuditService } from './console-audit.service';
import { ConsoleAuthGuard, Ctx, MinRole } from './console-auth.guard';
import { hashPassword, ROLE_RANK } from './console-auth.service';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { dayRange } from './console-period';
import { assertUnit, pick, positiveInt, unitScope } from './console-scope';
import { ALL_UNITS, CONSOLE_ROLES, type ConsoleRole } from './console-user.entity';
import {
  csrfField,
  formatTime,
  html,
  page,
  select,
  unitName,
  type ConsoleContext,
  SafeHtml,
} from './console-view';
import { ConsoleRepository } from './console.repository';
import { setupChecklist } from './setup-checklist';

export const OUTCOMES = ['answered', 'clarified', 'fallback', 'handoff', 'ticket', 'emergency'] as const;
const LANGUAGES = ['vi', 'en'] as const;

type Q = Record<string, string | undefined>;

/** The outcome of the last form (Post/Redirect/Get); an unknown key in the URL shows nothing. */
export function flash(ctx: ConsoleContext, q: Q): { kind: 'ok' | 'error'; text: string } | null {
  if (!q.done || !/^[a-z_]{1,32}$/.test(q.done)) return null;
  try {
    const why = q.why && /^[a-z0-9_]{1,32}$/.test(q.why) ? ctx.t(`window.${q.why}`) : '';
    return { kind: q.done.endsWith('not_sent') ? 'error' : 'ok', text: ctx.t(`done.${q.done}`, { why }) };
  } catch {
    return null;
  }
}

function unitSelect(ctx: ConsoleContext, chosen: string | undefined): SafeHtml | string {
  return ctx.units.length > 1
    ? select(
        'unit',
        ctx.t('filter.unit'),
        ctx.units.map((u) => ({ value: u.id, label: u.name[ctx.lang] })),
        chosen,
        ctx.t('filter.all_units'),
      )
    : '';
}

export function rangeFields(ctx: ConsoleContext, range: { from: string; to: string }): SafeHtml {
  return html`<label>${ctx.t('filter.from')} <input type="date" name="from" value="${range.from}" /></label>
    <label>${ctx.t('filter.to')} <input type="date" name="to" value="${range.to}" /></label>`;
}

/** A staff reply box, or why the platform does not let one be sent now. */
export function replyForm(
  ctx: ConsoleContext,
  action: string,
  window: ReturnType<StaffDeskService['replyWindow']>,
  releaseAction: string | null,
): SafeHtml {
  return html`<section class="reply">
    ${
      window.open
        ? html`<form method="post" action="${action}" class="stack">
            ${csrfField(ctx)}
            <label
              >${ctx.t('reply.label')} <textarea name="text" rows="3" maxlength="2000" required></textarea>
            </label>
            ${window.tagged ? html`<p class="hint">${ctx.t('window.tagged')}</p>` : ''}
            <button type="submit">${ctx.t('reply.send')}</button>
          </form>`
        : html`<p class="flash error" role="alert">
            ${ctx.t('reply.closed')} ${ctx.t(`window.${window.reason}`)}
          </p>`
    }
    ${
      releaseAction
        ? html`<form method="post" action="${releaseAction}" class="inline">
            ${csrfField(ctx)}<button type="submit" class="secondary">${ctx.t('handoff.release')}</button>
          </form>`
        : ''
    }
  </section>`;
}

/** Dashboard, conversations and transcripts, audit, users. */
@ApiExcludeController()
@Controller('console')
@UseGuards(ConsoleAuthGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleController {
  constructor(
    private readonly interactions: InteractionQueryService,
    private readonly desk: StaffDeskService,
    private readonly complaints: ComplaintsService,
    private readonly audit: ConsoleAuditService,
    private readonly repository: ConsoleRepository,
    private readonly clock: Clock,
    private readonly outreach: OutreachSources,
  ) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async dashboard(@Ctx() ctx: ConsoleContext, @Query() q: Q): Promise<string> {
    const range = dayRange(q.from, q.to, this.clock.now());
    const units = unitScope(ctx, q.unit);
    const stat = (d: Parameters<InteractionQueryService['stats']>[3]) =>
      this.interactions.stats(units, range.fromDay, range.toDay, d);
    // The roll-up counts turns only: campaign messages are in the outreach figures below.
    const [days, intents, channels, languages, outcomes, satisfaction, planCombos, outreachInput] =
      await Promise.all([
        stat('day'),
        stat('intent'),
        stat('channel'),
        stat('language'),
        stat('outcome'),
        stat('satisfaction'),
        stat('planItems'),
        this.outreach.forPeriod(units, range.start, range.end),
      ]);
    const outreach = outreachFigures(outreachInput, null);
    const total = outcomes.reduce((s, r) => s + r.count, 0);
    const fallback = outcomes.find((r) => r.key === 'fallback')?.count ?? 0;
    const plan = new Map<string, number>();
    for (const combo of planCombos)
      for (const item of combo.key.split(',').filter(Boolean))
        plan.set(item, (plan.get(item) ?? 0) + combo.count);
    const perDay = new Map(days.map((d) => [Number(d.key), d.count]));
    const dayLabels: string[] = [];
    const dayCounts: number[] = [];
    for (let d = range.fromDay; d < range.toDay; d++) {
      dayLabels.push(dayNumberToIso(d).slice(5));
      dayCounts.push(perDay.get(d) ?? 0);
    }
    const up = satisfaction.find((s) => s.key === 'up')?.count ?? 0;
    const down = satisfaction.find((s) => s.key === 'down')?.count ?? 0;
    const label = (prefix: string) => (key: string) => ctx.t(`${prefix}.${key}`);
    const planRows = PLAN_ITEMS.map((p) => ({ key: p, count: plan.get(p) ?? 0 })).filter((r) => r.count > 0);
    const charts = {
      perDay: { labels: dayLabels, data: dayCounts, label: ctx.t('dash.per_day') },
      intents: { labels: intents.map((r) => r.key), data: intents.map((r) => r.count) },
      plan: { labels: planRows.map((r) => ctx.t(`plan.${r.key}`)), data: planRows.map((r) => r.count) },
      channels: { labels: channels.map((r) => label('channel')(r.key)), data: channels.map((r) => r.count) },
      languages: {
        labels: languages.map((r) => label('language')(r.key)),
        data: languages.map((r) => r.count),
      },
      satisfaction: { labels: [ctx.t('dash.up'), ctx.t('dash.down')], data: [up, down] },
      outcomes: { labels: outcomes.map((r) => label('outcome')(r.key)), data: outcomes.map((r) => r.count) },
    };
    const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)} %` : '—');
    const table = (title: string, rows: { key: string; count: number }[], name: (k: string) => string) =>
      html`<table class="mini">
        <caption>
          ${title}
        </caption>
        ${rows.map(
          (r) =>
            html`<tr>
              <th>${name(r.key)}</th>
              <td class="num">${r.count.toLocaleString(ctx.lang)}</td>
            </tr>`,
        )}
      </table>`;
    const chartBox = (id: string, title: string, kind: string) =>
      html`<figure class="chart">
        <figcaption>${title}</figcaption>
        <div class="chart-box">
          <canvas id="${id}" data-kind="${kind}" role="img" aria-label="${title}"></canvas>
        </div>
      </figure>`;
    // What each unit still has to fill in, before the figures: a unit with gaps answers "being updated".
    const gaps = ctx.units
      .filter((u) => units.includes(u.id))
      .map((u) => ({ unit: u, items: setupChecklist(u) }))
      .filter((g) => g.items.length);
    const checklist = gaps.length
      ? html`<section class="checklist" id="setup-checklist">
          <h2>${ctx.t('setup.title')}</h2>
          ${gaps.map(
            (g) =>
              html`<details ${gaps.length === 1 ? 'open' : ''}>
                <summary>
                  ${g.unit.name[ctx.lang]}: ${g.items.length} ·
                  <a href="/console/units/${g.unit.id}">${ctx.t('setup.more')}</a>
                </summary>
                <ul>
                  ${g.items.map((item) => html`<li>${ctx.t(`setup.item.${item}`)}</li>`)}
                </ul>
              </details>`,
          )}
        </section>`
      : '';
    const body = html`${checklist}
      <form method="get" class="filters">
        ${unitSelect(ctx, q.unit)} ${rangeFields(ctx, range)}
        <button type="submit">${ctx.t('filter.apply')}</button>
      </form>
      <section class="cards">
        <div class="card">
          <span>${ctx.t('dash.total')}</span><strong id="total">${total.toLocaleString(ctx.lang)}</strong>
        </div>
        <div class="card">
          <span>${ctx.t('dash.fallback_rate')}</span><strong>${pct(fallback, total)}</strong>
        </div>
        <div class="card">
          <span>${ctx.t('dash.satisfaction')}</span><strong>${pct(up, up + down)}</strong
          ><small>👍 ${up} · 👎 ${down}</small>
        </div>
        <div class="card">
          <span>${ctx.t('dash.english')}</span
          ><strong>${pct(languages.find((l) => l.key === 'en')?.count ?? 0, total)}</strong>
        </div>
      </section>
      ${outreachSection(ctx, outreach)}
      <section class="charts">
        ${chartBox('perDay', ctx.t('dash.per_day'), 'line')}
        ${chartBox('intents', ctx.t('dash.by_intent'), 'bar')}
        ${chartBox('plan', ctx.t('dash.by_plan'), 'bar')}
        ${chartBox('channels', ctx.t('dash.by_channel'), 'doughnut')}
        ${chartBox('languages', ctx.t('dash.by_language'), 'doughnut')}
        ${chartBox('satisfaction', ctx.t('dash.satisfaction'), 'doughnut')}
        ${chartBox('outcomes', ctx.t('dash.by_outcome'), 'bar')}
      </section>
      <details>
        <summary>${ctx.t('dash.tables')}</summary>
        <div class="tables">
          ${table(ctx.t('dash.by_intent'), intents, (k) => k)}
          ${table(ctx.t('dash.by_plan'), planRows, (k) => ctx.t(`plan.${k}`))}
          ${table(ctx.t('dash.by_channel'), channels, label('channel'))}
          ${table(ctx.t('dash.by_language'), languages, label('language'))}
          ${table(ctx.t('dash.by_outcome'), outcomes, label('outcome'))}
        </div>
      </details>
      <script type="application/json" id="chart-data">
        ${new SafeHtml(JSON.stringify(charts).replace(/</g, '\\u003c'))}
      </script>`;
    return page(ctx, '/console', ctx.t('nav.dashboard'), body, {
      scripts: ['/console/assets/chart.js', '/console/assets/console.js'],
    });
  }

  @Get('conversations')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async conversations(@Ctx() ctx: ConsoleContext, @Query() q: Q): Promise<string> {
    const range = dayRange(q.from, q.to, this.clock.now());
    const units = unitScope(ctx, q.unit);
    const filter = {
      channel: pick(q.channel, CHANNEL_NAMES),
      language: pick(q.language, LANGUAGES),
      intent: typeof q.intent === 'string' && /^[a-z_]{1,32}$/.test(q.intent) ? q.intent : undefined,
      outcome: pick(q.outcome, OUTCOMES),
      search: typeof q.q === 'string' && q.q.trim() ? q.q.trim().slice(0, 100) : undefined,
    };
    const limit = 50;
    const [{ rows, capped }, intents] = await Promise.all([
      this.interactions.turns({
        unitIds: units,
        from: range.start,
        to: range.end,
        ...filter,
        beforeId: positiveInt(q.before),
        limit,
      }),
      this.interactions.stats(units, range.fromDay, range.toDay, 'intent'),
    ]);
    const params = new URLSearchParams(
      Object.entries({ ...q, from: range.from, to: range.to }).filter(
        (e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '' && e[0] !== 'before',
      ),
    );
    const next = rows.length === limit ? `?${params.toString()}&before=${rows[rows.length - 1].id}` : null;
    const opts = (values: readonly string[], prefix: string) =>
      values.map((v) => ({ value: v, label: ctx.t(`${prefix}.${v}`) }));
    const body = html`<form method="get" class="filters">
        ${unitSelect(ctx, q.unit)} ${rangeFields(ctx, range)}
        ${select('channel', ctx.t('filter.channel'), opts(CHANNEL_NAMES, 'channel'), filter.channel, ctx.t('filter.all'))}
        ${select('language', ctx.t('filter.language'), opts(LANGUAGES, 'language'), filter.language, ctx.t('filter.all'))}
        ${select(
          'intent',
          ctx.t('filter.intent'),
          intents.map((i) => ({ value: i.key, label: i.key })),
          filter.intent,
          ctx.t('filter.all'),
        )}
        ${select('outcome', ctx.t('filter.outcome'), opts(OUTCOMES, 'outcome'), filter.outcome, ctx.t('filter.all'))}
        <label
          >${ctx.t('filter.search')} <input type="search" name="q" value="${filter.search ?? ''}"
        /></label>
        <button type="submit">${ctx.t('filter.apply')}</button>
      </form>
      ${capped ? html`<p class="hint">${ctx.t('conv.search_capped', { count: SEARCH_WINDOW.toLocaleString(ctx.lang) })}</p>` : ''}
      ${
        rows.length
          ? html`<div class="scroll">
              <table class="list" id="turns">
                <thead>
                  <tr>
                    <th>${ctx.t('col.time')}</th>
                    ${ctx.units.length > 1 ? html`<th>${ctx.t('col.unit')}</th>` : ''}
                    <th>${ctx.t('col.channel')}</th>
                    <th>${ctx.t('col.intent')}</th>
                    <th>${ctx.t('col.outcome')}</th>
                    <th>${ctx.t('col.question')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${rows.map(
                    (r) =>
                      html`<tr>
                        <td>
                          <a href="/console/conversations/${r.conversationId}#t${r.id}"
                            >${formatTime(r.occurredAt, ctx.lang)}</a
                          >
                        </td>
                        ${ctx.units.length > 1 ? html`<td>${unitName(ctx, r.unitId)}</td>` : ''}
                        <td>${ctx.t(`channel.${r.channel}`)} · ${r.language}</td>
                        <td>${r.intent}${r.topic ? html`<small>:${r.topic}</small>` : ''}</td>
                        <td><span class="tag ${r.outcome}">${ctx.t(`outcome.${r.outcome}`)}</span></td>
                        <td class="text">${r.userText ?? html`<em>${ctx.t('conv.no_text')}</em>`}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
          : html`<p class="empty">${ctx.t('empty')}</p>`
      }
      ${next ? html`<p><a class="button" href="${next}" rel="next">${ctx.t('next_page')}</a></p>` : ''}`;
    return page(ctx, '/console/conversations', ctx.t('nav.conversations'), body);
  }

  @Get('conversations/:id')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async transcript(@Ctx() ctx: ConsoleContext, @Param('id') id: string, @Query() q: Q): Promise<string> {
    if (!/^[\w-]{1,36}$/.test(id)) throw new NotFoundException();
    const conversation = await this.desk.conversation(id);
    assertUnit(ctx, conversation?.unitId);
    const c = conversation!;
    const [turns, staff, tickets] = await Promise.all([
      this.interactions.transcript(c.id),
      this.desk.staffMessages(c.id),
      this.complaints.byConversations([c.id]),
    ]);
    type Line = { at: Date; node: SafeHtml };
    const lines: Line[] = [
      ...turns.map((r) => ({
        at: r.occurredAt,
        node: html`<li class="turn" id="t${r.id}">
          <div class="meta">
            ${formatTime(r.occurredAt, ctx.lang)} · ${r.intent}${r.topic ? `:${r.topic}` : ''} ·
            <span class="tag ${r.outcome}">${ctx.t(`outcome.${r.outcome}`)}</span>
            ${r.satisfaction ? (r.satisfaction === 'up' ? ' 👍' : ' 👎') : ''}
          </div>
          ${r.userText !== null ? html`<p class="msg user">${r.userText}</p>` : html`<p class="msg user muted">${ctx.t('conv.no_text')}</p>`}
          ${r.replyText ? html`<p class="msg bot">${r.replyText}</p>` : ''}
        </li>`,
      })),
      ...staff.map((m) => ({
        at: m.createdAt,
        node: html`<li class="turn staff">
          <div class="meta">
            ${formatTime(m.createdAt, ctx.lang)} · ${ctx.t('conv.staff')} · ${ctx.t(`delivery.${m.status}`)}
          </div>
          <p class="msg staffmsg">${m.message.text}</p>
        </li>`,
      })),
    ].sort((a, b) => a.at.getTime() - b.at.getTime());
    const window = this.desk.replyWindow(c);
    const handedOff = !!c.handoffUntil && c.handoffUntil.getTime() > this.clock.now().getTime();
    const canAct = ROLE_RANK[ctx.user.role] >= ROLE_RANK.staff;
    const body = html`<dl class="facts">
        <dt>${ctx.t('col.unit')}</dt>
        <dd>${unitName(ctx, c.unitId)}</dd>
        <dt>${ctx.t('col.channel')}</dt>
        <dd>${ctx.t(`channel.${c.channel}`)} · ${c.language}</dd>
        <dt>${ctx.t('conv.last_message')}</dt>
        <dd>${formatTime(c.lastUserMessageAt, ctx.lang)}</dd>
        <dt>${ctx.t('conv.handoff')}</dt>
        <dd>
          ${handedOff ? ctx.t('conv.handoff_until', { until: formatTime(c.handoffUntil, ctx.lang) }) : ctx.t('conv.bot')}
        </dd>
        ${
          tickets.length
            ? html`<dt>${ctx.t('nav.complaints')}</dt>
                <dd>${tickets.map((t) => html`<a href="/console/complaints/${t.id}">${t.code}</a> `)}</dd>`
            : ''
        }
      </dl>
      <ol class="transcript">
        ${lines.map((l) => l.node)}
      </ol>
      ${canAct ? replyForm(ctx, `/console/handoffs/${c.id}/reply`, window, handedOff ? `/console/handoffs/${c.id}/release` : null) : ''}`;
    return page(ctx, '/console/conversations', ctx.t('conv.title'), body, { flash: flash(ctx, q) });
  }

  @Get('audit')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async auditPage(@Ctx() ctx: ConsoleContext, @Query() q: Q): Promise<string> {
    const all = ctx.user.unitId === ALL_UNITS;
    const rows = await this.audit.page(all ? null : ctx.unitIds, positiveInt(q.before) ?? null, 100);
    const next = rows.length === 100 ? `?before=${rows[rows.length - 1].id}` : null;
    const body = html`<div class="scroll">
        <table class="list" id="audit">
          <thead>
            <tr>
              <th>${ctx.t('col.time')}</th>
              <th>${ctx.t('col.who')}</th>
              <th>${ctx.t('col.action')}</th>
              <th>${ctx.t('col.target')}</th>
              <th>${ctx.t('col.detail')}</th>
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              (r) =>
                html`<tr>
                  <td>${formatTime(r.at, ctx.lang)}</td>
                  <td>${r.email}</td>
                  <td>${ctx.t(`action.${r.action}`)}</td>
                  <td>${r.target ?? ''}</td>
                  <td class="text">${r.detail ?? ''}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${next ? html`<p><a class="button" href="${next}">${ctx.t('next_page')}</a></p>` : ''}`;
    return page(ctx, '/console/audit', ctx.t('nav.audit'), body);
  }

  @Get('users')
  @MinRole('admin')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async users(@Ctx() ctx: ConsoleContext, @Query() q: Q): Promise<string> {
    const all = ctx.user.unitId === ALL_UNITS;
    const users = (await this.repository.users()).filter((u) => all || u.unitId === ctx.user.unitId);
    const unitOptions = [
      ...(all ? [{ value: ALL_UNITS, label: ctx.t('filter.all_units') }] : []),
      ...ctx.units.map((u) => ({ value: u.id, label: u.name[ctx.lang] })),
    ];
    const body = html`<div class="scroll">
        <table class="list">
          <thead>
            <tr>
              <th>${ctx.t('login.email')}</th>
              <th>${ctx.t('col.unit')}</th>
              <th>${ctx.t('col.role')}</th>
              <th>${ctx.t('col.active')}</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            ${users.map(
              (u) =>
                html`<tr>
                  <td>${u.email}</td>
                  <td>${u.unitId === ALL_UNITS ? ctx.t('filter.all_units') : unitName(ctx, u.unitId)}</td>
                  <td>${ctx.t(`role.${u.role}`)}</td>
                  <td>${u.active ? '✓' : '✗'}</td>
                  <td>
                    ${
                      u.id === ctx.user.id
                        ? ''
                        : html`<form method="post" action="/console/users/${u.id}/active" class="inline">
                            ${csrfField(ctx)}
                            <input type="hidden" name="active" value="${u.active ? 'false' : 'true'}" />
                            <button type="submit">
                              ${ctx.t(u.active ? 'users.disable' : 'users.enable')}
                            </button>
                          </form>`
                    }
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <h2>${ctx.t('users.add')}</h2>
      <form method="post" action="/console/users" class="stack">
        ${csrfField(ctx)}
        <label>${ctx.t('login.email')} <input name="email" type="email" required /></label>
        ${select('unit', ctx.t('col.unit'), unitOptions, ctx.user.unitId)}
        ${select(
          'role',
          ctx.t('col.role'),
          CONSOLE_ROLES.map((r) => ({ value: r, label: ctx.t(`role.${r}`) })),
          'viewer',
        )}
        <label
          >${ctx.t('login.password')}
          <input name="password" type="password" minlength="12" autocomplete="new-password" required
        /></label>
        <button type="submit">${ctx.t('users.add')}</button>
      </form>`;
    return page(ctx, '/console/users', ctx.t('nav.users'), body, { flash: flash(ctx, q) });
  }

  @Post('users')
  @MinRole('admin')
  async addUser(
    @Ctx() ctx: ConsoleContext,
    @Body() body: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
    const role = pick(body.role, CONSOLE_ROLES) as ConsoleRole | undefined;
    const unit = typeof body.unit === 'string' ? body.unit : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const unitAllowed = unit === ALL_UNITS ? ctx.user.unitId === ALL_UNITS : ctx.unitIds.includes(unit);
    if (!unitAllowed) throw new ForbiddenException();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || !role || password.length < 12 || password.length > 200)
      throw new BadRequestException();
    if (await this.repository.userByEmail(email)) {
      await reply.status(303).header('location', '/console/users?done=user_exists').send();
      return;
    }
    const now = this.clock.now();
    await this.repository.saveUser({
      email,
      unitId: unit,
      role,
      passwordHash: await hashPassword(password),
      active: true,
      createdAt: now,
      updatedAt: now,
    });
    await this.audit.record(ctx.user, 'user_add', unit === ALL_UNITS ? null : unit, email, role);
    await reply.status(303).header('location', '/console/users?done=user_added').send();
  }

  /** Disabling ends the account's sessions at once (a session is honoured only for an active account). */
  @Post('users/:id/active')
  @MinRole('admin')
  async setActive(
    @Ctx() ctx: ConsoleContext,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const user = /^\d{1,12}$/.test(id) ? await this.repository.userById(Number(id)) : null;
    const visible = !!user && (ctx.user.unitId === ALL_UNITS || user.unitId === ctx.user.unitId);
    if (!user || !visible) throw new NotFoundException();
    if (user.id === ctx.user.id) {
      await reply.status(303).header('location', '/console/users?done=user_self').send();
      return;
    }
    const active = body.active === 'true';
    await this.repository.saveUser({ ...user, active, updatedAt: this.clock.now() });
    await this.audit.record(
      ctx.user,
      'user_active',
      user.unitId === ALL_UNITS ? null : user.unitId,
      user.email,
      active ? 'enabled' : 'disabled',
    );
    await reply
      .status(303)
      .header('location', `/console/users?done=${active ? 'user_enabled' : 'user_disabled'}`)
      .send();
  }
}

/** The dashboard's proactive outreach part: counted from the campaign tables (the log is not read here). */
function outreachSection(ctx: ConsoleContext, o: ReturnType<typeof outreachFigures>): SafeHtml {
  const n = (value: number | null) =>
    value === null ? ctx.t('dash.outreach_not_available') : value.toLocaleString(ctx.lang);
  const card = (id: string, label: string, value: string) =>
    html`<div class="card"><span>${label}</span><strong id="${id}">${value}</strong></div>`;
  const rows = (items: { label: string; value: number }[]) =>
    items.map(
      (r) =>
        html`<tr>
          <th>${r.label}</th>
          <td class="num">${n(r.value)}</td>
        </tr>`,
    );
  return html`<section class="outreach" aria-labelledby="outreach-title">
    <h2 id="outreach-title">${ctx.t('dash.outreach')}</h2>
    <div class="cards">
      ${card('outreach-campaigns', ctx.t('dash.outreach_campaigns'), n(o.campaigns.length))}
      ${card('outreach-reached', ctx.t('dash.outreach_reached'), n(o.reached))}
      ${card('outreach-outside-window', ctx.t('dash.outreach_outside_window'), n(o.outsideWindow))}
      ${card('outreach-not-subscribed', ctx.t('dash.outreach_not_subscribed'), n(o.notSubscribed))}
      ${card('outreach-subscriptions', ctx.t('dash.outreach_subscriptions'), `${n(o.optIns)} / ${n(o.optOuts)}`)}
      ${card('outreach-notices', ctx.t('dash.outreach_notices'), n(o.noticesSent))}
    </div>
    ${
      o.campaigns.length
        ? html`<table class="list" id="outreach-campaigns-table">
            <thead>
              <tr>
                <th>${ctx.t('dash.outreach_campaign')}</th>
                <th>${ctx.t('dash.by_plan')}</th>
                <th>${ctx.t('dash.outreach_approved_by')}</th>
                <th>${ctx.t('dash.outreach_started_at')}</th>
                <th>${ctx.t('dash.outreach_reached')}</th>
                <th>${ctx.t('dash.outreach_outside_window')}</th>
                <th>${ctx.t('dash.outreach_not_subscribed')}</th>
              </tr>
            </thead>
            <tbody>
              ${o.campaigns.map(
                (c) =>
                  html`<tr>
                    <td>${c.title}</td>
                    <td>${planLabel(ctx, c.planItem)}</td>
                    <td>${c.approvedBy ?? ''}</td>
                    <td>${formatTime(c.startedAt, ctx.lang)}</td>
                    <td class="num">${n(c.reached)}</td>
                    <td class="num">${n(c.outsideWindow)}</td>
                    <td class="num">${n(c.notSubscribed)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : ''
    }
    <div class="tables">
      <table class="mini">
        <caption>
          ${ctx.t('dash.outreach_reached_by_channel')}
        </caption>
        ${rows(o.byChannel.map((c) => ({ label: ctx.t(`channel.${c.channel}`), value: c.reached })))}
      </table>
      <table class="mini">
        <caption>
          ${ctx.t('dash.outreach_reached_by_plan')}
        </caption>
        ${rows(o.byPlanItem.map((p) => ({ label: planLabel(ctx, p.planItem), value: p.reached })))}
      </table>
    </div>
  </section>`;
}

function planLabel(ctx: ConsoleContext, item: string): string {
  return (PLAN_ITEMS as readonly string[]).includes(item) ? ctx.t(`plan.${item}`) : item;
}
