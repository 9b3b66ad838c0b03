import {
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
import type { CampaignEntity } from '../campaigns/campaign.entity';
import type { RecipientState } from '../campaigns/campaign-recipient.entity';
import {
  BUTTON_TITLE_LIMIT,
  CAMPAIGN_CHANNELS,
  CAMPAIGN_TOPICS,
  CampaignError,
  TEXT_LIMIT,
  TITLE_LIMIT,
  charCount,
  type CampaignInput,
} from '../campaigns/campaign-rules';
import { CampaignsService } from '../campaigns/campaigns.service';
import { Clock, VN_OFFSET_MS } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { PLAN_ITEMS } from '../messaging/plan-item';
import { ConsoleAuditService } from './console-audit.service';
import { ConsoleAuthGuard, Ctx, MinRole } from './console-auth.guard';
import { ROLE_RANK } from './console-auth.service';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { assertUnit, positiveInt, unitScope } from './console-scope';
import { flash } from './console.controller';
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

type Q = Record<string, string | undefined>;

/** What staff typed in the new-campaign form, kept as typed so that a refused form comes back filled in. */
interface CampaignForm {
  unit: string;
  title: string;
  planItem: string;
  textVi: string;
  textEn: string;
  buttonUrl: string;
  buttonTitleVi: string;
  buttonTitleEn: string;
  channels: string[];
  language: string;
  topic: string;
  scheduledAt: string;
}

/** A refused form or action: the field it concerns (if any) and the text staff read. */
interface Problem {
  field?: string;
  text: string;
}

const RECIPIENT_STATES: RecipientState[] = [
  'pending',
  'queued',
  'sent',
  'outside_window',
  'not_subscribed',
  'failed',
  'unreachable',
];
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function formOf(body: Record<string, unknown>): CampaignForm {
  const channels = Array.isArray(body.channels) ? body.channels : body.channels ? [body.channels] : [];
  return {
    unit: str(body.unit),
    title: str(body.title),
    planItem: str(body.planItem),
    textVi: str(body.textVi),
    textEn: str(body.textEn),
    buttonUrl: str(body.buttonUrl),
    buttonTitleVi: str(body.buttonTitleVi),
    buttonTitleEn: str(body.buttonTitleEn),
    channels: channels.filter((c): c is string => typeof c === 'string'),
    language: str(body.language),
    topic: str(body.topic),
    scheduledAt: str(body.scheduledAt),
  };
}

/** "2026-12-05T14:30" as staff mean it: Vietnam time. Empty → null; anything else malformed → an error. */
export function parseLocalTime(value: string, field = 'scheduledAt'): Date | null {
  const v = value.trim();
  if (!v) return null;
  const m = LOCAL_TIME.exec(v);
  const at = m
    ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) - VN_OFFSET_MS)
    : new Date(Number.NaN);
  // Date.UTC rolls 2026-02-31 over to March: only a date that reads back the same is accepted.
  if (!m || Number.isNaN(at.getTime()) || localInput(at) !== v)
    throw new CampaignError('bad_schedule', `"${v}" is not a date and time`, field);
  return at;
}

/** The value of a datetime-local input for an instant, in Vietnam time. */
export function localInput(at: Date | null): string {
  return at ? new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 16) : '';
}

/**
 * Campaigns (issue 13): staff draft a message to the unit's subscribers, an administrator other than
 * the author approves it, and the page follows its sending. The rules (who may approve, what a
 * campaign may say, when it may go) are the campaign service's; this controller shows them and
 * records who did what.
 */
@ApiExcludeController()
@Controller('console/campaigns')
@UseGuards(ConsoleAuthGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleCampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly audit: ConsoleAuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async index(@Ctx() ctx: ConsoleContext, @Query() q: Q): Promise<string> {
    return this.listPage(ctx, unitScope(ctx, q.unit), null, [], flash(ctx, q));
  }

  @Post()
  @MinRole('staff')
  async create(
    @Ctx() ctx: ConsoleContext,
    @Body() body: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const form = formOf(body);
    // A unit named that the account may not see is "not found"; none named is the account's only unit.
    const unitId = form.unit || (ctx.units.length === 1 ? ctx.unitIds[0] : '');
    if (!ctx.unitIds.includes(unitId)) throw new NotFoundException();
    form.unit = unitId;
    let campaign: CampaignEntity;
    try {
      const input: CampaignInput = {
        unitId,
        title: form.title,
        planItem: form.planItem,
        textVi: form.textVi,
        textEn: form.textEn,
        buttonUrl: form.buttonUrl,
        buttonTitleVi: form.buttonTitleVi,
        buttonTitleEn: form.buttonTitleEn,
        channels: form.channels,
        language: form.language || null,
        topic: form.topic || null,
        scheduledAt: parseLocalTime(form.scheduledAt),
      };
      campaign = await this.campaigns.createDraft(input, ctx.user.email, 'console');
    } catch (error) {
      if (!(error instanceof CampaignError)) throw error;
      const problem = this.problem(ctx, error, form);
      const body = await this.listPage(ctx, ctx.unitIds, form, [problem], null);
      await reply.status(400).header('content-type', 'text/html; charset=utf-8').send(body);
      return;
    }
    await this.audit.record(
      ctx.user,
      'campaign_draft',
      campaign.unitId,
      `campaign ${campaign.id}`,
      `${campaign.title} (${campaign.planItem})`,
    );
    await reply
      .status(303)
      .header('location', `/console/campaigns/${campaign.id}?done=campaign_drafted`)
      .send();
  }

  @Get(':id')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async show(@Ctx() ctx: ConsoleContext, @Param('id') id: string, @Query() q: Q): Promise<string> {
    return this.campaignPage(ctx, await this.inScope(ctx, id), null, flash(ctx, q));
  }

  @Post(':id/approve')
  @MinRole('admin')
  async approve(
    @Ctx() ctx: ConsoleContext,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const campaign = await this.inScope(ctx, id);
    const when = str(body.when);
    await this.act(ctx, campaign, reply, 'campaign_approve', 'campaign_approved', async () => {
      const scheduledAt = when === 'at' ? parseLocalTime(str(body.scheduledAt), 'approveAt') : undefined;
      if (when === 'at' && !scheduledAt)
        throw new CampaignError('bad_schedule', 'no time given', 'approveAt');
      const approved = await this.campaigns.approve(campaign.id, ctx.user.email, {
        sendNow: when === 'now',
        scheduledAt,
      });
      return when === 'now'
        ? 'send now'
        : approved.scheduledAt
          ? `scheduled ${approved.scheduledAt.toISOString()}`
          : 'held until "send now"';
    });
  }

  @Post(':id/send')
  @MinRole('staff')
  async sendNow(
    @Ctx() ctx: ConsoleContext,
    @Param('id') id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const campaign = await this.inScope(ctx, id);
    await this.act(ctx, campaign, reply, 'campaign_send', 'campaign_sending', async () => {
      await this.campaigns.sendNow(campaign.id);
      return 'send now';
    });
  }

  @Post(':id/cancel')
  @MinRole('staff')
  async cancel(
    @Ctx() ctx: ConsoleContext,
    @Param('id') id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const campaign = await this.inScope(ctx, id);
    await this.act(ctx, campaign, reply, 'campaign_cancel', 'campaign_cancelled', async () => {
      await this.campaigns.cancel(campaign.id, ctx.user.email);
      return `was ${campaign.status}`;
    });
  }

  /**
   * Runs one action; a refusal by the rules (self-approval, not approved yet, changed meanwhile) is
   * audited too and answered with the campaign page and the reason (409), a success with a redirect.
   */
  private async act(
    ctx: ConsoleContext,
    campaign: CampaignEntity,
    reply: FastifyReply,
    action: 'campaign_approve' | 'campaign_send' | 'campaign_cancel',
    done: string,
    run: () => Promise<string>,
  ): Promise<void> {
    const target = `campaign ${campaign.id}`;
    try {
      const detail = await run();
      await this.audit.record(ctx.user, action, campaign.unitId, target, `${campaign.title}: ${detail}`);
    } catch (error) {
      if (!(error instanceof CampaignError)) throw error;
      await this.audit.record(
        ctx.user,
        action,
        campaign.unitId,
        target,
        `refused (${error.code}): ${campaign.title}`,
      );
      const fresh = (await this.campaigns.find(campaign.id)) ?? campaign;
      const body = await this.campaignPage(ctx, fresh, this.problem(ctx, error, null), null);
      await reply.status(409).header('content-type', 'text/html; charset=utf-8').send(body);
      return;
    }
    await reply.status(303).header('location', `/console/campaigns/${campaign.id}?done=${done}`).send();
  }

  /** Another unit's campaign is "not found", exactly like one that does not exist. */
  private async inScope(ctx: ConsoleContext, id: string): Promise<CampaignEntity> {
    const n = positiveInt(id);
    const campaign = n ? await this.campaigns.find(n) : null;
    assertUnit(ctx, campaign?.unitId);
    return campaign!;
  }

  /** A CampaignError in the reader's language, with the numbers that let staff fix it. */
  private problem(ctx: ConsoleContext, error: CampaignError, form: CampaignForm | null): Problem {
    const typed = form && error.field ? str((form as unknown as Record<string, unknown>)[error.field]) : '';
    let host = '';
    try {
      host = form ? new URL(form.buttonUrl.trim()).hostname : '';
    } catch {
      // Not a URL: the bad_link message says so without a host.
    }
    const params = {
      limit:
        error.code === 'title_too_long'
          ? TITLE_LIMIT
          : error.code === 'button_title_too_long'
            ? BUTTON_TITLE_LIMIT
            : TEXT_LIMIT,
      count: charCount(typed.trim()),
      domains: this.campaigns.allowedDomains().join(', '),
      host,
    };
    let text: string;
    try {
      text = ctx.t(`campaign.error.${error.code}`, params);
    } catch {
      text = error.message; // a rule newer than the console's texts still explains itself
    }
    return { field: error.field, text };
  }

  private async listPage(
    ctx: ConsoleContext,
    unitIds: string[],
    form: CampaignForm | null,
    problems: Problem[],
    flashed: ReturnType<typeof flash>,
  ): Promise<string> {
    const list = await this.campaigns.list(unitIds);
    const totals = await this.campaigns.stateTotals(list.map((c) => c.id));
    const canDraft = ROLE_RANK[ctx.user.role] >= ROLE_RANK.staff;
    const body = html`${
      list.length
        ? html`<div class="scroll">
            <table class="list" id="campaigns">
              <thead>
                <tr>
                  <th>${ctx.t('campaign.col.title')}</th>
                  ${ctx.units.length > 1 ? html`<th>${ctx.t('col.unit')}</th>` : ''}
                  <th>${ctx.t('col.status')}</th>
                  <th>${ctx.t('campaign.col.plan_item')}</th>
                  <th>${ctx.t('campaign.col.created_by')}</th>
                  <th>${ctx.t('campaign.col.approved_by')}</th>
                  <th>${ctx.t('campaign.col.scheduled')}</th>
                  <th>${ctx.t('campaign.col.started')}</th>
                  <th>${ctx.t('campaign.col.finished')}</th>
                  <th>${ctx.t('campaign.col.sent')}</th>
                </tr>
              </thead>
              <tbody>
                ${list.map((c) => {
                  const t = totals.get(c.id) ?? {};
                  const all = Object.values(t).reduce((s, n) => s + (n ?? 0), 0);
                  return html`<tr data-id="${c.id}">
                    <td><a href="/console/campaigns/${c.id}">${c.title}</a></td>
                    ${ctx.units.length > 1 ? html`<td>${unitName(ctx, c.unitId)}</td>` : ''}
                    <td><span class="tag ${c.status}">${ctx.t(`campaign.status.${c.status}`)}</span></td>
                    <td>${ctx.t(`plan.${c.planItem}`)}</td>
                    <td>${c.createdBy}</td>
                    <td>${c.approvedBy ?? ''}</td>
                    <td>${formatTime(c.scheduledAt, ctx.lang)}</td>
                    <td>${formatTime(c.startedAt, ctx.lang)}</td>
                    <td>${formatTime(c.finishedAt, ctx.lang)}</td>
                    <td class="num">${all ? `${t.sent ?? 0} / ${all}` : ''}</td>
                  </tr>`;
                })}
              </tbody>
            </table>
          </div>`
        : html`<p class="empty">${ctx.t('campaign.none')}</p>`
    }
    ${canDraft ? this.draftForm(ctx, form, problems) : ''}`;
    return page(ctx, '/console/campaigns', ctx.t('nav.campaigns'), body, {
      flash: problems.length ? { kind: 'error', text: ctx.t('campaign.form_refused') } : flashed,
    });
  }

  private draftForm(ctx: ConsoleContext, form: CampaignForm | null, problems: Problem[]): SafeHtml {
    const f: CampaignForm = form ?? {
      unit: ctx.unitIds[0],
      title: '',
      planItem: '',
      textVi: '',
      textEn: '',
      buttonUrl: '',
      buttonTitleVi: '',
      buttonTitleEn: '',
      channels: [],
      language: '',
      topic: '',
      scheduledAt: '',
    };
    const errorOf = (field: string) => {
      const p = problems.find((x) => x.field === field);
      return p ? html`<span class="field-error" id="error-${field}" role="alert">${p.text}</span>` : '';
    };
    const loose = problems.filter((p) => !p.field || !(p.field in f));
    const limit = ctx.t('campaign.form.text_limit', { limit: TEXT_LIMIT });
    return html`<h2>${ctx.t('campaign.new')}</h2>
      <form method="post" action="/console/campaigns" class="stack" id="campaign-form">
        ${csrfField(ctx)} ${loose.map((p) => html`<p class="field-error" role="alert">${p.text}</p>`)}
        ${
          ctx.units.length > 1
            ? select(
                'unit',
                ctx.t('col.unit'),
                ctx.units.map((u) => ({ value: u.id, label: u.name[ctx.lang] })),
                f.unit,
              )
            : ''
        }
        <label
          >${ctx.t('campaign.form.title')}
          <input name="title" value="${f.title}" required maxlength="${TITLE_LIMIT}" />
          ${errorOf('title')}</label
        >
        ${select(
          'planItem',
          ctx.t('campaign.col.plan_item'),
          PLAN_ITEMS.map((p) => ({ value: p, label: ctx.t(`plan.${p}`) })),
          f.planItem,
          ctx.t('campaign.form.choose'),
        )}
        ${errorOf('planItem')}
        <label
          >${ctx.t('campaign.form.text_vi')} <textarea name="textVi" rows="5">${f.textVi}</textarea>
          <span class="hint">${limit}</span> ${errorOf('textVi')}</label
        >
        <label
          >${ctx.t('campaign.form.text_en')} <textarea name="textEn" rows="5">${f.textEn}</textarea>
          <span class="hint">${limit}</span> ${errorOf('textEn')}</label
        >
        <fieldset>
          <legend>${ctx.t('campaign.form.button')}</legend>
          <label
            >${ctx.t('campaign.form.button_url')}
            <input name="buttonUrl" value="${f.buttonUrl}" inputmode="url" placeholder="https://" />
            <span class="hint" id="allowed-domains"
              >${ctx.t('campaign.form.domains', { domains: this.campaigns.allowedDomains().join(', ') })}</span
            >
            ${errorOf('buttonUrl')}</label
          >
          <label
            >${ctx.t('campaign.form.button_title_vi')}
            <input name="buttonTitleVi" value="${f.buttonTitleVi}" maxlength="${BUTTON_TITLE_LIMIT}" />
            ${errorOf('buttonTitleVi')}</label
          >
          <label
            >${ctx.t('campaign.form.button_title_en')}
            <input name="buttonTitleEn" value="${f.buttonTitleEn}" maxlength="${BUTTON_TITLE_LIMIT}" />
            ${errorOf('buttonTitleEn')}</label
          >
        </fieldset>
        <fieldset>
          <legend>${ctx.t('campaign.form.audience')}</legend>
          <p class="hint">${ctx.t('campaign.form.channels_hint')}</p>
          ${CAMPAIGN_CHANNELS.map(
            (c) =>
              html`<label class="check"
                ><input
                  type="checkbox"
                  name="channels"
                  value="${c}"
                  ${f.channels.includes(c) ? 'checked' : ''}
                />
                ${ctx.t(`channel.${c}`)}</label
              >`,
          )}
          ${errorOf('channels')}
          ${select(
            'language',
            ctx.t('filter.language'),
            (['vi', 'en'] as const).map((l) => ({ value: l, label: ctx.t(`language.${l}`) })),
            f.language,
            ctx.t('campaign.form.own_language'),
          )}
          ${errorOf('language')}
          ${select(
            'topic',
            ctx.t('campaign.form.topic'),
            CAMPAIGN_TOPICS.map((t) => ({ value: t, label: ctx.t(`campaign.topic.${t}`) })),
            f.topic,
            ctx.t('campaign.form.all_subscribers'),
          )}
          ${errorOf('topic')}
        </fieldset>
        <label
          >${ctx.t('campaign.form.schedule')}
          <input type="datetime-local" name="scheduledAt" value="${f.scheduledAt}" />
          <span class="hint">${ctx.t('campaign.form.schedule_hint')}</span> ${errorOf('scheduledAt')}</label
        >
        <button type="submit">${ctx.t('campaign.form.submit')}</button>
      </form>`;
  }

  private async campaignPage(
    ctx: ConsoleContext,
    c: CampaignEntity,
    problem: Problem | null,
    flashed: ReturnType<typeof flash>,
  ): Promise<string> {
    const [progress, preview, quota] = await Promise.all([
      this.campaigns.progress(c.id),
      c.status === 'draft' || c.status === 'approved' ? this.campaigns.preview(c) : Promise.resolve(null),
      this.campaigns.promotionQuota(c.unitId),
    ]);
    const now = this.clock.now();
    const quiet = this.config.env.CAMPAIGN_QUIET_HOURS;
    const canAct = ROLE_RANK[ctx.user.role] >= ROLE_RANK.staff;
    const isAdmin = ctx.user.role === 'admin';
    const channels = c.channels.split(',').filter(Boolean);
    const reachable = this.campaigns.audienceFilter(c).channels;
    const waiting =
      c.status === 'approved' && c.scheduledAt && c.scheduledAt.getTime() <= now.getTime() + 60_000;
    const following = c.status === 'sending' || !!waiting;
    const facts = html`<dl class="facts" id="campaign-facts">
      <dt>${ctx.t('col.status')}</dt>
      <dd>
        <span class="tag ${c.status}" id="campaign-status" data-status="${c.status}"
          >${ctx.t(`campaign.status.${c.status}`)}</span
        >
        ${c.note ? html`<span class="meta">${c.note}</span>` : ''}
      </dd>
      ${
        ctx.units.length > 1
          ? html`<dt>${ctx.t('col.unit')}</dt>
              <dd>${unitName(ctx, c.unitId)}</dd>`
          : ''
      }
      <dt>${ctx.t('campaign.col.plan_item')}</dt>
      <dd>${ctx.t(`plan.${c.planItem}`)}</dd>
      <dt>${ctx.t('campaign.col.created_by')}</dt>
      <dd>${c.createdBy} · ${formatTime(c.createdAt, ctx.lang)} · ${ctx.t(`campaign.source.${c.source}`)}</dd>
      <dt>${ctx.t('campaign.col.approved_by')}</dt>
      <dd id="campaign-approved-by">
        ${c.approvedBy ? html`${c.approvedBy} · ${formatTime(c.approvedAt, ctx.lang)}` : ctx.t('campaign.not_yet')}
      </dd>
      <dt>${ctx.t('campaign.col.scheduled')}</dt>
      <dd>
        ${
          c.scheduledAt
            ? formatTime(c.scheduledAt, ctx.lang)
            : ctx.t(c.status === 'approved' ? 'campaign.held' : 'campaign.no_schedule')
        }
      </dd>
      ${
        c.startedAt
          ? html`<dt>${ctx.t('campaign.col.started')}</dt>
              <dd>${formatTime(c.startedAt, ctx.lang)}</dd>`
          : ''
      }
      ${
        c.finishedAt
          ? html`<dt>${ctx.t('campaign.col.finished')}</dt>
              <dd>${formatTime(c.finishedAt, ctx.lang)}</dd>`
          : ''
      }
    </dl>`;
    const content = html`<h2>${ctx.t('campaign.content')}</h2>
      <dl class="facts" id="campaign-content">
        <dt>${ctx.t('language.vi')}</dt>
        <dd class="text">${c.textVi ?? ctx.t('campaign.no_text')}</dd>
        <dt>${ctx.t('language.en')}</dt>
        <dd class="text">${c.textEn ?? ctx.t('campaign.no_text')}</dd>
        ${
          c.buttonUrl
            ? html`<dt>${ctx.t('campaign.form.button')}</dt>
                <dd>
                  <a href="${c.buttonUrl}" rel="noopener noreferrer" target="_blank">${c.buttonUrl}</a> ·
                  ${c.buttonTitleVi ?? ''} ${c.buttonTitleEn ? html`/ ${c.buttonTitleEn}` : ''}
                </dd>`
            : ''
        }
        <dt>${ctx.t('campaign.form.audience')}</dt>
        <dd>
          ${(channels.length ? channels : [...CAMPAIGN_CHANNELS]).map((ch) => ctx.t(`channel.${ch}`)).join(', ')}
          ${channels.length ? '' : html`(${ctx.t('campaign.all_channels')})`} ·
          ${c.language ? ctx.t(`language.${c.language}`) : ctx.t('campaign.form.own_language')} ·
          ${c.topic ? ctx.t(`campaign.topic.${c.topic}`) : ctx.t('campaign.form.all_subscribers')}
        </dd>
      </dl>`;
    const previewTable = preview
      ? html`<h2>${ctx.t('campaign.preview')}</h2>
          <p class="hint">${ctx.t('campaign.preview_hint')}</p>
          ${
            preview.length
              ? html`<table class="list" id="preview">
                  <thead>
                    <tr>
                      <th>${ctx.t('col.channel')}</th>
                      <th>${ctx.t('campaign.rule.to_send')}</th>
                      <th>${ctx.t('campaign.rule.by_promotion')}</th>
                      <th>${ctx.t('campaign.rule.outside_window')}</th>
                      <th>${ctx.t('campaign.rule.not_subscribed')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${preview.map(
                      (p) =>
                        html`<tr data-channel="${p.channel}">
                          <th>${ctx.t(`channel.${p.channel}`)}</th>
                          <td class="num" data-rule="toSend">${p.toSend}</td>
                          <td class="num" data-rule="byPromotion">
                            ${p.channel === 'zalo' ? p.byPromotion : '—'}
                          </td>
                          <td class="num" data-rule="outsideWindow">${p.outsideWindow}</td>
                          <td class="num" data-rule="notSubscribed">${p.notSubscribed}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>`
              : html`<p class="flash error" role="alert">${ctx.t('campaign.no_channel')}</p>`
          }
          ${
            channels.some((ch) => !reachable.includes(ch))
              ? html`<p class="hint">
                  ${ctx.t('campaign.unreachable', {
                    channels: channels
                      .filter((ch) => !reachable.includes(ch))
                      .map((ch) => ctx.t(`channel.${ch}`))
                      .join(', '),
                  })}
                </p>`
              : ''
          }`
      : '';
    const progressTable = progress.length ? this.progressTable(ctx, progress) : '';
    const rules = html`<h2>${ctx.t('campaign.rules.title')}</h2>
      <ul class="rules" id="campaign-rules">
        <li>${ctx.t('campaign.rules.messenger')}</li>
        <li>${ctx.t('campaign.rules.zalo')}</li>
        <li id="promotion-quota">
          ${
            quota.quota
              ? ctx.t('campaign.quota', { remaining: quota.remaining, quota: quota.quota, used: quota.used })
              : ctx.t('campaign.no_quota')
          }
        </li>
        <li>${ctx.t('campaign.rules.web')}</li>
        <li>
          ${
            quiet === 'off'
              ? ctx.t('campaign.rules.quiet_off')
              : ctx.t('campaign.rules.quiet', { hours: quiet.replace('-', '–') })
          }
        </li>
        <li>${ctx.t('campaign.rules.unsubscribe')}</li>
      </ul>`;
    const body = html`${facts}
      ${problem ? html`<p class="flash error" id="campaign-error" role="alert">${problem.text}</p>` : ''}
      ${canAct ? this.actions(ctx, c, isAdmin) : ''} ${content} ${previewTable} ${progressTable}
      <p>
        <a href="/console/campaigns/${c.id}" class="button secondary" id="reload"
          >${ctx.t('campaign.reload')}</a
        >
      </p>
      ${following ? html`<p class="hint">${ctx.t('campaign.following')}</p>` : ''} ${rules}`;
    return page(ctx, '/console/campaigns', `${ctx.t('campaign.title')}: ${c.title}`, body, {
      flash: flashed,
      refreshSeconds: following ? 5 : undefined,
    });
  }

  /** What this reader may do with the campaign now; the service checks it again. */
  private actions(ctx: ConsoleContext, c: CampaignEntity, isAdmin: boolean): SafeHtml {
    const post = (path: string, id: string, label: string, extra: SafeHtml | string = '', kind = '') =>
      html`<form method="post" action="/console/campaigns/${c.id}/${path}" class="stack" id="${id}">
        ${csrfField(ctx)} ${extra}<button type="submit" class="${kind}">${label}</button>
      </form>`;
    const parts: (SafeHtml | string)[] = [];
    if (c.status === 'draft') {
      if (isAdmin && c.createdBy !== ctx.user.email)
        parts.push(
          post(
            'approve',
            'approve-form',
            ctx.t('campaign.approve'),
            html`<fieldset>
              <legend>${ctx.t('campaign.when')}</legend>
              <label class="check"
                ><input type="radio" name="when" value="now" /> ${ctx.t('campaign.when_now')}</label
              >
              <label class="check"
                ><input type="radio" name="when" value="at" /> ${ctx.t('campaign.when_at')}
                <input type="datetime-local" name="scheduledAt" value="${localInput(c.scheduledAt)}"
              /></label>
              <label class="check"
                ><input type="radio" name="when" value="keep" checked /> ${
                  c.scheduledAt
                    ? ctx.t('campaign.when_keep', { at: formatTime(c.scheduledAt, ctx.lang) })
                    : ctx.t('campaign.when_hold')
                }</label
              >
            </fieldset>`,
          ),
        );
      else
        parts.push(
          html`<p class="hint" id="approval-note">
            ${ctx.t(isAdmin ? 'campaign.own_draft' : 'campaign.needs_admin')}
          </p>`,
        );
    }
    if (c.status === 'approved') parts.push(post('send', 'send-form', ctx.t('campaign.send_now')));
    if (c.status === 'draft' || c.status === 'approved' || c.status === 'sending')
      parts.push(post('cancel', 'cancel-form', ctx.t('campaign.cancel'), '', 'secondary'));
    return parts.length ? html`<section class="actions" id="campaign-actions">${parts}</section>` : html``;
  }

  /** Recipients by channel and state, with how the sent ones went (Zalo consultation or promotion). */
  private progressTable(
    ctx: ConsoleContext,
    rows: Awaited<ReturnType<CampaignsService['progress']>>,
  ): SafeHtml {
    const byChannel = new Map<string, Map<RecipientState, number>>();
    const routes = new Map<string, number>();
    for (const r of rows) {
      const states = byChannel.get(r.channel) ?? new Map<RecipientState, number>();
      states.set(r.state, (states.get(r.state) ?? 0) + r.count);
      byChannel.set(r.channel, states);
      if (r.state === 'sent' && r.route) routes.set(r.route, (routes.get(r.route) ?? 0) + r.count);
    }
    const states = RECIPIENT_STATES.filter((s) => rows.some((r) => r.state === s));
    return html`<h2>${ctx.t('campaign.progress')}</h2>
      <table class="list" id="progress">
        <thead>
          <tr>
            <th>${ctx.t('col.channel')}</th>
            ${states.map((s) => html`<th>${ctx.t(`campaign.state.${s}`)}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${[...byChannel].map(
            ([channel, counts]) =>
              html`<tr data-channel="${channel}">
                <th>${ctx.t(`channel.${channel}`)}</th>
                ${states.map((s) => html`<td class="num" data-state="${s}">${counts.get(s) ?? 0}</td>`)}
              </tr>`,
          )}
        </tbody>
      </table>
      ${
        routes.size
          ? html`<p class="hint" id="routes">
              ${[...routes].map(([route, n]) => `${ctx.t(`campaign.route.${route}`)}: ${n}`).join(' · ')}
            </p>`
          : ''
      }`;
  }
}
