import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  Header,
  Param,
  Post,
  Query,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { PLAN_ITEMS } from '../messaging/plan-item';
import { EDITABLE_FIELDS, UnitDetailsError, UnitDetailsService } from '../unit-details/unit-details.service';
import type { Unit } from '../units/unit';
import { ConsoleAuditService } from './console-audit.service';
import { ConsoleAuthGuard, Ctx } from './console-auth.guard';
import { ConsoleExceptionFilter } from './console-exception.filter';
import { assertUnit } from './console-scope';
import { flash } from './console.controller';
import { csrfField, formatTime, html, page, type ConsoleContext, type SafeHtml } from './console-view';
import { setupChecklist } from './setup-checklist';

type Q = Record<string, string | undefined>;
type Raw = Record<string, unknown>;
type Loc = { vi?: string; en?: string };

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** Empty rows offered under each list, for adding. */
const SPARE_ROWS = 2;

const text = (v: unknown): string => (typeof v === 'string' && v !== 'TO_FILL' ? v : '');
const loc = (v: unknown): Loc => (v && typeof v === 'object' ? v : {});

/**
 * The form's fields (name="address.vi", "hotlines.0.phone", …) back into the units file's shape. A
 * text left empty in both languages is TO_FILL (or left out where optional); rows left empty go.
 */
export function entryFromForm(body: Record<string, unknown>): Raw {
  const s = (key: string) => (typeof body[key] === 'string' ? body[key].trim() : '');
  const localized = (key: string, required: boolean): { vi: string; en: string } | undefined => {
    const vi = s(`${key}.vi`);
    const en = s(`${key}.en`);
    if (!vi && !en) return required ? { vi: 'TO_FILL', en: 'TO_FILL' } : undefined;
    if (!vi || !en)
      throw new UnitDetailsError(
        `${key}.${vi ? 'en' : 'vi'}`,
        'write it in both Vietnamese and English, or leave both empty',
      );
    return { vi, en };
  };
  const rows = (prefix: string) => {
    const indexes = new Set<number>();
    for (const key of Object.keys(body)) {
      const m = new RegExp(`^${prefix}\\.(\\d{1,2})\\.`).exec(key);
      if (m) indexes.add(Number(m[1]));
    }
    return [...indexes].sort((a, b) => a - b).map((i) => `${prefix}.${i}`);
  };
  const blank = (key: string) =>
    Object.keys(body)
      .filter((k) => k.startsWith(`${key}.`))
      .every((k) => !s(k) || k.endsWith('.id'));
  const entry: Raw = {};
  entry.name = localized('name', true);
  entry.governingBody = localized('governingBody', true);
  entry.aliases = s('aliases')
    .split(/[,\n]/)
    .map((a) => a.trim())
    .filter(Boolean);
  entry.address = localized('address', true);
  entry.workingHours = localized('workingHours', true);
  entry.visitingHours = localized('visitingHours', false);
  entry.booking = localized('booking', false);
  entry.emergencyInfo = localized('emergencyInfo', false);
  entry.retention = localized('retention', true);
  entry.website = s('website') || 'TO_FILL';
  entry.privacyPolicyUrl = s('privacyPolicyUrl') || 'TO_FILL';
  entry.switchboard = s('switchboard') || 'TO_FILL';
  entry.emergencyPhone = s('emergencyPhone') || 'TO_FILL';
  const hotlines = rows('hotlines')
    .filter((r) => !blank(r))
    .map((r) => ({ label: localized(`${r}.label`, true), phone: s(`${r}.phone`) || 'TO_FILL' }));
  entry.hotlines = hotlines.length
    ? hotlines
    : [{ label: { vi: 'Đường dây nóng', en: 'Hotline' }, phone: 'TO_FILL' }];
  entry.departments = rows('departments')
    .filter((r) => !blank(r))
    .map((r) => ({
      name: localized(`${r}.name`, true),
      location: localized(`${r}.location`, false),
      phone: s(`${r}.phone`) || undefined,
    }));
  const hours: Record<string, string[]> = {};
  for (const day of DAYS) {
    const slots = s(`officeHours.${day}`)
      .split(/[,;\s]+/)
      .filter(Boolean);
    if (slots.length) hours[day] = slots;
  }
  entry.officeHours = Object.keys(hours).length ? hours : undefined;
  entry.holidays = s('holidays')
    .split(/[\s,;]+/)
    .filter(Boolean);
  entry.planItems = rows('planItems')
    .filter((r) => s(`${r}.id`))
    .map((r) => ({ id: s(`${r}.id`), ref: localized(`${r}.ref`, true) }));
  const planNumber = s('plan.number');
  const planDate = s('plan.date');
  entry.plan =
    planNumber || planDate ? { number: planNumber || 'TO_FILL', date: planDate || 'TO_FILL' } : undefined;
  const recipients = s('report.recipients')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [vi, en] = line.split('|').map((p) => p.trim());
      return { vi, en: en || vi };
    });
  const signerTitle = localized('report.signer.title', false);
  const report: Raw = {
    symbol: s('report.symbol') || undefined,
    place: s('report.place') || undefined,
    recipients: recipients.length ? recipients : undefined,
    signer: signerTitle
      ? {
          title: signerTitle,
          onBehalfOf: localized('report.signer.onBehalfOf', false),
          name: s('report.signer.name') || undefined,
        }
      : undefined,
  };
  entry.report = Object.values(report).some((v) => v !== undefined) ? report : undefined;
  // undefined values drop out when the entry is stored as JSON.
  return JSON.parse(JSON.stringify(entry)) as Raw;
}

/** A unit's details: read by its accounts, changed by its admins, every version kept. */
@ApiExcludeController()
@Controller('console')
@UseGuards(ConsoleAuthGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConsoleUnitsController {
  constructor(
    private readonly details: UnitDetailsService,
    private readonly audit: ConsoleAuditService,
  ) {}

  @Get('units')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  list(@Ctx() ctx: ConsoleContext): string {
    const body = html`<table class="list">
      <thead>
        <tr>
          <th>${ctx.t('col.unit')}</th>
          <th>${ctx.t('unit.version')}</th>
          <th>${ctx.t('unit.missing')}</th>
        </tr>
      </thead>
      <tbody>
        ${ctx.units.map(
          (u) =>
            html`<tr>
              <td><a href="/console/units/${u.id}">${u.name[ctx.lang]}</a></td>
              <td>${u.detailsVersion || ctx.t('unit.from_file')}</td>
              <td>${setupChecklist(u).length}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
    return page(ctx, '/console/units', ctx.t('nav.units'), body);
  }

  @Get('units/:id')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async show(@Ctx() ctx: ConsoleContext, @Param('id') id: string, @Query() q: Q): Promise<string> {
    assertUnit(ctx, id);
    const current = this.details.current(id);
    return this.render(ctx, current.unit, current.entry, current.version, await this.details.history(id), {
      flash: flash(ctx, q),
    });
  }

  @Post('units/:id')
  async save(
    @Ctx() ctx: ConsoleContext,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    assertUnit(ctx, id);
    if (ctx.user.role !== 'admin') throw new ForbiddenException();
    let attempted: Raw | null = null;
    await this.saved(
      ctx,
      id,
      reply,
      '',
      () => attempted,
      () => {
        attempted = entryFromForm(body);
        return this.details.save(id, pickEditable(attempted), ctx.user.email);
      },
    );
  }

  @Post('units/:id/import')
  async importYaml(
    @Ctx() ctx: ConsoleContext,
    @Param('id') id: string,
    @Body() body: Record<string, unknown>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    assertUnit(ctx, id);
    if (ctx.user.role !== 'admin') throw new ForbiddenException();
    const text = typeof body.yaml === 'string' ? body.yaml : '';
    await this.saved(
      ctx,
      id,
      reply,
      'import: ',
      () => null,
      () => {
        if (!text.trim() || text.length > 200_000)
          throw new UnitDetailsError('yaml', 'paste the units-file text to import');
        return this.details.importYaml(id, text, ctx.user.email);
      },
    );
  }

  /**
   * Runs a save: audited and redirected when it changed something; a UnitDetailsError shows the page
   * again with the reason (and `shown()`, what was typed, when there is one), status 400.
   */
  private async saved(
    ctx: ConsoleContext,
    id: string,
    reply: FastifyReply,
    detailPrefix: string,
    shown: () => Raw | null,
    save: () => Promise<{ version: number; changed: string[] }>,
  ): Promise<void> {
    try {
      const result = await save();
      if (result.changed.length)
        await this.audit.record(
          ctx.user,
          'unit_details',
          id,
          `v${result.version}`,
          `${detailPrefix}${result.changed.join(', ')}`,
        );
      const done = result.changed.length ? 'unit_saved' : 'unit_unchanged';
      await reply.status(303).header('location', `/console/units/${id}?done=${done}`).send();
    } catch (error) {
      if (!(error instanceof UnitDetailsError)) throw error;
      const current = this.details.current(id);
      const problem = {
        kind: 'error' as const,
        text: `${ctx.t('unit.invalid')} ${error.path}: ${error.message}`,
      };
      const page = this.render(
        ctx,
        current.unit,
        shown() ?? current.entry,
        current.version,
        await this.details.history(id),
        { flash: problem },
      );
      await reply.status(400).header('content-type', 'text/html; charset=utf-8').send(page);
    }
  }

  @Get('units/:id/export')
  async exportYaml(
    @Ctx() ctx: ConsoleContext,
    @Param('id') id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    assertUnit(ctx, id);
    await reply
      .header('content-type', 'application/yaml; charset=utf-8')
      .header('content-disposition', `attachment; filename="units-${id}.yaml"`)
      .send(this.details.exportYaml([id]));
  }

  private render(
    ctx: ConsoleContext,
    unit: Unit,
    entry: Raw,
    version: number,
    history: Awaited<ReturnType<UnitDetailsService['history']>>,
    options: { flash: { kind: 'ok' | 'error'; text: string } | null },
  ): string {
    const editable = ctx.user.role === 'admin';
    const dis = editable ? '' : 'disabled';
    const field = (name: string, label: string, value: unknown, hint = '') =>
      html`<label
        >${label}
        <input
          name="${name}"
          value="${text(value)}"
          ${dis}
        />${hint ? html`<small>${hint}</small>` : ''}</label
      >`;
    const pair = (name: string, label: string, value: unknown) => {
      const v = loc(value);
      return html`<fieldset class="pair">
        <legend>${label}</legend>
        <label>Tiếng Việt <input name="${name}.vi" value="${text(v.vi)}" ${dis} /></label>
        <label>English <input name="${name}.en" value="${text(v.en)}" ${dis} /></label>
      </fieldset>`;
    };
    const list = <T>(items: T[] | undefined, each: (item: T | undefined, i: number) => SafeHtml) => {
      const all: (T | undefined)[] = [
        ...(items ?? []),
        ...Array<undefined>(editable ? SPARE_ROWS : 0).fill(undefined),
      ];
      return all.map((item, i) => each(item, i));
    };
    type Phone = { label?: Loc; phone?: string };
    type Dept = { name?: Loc; location?: Loc; phone?: string };
    type PlanRef = { id?: string; ref?: Loc };
    const hours = (entry.officeHours ?? {}) as Record<string, string[]>;
    const report = (entry.report ?? {}) as {
      symbol?: string;
      place?: string;
      recipients?: Loc[];
      signer?: { title?: Loc; onBehalfOf?: Loc; name?: string };
    };
    const plan = (entry.plan ?? {}) as { number?: string; date?: string };
    const checklist = setupChecklist(unit);
    const body = html`${
        checklist.length
          ? html`<section class="checklist" id="setup-checklist">
              <h2>${ctx.t('setup.title')}</h2>
              <ul>
                ${checklist.map((item) => html`<li>${ctx.t(`setup.item.${item}`)}</li>`)}
              </ul>
            </section>`
          : html`<p class="flash ok">${ctx.t('setup.complete')}</p>`
      }
      <p class="hint">
        ${ctx.t('unit.version_line', { version: String(version) })}
        <a href="/console/units/${unit.id}/export">${ctx.t('unit.export')}</a>
      </p>
      ${editable ? '' : html`<p class="hint">${ctx.t('unit.read_only')}</p>`}
      <form method="post" action="/console/units/${unit.id}" class="stack unit-form" id="unit-form">
        ${csrfField(ctx)}
        <h2>${ctx.t('unit.section.identity')}</h2>
        ${pair('name', ctx.t('unit.f.name'), entry.name)}
        ${pair('governingBody', ctx.t('unit.f.governingBody'), entry.governingBody)}
        <label
          >${ctx.t('unit.f.aliases')}
          <input name="aliases" value="${((entry.aliases as string[] | undefined) ?? []).join(', ')}" ${dis}
        /></label>
        <h2>${ctx.t('unit.section.contact')}</h2>
        ${pair('address', ctx.t('unit.f.address'), entry.address)}
        ${field('switchboard', ctx.t('unit.f.switchboard'), entry.switchboard, ctx.t('unit.hint.phone'))}
        ${field('emergencyPhone', ctx.t('unit.f.emergencyPhone'), entry.emergencyPhone, ctx.t('unit.hint.phone'))}
        ${field('website', ctx.t('unit.f.website'), entry.website, ctx.t('unit.hint.url'))}
        ${field('privacyPolicyUrl', ctx.t('unit.f.privacyPolicyUrl'), entry.privacyPolicyUrl, ctx.t('unit.hint.url'))}
        <h3>${ctx.t('unit.f.hotlines')}</h3>
        ${list(entry.hotlines as Phone[] | undefined, (h, i) => {
          const label = loc(h?.label);
          return html`<div class="row">
            <input
              name="hotlines.${i}.label.vi"
              value="${text(label.vi)}"
              placeholder="Đường dây nóng"
              aria-label="${ctx.t('unit.f.hotline_label')} (vi)"
              ${dis}
            />
            <input
              name="hotlines.${i}.label.en"
              value="${text(label.en)}"
              placeholder="Hotline"
              aria-label="${ctx.t('unit.f.hotline_label')} (en)"
              ${dis}
            />
            <input
              name="hotlines.${i}.phone"
              value="${text(h?.phone)}"
              placeholder="0258 3 123 456"
              aria-label="${ctx.t('unit.f.phone')}"
              ${dis}
            />
          </div>`;
        })}
        <h2>${ctx.t('unit.section.hours')}</h2>
        ${pair('workingHours', ctx.t('unit.f.workingHours'), entry.workingHours)}
        ${pair('visitingHours', ctx.t('unit.f.visitingHours'), entry.visitingHours)}
        <fieldset>
          <legend>${ctx.t('unit.f.officeHours')}</legend>
          <small>${ctx.t('unit.hint.slots')}</small>
          ${DAYS.map(
            (d) =>
              html`<label
                >${ctx.t(`unit.day.${d}`)}
                <input
                  name="officeHours.${d}"
                  value="${(hours[d] ?? []).join(', ')}"
                  placeholder="07:00-11:30, 13:30-17:00"
                  ${dis}
              /></label>`,
          )}
        </fieldset>
        <label
          >${ctx.t('unit.f.holidays')}
          <textarea name="holidays" rows="2" placeholder="2026-12-24" ${dis}>
${((entry.holidays as string[] | undefined) ?? []).join('\n')}</textarea>
        </label>
        <h2>${ctx.t('unit.section.services')}</h2>
        ${pair('booking', ctx.t('unit.f.booking'), entry.booking)}
        ${pair('emergencyInfo', ctx.t('unit.f.emergencyInfo'), entry.emergencyInfo)}
        <h3>${ctx.t('unit.f.departments')}</h3>
        ${list(entry.departments as Dept[] | undefined, (d, i) => {
          const name = loc(d?.name);
          const place = loc(d?.location);
          return html`<div class="row">
            <input
              name="departments.${i}.name.vi"
              value="${text(name.vi)}"
              placeholder="Khoa Nhi"
              aria-label="${ctx.t('unit.f.department')} (vi)"
              ${dis}
            />
            <input
              name="departments.${i}.name.en"
              value="${text(name.en)}"
              placeholder="Paediatrics"
              aria-label="${ctx.t('unit.f.department')} (en)"
              ${dis}
            />
            <input
              name="departments.${i}.location.vi"
              value="${text(place.vi)}"
              placeholder="Tầng 2, nhà B"
              aria-label="${ctx.t('unit.f.place')} (vi)"
              ${dis}
            />
            <input
              name="departments.${i}.location.en"
              value="${text(place.en)}"
              placeholder="Floor 2, building B"
              aria-label="${ctx.t('unit.f.place')} (en)"
              ${dis}
            />
            <input
              name="departments.${i}.phone"
              value="${text(d?.phone)}"
              aria-label="${ctx.t('unit.f.phone')}"
              ${dis}
            />
          </div>`;
        })}
        <h2>${ctx.t('unit.section.privacy')}</h2>
        ${pair('retention', ctx.t('unit.f.retention'), entry.retention)}
        <h2>${ctx.t('unit.section.plan')}</h2>
        <div class="row">
          ${field('plan.number', ctx.t('unit.f.planNumber'), plan.number, '123/KH-SYT')}
          <label
            >${ctx.t('unit.f.planDate')}
            <input type="date" name="plan.date" value="${text(plan.date)}" ${dis}
          /></label>
        </div>
        ${list(entry.planItems as PlanRef[] | undefined, (p, i) => {
          const ref = loc(p?.ref);
          return html`<div class="row">
            <select name="planItems.${i}.id" aria-label="${ctx.t('unit.f.planItem')}" ${dis}>
              <option value=""></option>
              ${PLAN_ITEMS.map((id) => html`<option value="${id}" ${p?.id === id ? 'selected' : ''}>${ctx.t(`plan.${id}`)}</option>`)}
            </select>
            <input
              name="planItems.${i}.ref.vi"
              value="${text(ref.vi)}"
              placeholder="Mục II.3"
              aria-label="${ctx.t('unit.f.planRef')} (vi)"
              ${dis}
            />
            <input
              name="planItems.${i}.ref.en"
              value="${text(ref.en)}"
              placeholder="Item II.3"
              aria-label="${ctx.t('unit.f.planRef')} (en)"
              ${dis}
            />
          </div>`;
        })}
        <h2>${ctx.t('unit.section.report')}</h2>
        <div class="row">
          ${field('report.symbol', ctx.t('unit.f.reportSymbol'), report.symbol, 'SYT')}
          ${field('report.place', ctx.t('unit.f.reportPlace'), report.place, 'Khánh Hòa')}
        </div>
        ${pair('report.signer.title', ctx.t('unit.f.signerTitle'), report.signer?.title)}
        ${pair('report.signer.onBehalfOf', ctx.t('unit.f.signerOnBehalfOf'), report.signer?.onBehalfOf)}
        ${field('report.signer.name', ctx.t('unit.f.signerName'), report.signer?.name)}
        <label
          >${ctx.t('unit.f.recipients')}
          <textarea name="report.recipients" rows="3" placeholder="Như trên | As above" ${dis}>
${(report.recipients ?? []).map((r) => `${text(r.vi)} | ${text(r.en)}`).join('\n')}</textarea>
        </label>
        ${editable ? html`<button type="submit">${ctx.t('unit.save')}</button>` : ''}
      </form>
      ${
        editable
          ? html`<details>
              <summary>${ctx.t('unit.import')}</summary>
              <form method="post" action="/console/units/${unit.id}/import" class="stack" id="unit-import">
                ${csrfField(ctx)}
                <label
                  >${ctx.t('unit.import_hint')}
                  <textarea name="yaml" rows="8" spellcheck="false"></textarea>
                </label>
                <button type="submit">${ctx.t('unit.import_button')}</button>
              </form>
            </details>`
          : ''
      }
      <h2>${ctx.t('unit.history')}</h2>
      <ol class="events" id="unit-history">
        ${history.map(
          (v) =>
            html`<li>
              <span class="meta">v${v.version} · ${formatTime(v.createdAt, ctx.lang)} · ${v.createdBy}</span>
              ${v.changes
                .split(',')
                .map((f) => ctx.t(`unit.f.${f}`))
                .join(', ')}
            </li>`,
        )}
        <li><span class="meta">v0</span> ${ctx.t('unit.from_file')}</li>
      </ol>`;
    return page(ctx, '/console/units', `${ctx.t('nav.units')}: ${unit.name[ctx.lang]}`, body, options);
  }
}

function pickEditable(entry: Raw): Raw {
  const out: Raw = {};
  for (const f of EDITABLE_FIELDS) out[f] = entry[f] ?? null;
  // What the form does not show stays as it is (feedback channels, the department hotline).
  delete out.feedbackChannels;
  delete out.departmentHotline;
  return out;
}
