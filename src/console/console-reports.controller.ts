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
import { localParts } from '../units/office-hours';
import { ConsoleAuditService } from './console-audit.service';
import { ConsoleAuthGuard, Ctx } from './console-auth.guard';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { parsePeriod, PeriodError } from '../reports/report-period';
import type { ReportJobEntity } from '../reports/report-job.entity';
import { ReportJobsService } from '../reports/report-jobs.service';
import { ALL_UNITS } from './console-user.entity';
import { csrfField, formatTime, html, page, select, unitName, type ConsoleContext } from './console-view';

const FILES: Record<string, string> = {
  'report.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'report.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'interactions.csv': 'text/csv; charset=utf-8',
  'manifest.json': 'application/json; charset=utf-8',
};
const JOB_ID = /^[0-9a-f-]{36}$/;

/**
 * Period reports as jobs: a POST queues one and answers at once with its page, which follows the
 * progress and then offers the files. The work runs in a report process (src/reports/report-job.runner.ts),
 * the files live in the database so that any instance serves them, and downloads are streamed.
 */
@ApiExcludeController()
@Controller('console/reports')
@UseGuards(ConsoleAuthGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleReportsController {
  constructor(
    private readonly jobs: ReportJobsService,
    private readonly audit: ConsoleAuditService,
    private readonly clock: Clock,
  ) {}

  private mayRead(ctx: ConsoleContext, unitId: string): boolean {
    return unitId === ALL_UNITS ? ctx.user.unitId === ALL_UNITS : ctx.unitIds.includes(unitId);
  }

  /** Another unit's job is "not found", exactly like one that does not exist. */
  private async job(ctx: ConsoleContext, id: string): Promise<ReportJobEntity> {
    if (!JOB_ID.test(id)) throw new NotFoundException();
    const job = await this.jobs.find(id);
    if (!job || !this.mayRead(ctx, job.unitId)) throw new NotFoundException();
    return job;
  }

  private unitLabel(ctx: ConsoleContext, unitId: string): string {
    return unitId === ALL_UNITS ? ctx.t('filter.all_units') : unitName(ctx, unitId);
  }

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async index(@Ctx() ctx: ConsoleContext): Promise<string> {
    const { date } = localParts(this.clock.now());
    const quarter = `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
    const jobs = await this.jobs.list(
      ctx.user.unitId === ALL_UNITS ? [ALL_UNITS, ...ctx.unitIds] : ctx.unitIds,
    );
    const units = [
      ...(ctx.user.unitId === ALL_UNITS ? [{ value: ALL_UNITS, label: ctx.t('filter.all_units') }] : []),
      ...ctx.units.map((u) => ({ value: u.id, label: u.name[ctx.lang] })),
    ];
    const body = html`<form method="post" action="/console/reports" class="stack" id="report-form">
        ${csrfField(ctx)} ${select('unit', ctx.t('col.unit'), units, ctx.unitIds[0])}
        <label>${ctx.t('report.period')} <input name="period" value="${quarter}" required /></label>
        <p class="hint">${ctx.t('report.period_hint')}</p>
        ${select(
          'language',
          ctx.t('filter.language'),
          [
            { value: 'vi', label: ctx.t('language.vi') },
            { value: 'en', label: ctx.t('language.en') },
          ],
          ctx.lang,
        )}
        <button type="submit">${ctx.t('report.generate')}</button>
      </form>
      <h2>${ctx.t('report.previous')}</h2>
      ${
        jobs.length
          ? html`<ul class="cards-list" id="jobs">
              ${jobs.map(
                (j) =>
                  html`<li class="item">
                    <a href="/console/reports/${j.id}">${j.period} · ${this.unitLabel(ctx, j.unitId)}</a>
                    <span class="meta"
                      >${formatTime(j.createdAt, ctx.lang)} · ${j.requestedBy} ·
                      ${ctx.t(`report.status.${j.status}`)}</span
                    >
                  </li>`,
              )}
            </ul>`
          : html`<p class="empty">${ctx.t('empty')}</p>`
      }`;
    return page(ctx, '/console/reports', ctx.t('nav.reports'), body);
  }

  @Post()
  async generate(
    @Ctx() ctx: ConsoleContext,
    @Body() body: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const unitId = typeof body.unit === 'string' ? body.unit : '';
    if (!this.mayRead(ctx, unitId)) throw new NotFoundException();
    const period = typeof body.period === 'string' ? body.period.trim() : '';
    try {
      parsePeriod(period);
    } catch (error) {
      if (error instanceof PeriodError) throw new BadRequestException();
      throw error;
    }
    const language = body.language === 'en' ? 'en' : 'vi';
    const { job, created } = await this.jobs.request({
      unitId,
      period,
      language,
      requestedBy: { id: ctx.user.id, email: ctx.user.email },
    });
    await this.audit.record(
      ctx.user,
      'export',
      unitId === ALL_UNITS ? null : unitId,
      period,
      created ? 'requested' : `refused: ${job.period} already in progress`,
    );
    const location = `/console/reports/${job.id}${created ? '' : '?busy=1'}`;
    await reply.status(303).header('location', location).send();
  }

  @Get(':id')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async show(
    @Ctx() ctx: ConsoleContext,
    @Param('id') id: string,
    @Query('busy') busy: unknown,
  ): Promise<string> {
    const j = await this.job(ctx, id);
    const inProgress = j.status === 'queued' || j.status === 'running';
    const files = j.files ?? [];
    const body = html`<dl class="facts">
        <dt>${ctx.t('col.unit')}</dt>
        <dd>${this.unitLabel(ctx, j.unitId)}</dd>
        <dt>${ctx.t('report.period')}</dt>
        <dd>${j.period}</dd>
        <dt>${ctx.t('col.time')}</dt>
        <dd>${formatTime(j.createdAt, ctx.lang)} · ${j.requestedBy}</dd>
        <dt>${ctx.t('report.state')}</dt>
        <dd id="job-status" data-status="${j.status}">
          ${ctx.t(`report.status.${j.status}`)}
          ${j.status === 'running' ? html` · ${ctx.t(`report.phase.${j.phase}`, { count: j.processed })}` : ''}
        </dd>
      </dl>
      ${inProgress ? html`<p class="hint">${ctx.t('report.wait')}</p>` : ''}
      ${j.attempts > 1 && j.status !== 'failed' ? html`<p class="hint">${ctx.t('report.resumed')}</p>` : ''}
      ${j.status === 'failed' ? html`<p class="flash error" id="job-error" role="alert">${ctx.t('report.failed', { error: j.error ?? '' })}</p>` : ''}
      ${
        j.status === 'done'
          ? html`<h2>${ctx.t('report.files')}</h2>
              <ul class="files" id="files">
                ${files.map((f) => html`<li><a href="/console/reports/${j.id}/${f.name}" download>${f.name}</a> <span class="meta">${f.bytes.toLocaleString(ctx.lang)} B</span> <code class="hash">${f.sha256}</code></li>`)}
              </ul>
              <h2>${ctx.t('report.verification')}</h2>
              <ul class="cards-list" id="verification">
                ${(j.verification ?? []).map(
                  (v) =>
                    html`<li class="item ${v.broken ? 'bad' : 'good'}">
                      <strong>${unitName(ctx, v.unitId)}</strong>:
                      ${
                        v.broken
                          ? ctx.t('report.chain_broken', { seq: v.broken.seq, reason: v.broken.reason })
                          : ctx.t('report.chain_ok', { checked: v.checked, seq: v.headSeq })
                      } <code class="hash">${v.headHash}</code>
                    </li>`,
                )}
              </ul>`
          : ''
      }`;
    return page(ctx, '/console/reports', `${ctx.t('nav.reports')} ${j.period}`, body, {
      flash: busy === '1' ? { kind: 'error', text: ctx.t('report.busy') } : null,
      refreshSeconds: inProgress ? 2 : undefined,
    });
  }

  @Get(':id/:name')
  async download(
    @Ctx() ctx: ConsoleContext,
    @Param('id') id: string,
    @Param('name') name: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const j = await this.job(ctx, id);
    const file = j.status === 'done' ? j.files?.find((f) => f.name === name) : undefined;
    if (!FILES[name] || !file) throw new NotFoundException();
    await this.audit.record(
      ctx.user,
      'export',
      j.unitId === ALL_UNITS ? null : j.unitId,
      `${j.period}/${name}`,
      'download',
    );
    await reply
      .header('content-type', FILES[name])
      .header('content-length', String(file.bytes))
      .header('content-disposition', `attachment; filename="${j.period.replace(/[^\w.:-]/g, '_')}-${name}"`)
      .header('cache-control', 'no-store')
      .send(this.jobs.open(j, file));
  }
}
