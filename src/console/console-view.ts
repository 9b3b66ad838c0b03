import type { Language } from '../messaging/language';
import type { Unit } from '../units/unit';
import type { ConsoleUserEntity } from './console-user.entity';

/** Markup that is already safe; everything else interpolated into `html` is escaped. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function piece(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(piece).join('');
  return escapeHtml(value);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  values.forEach((v, i) => (out += piece(v) + strings[i + 1]));
  return new SafeHtml(out);
}

export type Translate = (key: string, params?: Record<string, string | number>) => string;

/** Everything a page needs to know about the person looking at it. */
export interface ConsoleContext {
  user: ConsoleUserEntity;
  tokenHash: string;
  csrf: string;
  lang: Language;
  t: Translate;
  /** Units this account may see. */
  units: Unit[];
  unitIds: string[];
  /** The request path with its query (for the language switch). */
  url: string;
}

export const NAV: { path: string; key: string; minRole?: 'admin' }[] = [
  { path: '/console', key: 'nav.dashboard' },
  { path: '/console/conversations', key: 'nav.conversations' },
  { path: '/console/complaints', key: 'nav.complaints' },
  { path: '/console/handoffs', key: 'nav.handoffs' },
  { path: '/console/unanswered', key: 'nav.unanswered' },
  { path: '/console/campaigns', key: 'nav.campaigns' },
  { path: '/console/reports', key: 'nav.reports' },
  { path: '/console/units', key: 'nav.units' },
  { path: '/console/audit', key: 'nav.audit' },
  { path: '/console/users', key: 'nav.users', minRole: 'admin' },
];

export function csrfField(ctx: { csrf: string }): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf}" />`;
}

export function unitName(ctx: ConsoleContext, unitId: string): string {
  return ctx.units.find((u) => u.id === unitId)?.name[ctx.lang] ?? unitId;
}

export function formatTime(at: Date | null | undefined, lang: Language): string {
  if (!at) return '';
  return new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(at);
}

export function langSwitch(url: string, lang: Language): SafeHtml {
  const other: Language = lang === 'vi' ? 'en' : 'vi';
  return html`<a class="lang" href="/console/lang?to=${other}&back=${encodeURIComponent(url)}"
    >${other === 'vi' ? 'Tiếng Việt' : 'English'}</a
  >`;
}

export function page(
  ctx: ConsoleContext,
  active: string,
  title: string,
  body: SafeHtml,
  options: {
    scripts?: string[];
    flash?: { kind: 'ok' | 'error'; text: string } | null;
    /** Reload every this many seconds (a page that follows work in progress, without scripts). */
    refreshSeconds?: number;
  } = {},
): string {
  const nav = NAV.filter((n) => !n.minRole || ctx.user.role === n.minRole).map(
    (n) => html`<a href="${n.path}" class="${n.path === active ? 'active' : ''}">${ctx.t(n.key)}</a>`,
  );
  return document(
    ctx.lang,
    title,
    html`<header class="top">
        <a class="brand" href="/console">${ctx.t('brand')}</a>
        <nav class="nav">${nav}</nav>
        <div class="who">
          <span title="${ctx.t(`role.${ctx.user.role}`)}">${ctx.user.email}</span>
          ${langSwitch(ctx.url, ctx.lang)}
          <form method="post" action="/console/logout" class="inline">
            ${csrfField(ctx)}<button type="submit" class="link">${ctx.t('logout')}</button>
          </form>
        </div>
      </header>
      <main class="main">
        <h1>${title}</h1>
        ${options.flash ? html`<p class="flash ${options.flash.kind}" role="status">${options.flash.text}</p>` : ''}
        ${body}
      </main>`,
    options.scripts,
    options.refreshSeconds,
  );
}

export function document(
  lang: Language,
  title: string,
  body: SafeHtml,
  scripts: string[] = [],
  refreshSeconds?: number,
): string {
  return `<!doctype html>${
    html`<html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        ${refreshSeconds ? html`<meta http-equiv="refresh" content="${refreshSeconds}" />` : ''}
        <title>${title}</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
      </head>
      <body>
        ${body} ${scripts.map((s) => html`<script src="${s}"></script>`)}
      </body>
    </html>`.value
  }`;
}

/** A select of values with one chosen; the empty value is "all". */
export function select(
  name: string,
  label: string,
  options: { value: string; label: string }[],
  chosen: string | undefined,
  allLabel?: string,
): SafeHtml {
  return html`<label
    >${label}
    <select name="${name}">
      ${allLabel !== undefined ? html`<option value="">${allLabel}</option>` : ''}
      ${options.map(
        (o) => html`<option value="${o.value}" ${o.value === chosen ? 'selected' : ''}>${o.label}</option>`,
      )}
    </select></label
  >`;
}
