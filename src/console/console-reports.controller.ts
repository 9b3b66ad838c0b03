import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Header,
  NotFoundException,
  Param,
  Post,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { localParts } from '../units/office-hours';
import { ConsoleAuditService } from './console-audit.service';
import { ConsoleAuthGuard, Ctx } from './console-auth.guard';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { parsePeriod, PeriodError } from '../reports/report-period';
import { ConsoleReports, type ChainReport } from './console-reports';
import { ALL_UNITS } from './console-user.entity';
import { csrfField, formatTime, html, page, select, unitName, type ConsoleContext } from './console-view';

const FILES: Record<string, string> = {
  'report.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'report.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'interactions.csv': 'text/csv; charset=utf-8',
  'manifest.json': 'application/json; charset=utf-8',
};

interface ReportMeta {
  id: string;
  unitId: string;
  period: string;
  language: string;
  createdBy: string;
  createdAt: string;
  files: { name: string; sha256: string }[];
  verification: ChainReport[];
}

/** Period reports: generated on request into DATA_DIR/console-reports/<id>/, downloaded from there. */
@ApiExcludeController()
@Controller('console/reports')
@UseGuards(ConsoleAuthGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleReportsController {
  private readonly root: string;

  constructor(
    private readonly reports: ConsoleReports,
    private readonly audit: ConsoleAuditService,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.root = join(config.dataDir, 'console-reports');
  }

  private mayRead(ctx: ConsoleContext, unitId: string): boolean {
    return unitId === ALL_UNITS ? ctx.user.unitId === ALL_UNITS : ctx.unitIds.includes(unitId);
  }

  private async meta(ctx: ConsoleContext, id: string): Promise<ReportMeta> {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new NotFoundException();
    const file = join(this.root, id, 'meta.json');
    if (!existsSync(file)) throw new NotFoundException();
    const meta = JSON.parse(await readFile(file, 'utf8')) as ReportMeta;
    if (!this.mayRead(ctx, meta.unitId)) throw new NotFoundException();
    return meta;
  }

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async index(@Ctx() ctx: ConsoleContext): Promise<string> {
    const { date } = localParts(this.clock.now());
    const quarter = `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
    const ids = existsSync(this.root) ? await readdir(this.root) : [];
    const metas: ReportMeta[] = [];
    for (const id of ids) {
      const meta = await this.meta(ctx, id).catch(() => null);
      if (meta) metas.push(meta);
    }
    metas.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
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
        metas.length
          ? html`<ul class="cards-list">
              ${metas.slice(0, 50).map(
                (m) =>
                  html`<li class="item">
                    <a href="/console/reports/${m.id}"
                      >${m.period} ·
                      ${m.unitId === ALL_UNITS ? ctx.t('filter.all_units') : unitName(ctx, m.unitId)}</a
                    >
                    <span class="meta">${formatTime(new Date(m.createdAt), ctx.lang)} · ${m.createdBy}</span>
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
    const id = randomUUID();
    const outDir = join(this.root, id);
    const result = await this.reports.generate({ unitId, period, language, outDir });
    const verification: ChainReport[] = [];
    for (const unit of unitId === ALL_UNITS ? ctx.unitIds : [unitId])
      verification.push(await this.reports.verify(unit));
    const meta: ReportMeta = {
      id,
      unitId,
      period,
      language,
      createdBy: ctx.user.email,
      createdAt: this.clock.now().toISOString(),
      files: result.files,
      verification,
    };
    await writeFile(join(outDir, 'meta.json'), JSON.stringify(meta, null, 2));
    await this.audit.record(
      ctx.user,
      'export',
      unitId === ALL_UNITS ? null : unitId,
      `${period}`,
      'generated',
    );
    await reply.status(303).header('location', `/console/reports/${id}`).send();
  }

  @Get(':id')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async show(@Ctx() ctx: ConsoleContext, @Param('id') id: string): Promise<string> {
    const m = await this.meta(ctx, id);
    const body = html`<dl class="facts">
        <dt>${ctx.t('col.unit')}</dt>
        <dd>${m.unitId === ALL_UNITS ? ctx.t('filter.all_units') : unitName(ctx, m.unitId)}</dd>
        <dt>${ctx.t('report.period')}</dt>
        <dd>${m.period}</dd>
        <dt>${ctx.t('col.time')}</dt>
        <dd>${formatTime(new Date(m.createdAt), ctx.lang)} · ${m.createdBy}</dd>
      </dl>
      <h2>${ctx.t('report.files')}</h2>
      <ul class="files" id="files">
        ${m.files.map((f) => html`<li><a href="/console/reports/${m.id}/${f.name}" download>${f.name}</a> <code class="hash">${f.sha256}</code></li>`)}
      </ul>
      <h2>${ctx.t('report.verification')}</h2>
      <ul class="cards-list" id="verification">
        ${m.verification.map(
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
      </ul>`;
    return page(ctx, '/console/reports', `${ctx.t('nav.reports')} ${m.period}`, body);
  }

  @Get(':id/:name')
  async download(
    @Ctx() ctx: ConsoleContext,
    @Param('id') id: string,
    @Param('name') name: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const m = await this.meta(ctx, id);
    if (!FILES[name] || !m.files.some((f) => f.name === name)) throw new NotFoundException();
    const bytes = await readFile(join(this.root, id, name));
    await this.audit.record(
      ctx.user,
      'export',
      m.unitId === ALL_UNITS ? null : m.unitId,
      `${m.period}/${name}`,
      'download',
    );
    await reply
      .header('content-type', FILES[name])
      .header('content-disposition', `attachment; filename="${m.period}-${name}"`)
      .header('cache-control', 'no-store')
      .send(bytes);
  }
}
