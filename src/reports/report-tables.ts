import type { ReportData, ReportText } from './report-data';
import { fillDays } from './report-figures';
import { localDateTime, localDay, ReportFormat } from './report-format';

/**
 * The report's tables as rows of display values, shared by the XLSX and the DOCX so both say the
 * same thing. Numbers stay numbers (the spreadsheet keeps them summable); shares are fractions.
 */
export type Cell = string | number | null;

export interface Table {
  title: string;
  header: string[];
  rows: Cell[][];
  /** Columns holding a fraction to show as a percentage. */
  percentColumns?: number[];
}

export const FIGURE_KEYS = [
  'interactions',
  'citizens',
  'questions',
  'answered',
  'automatic_rate',
  'english_interactions',
  'english_citizens',
  'complaints_received',
  'complaints_handled',
  'complaints_rate',
  'satisfaction_up',
  'satisfaction_down',
  'satisfaction_rate',
  'fallback',
] as const;

const RATE_KEYS = new Set(['automatic_rate', 'complaints_rate', 'satisfaction_rate']);

export function figureValue(data: ReportData, key: (typeof FIGURE_KEYS)[number]): number | null {
  const f = data.figures;
  const c = data.complaints;
  switch (key) {
    case 'interactions':
      return f.interactions;
    case 'citizens':
      return f.citizens;
    case 'questions':
      return f.questions;
    case 'answered':
      return f.answeredAutomatically;
    case 'automatic_rate':
      return f.automaticRate;
    case 'english_interactions':
      return f.englishInteractions;
    case 'english_citizens':
      return f.englishCitizens;
    case 'complaints_received':
      return c.received;
    case 'complaints_handled':
      return c.handled;
    case 'complaints_rate':
      return c.rate;
    case 'satisfaction_up':
      return f.satisfactionUp;
    case 'satisfaction_down':
      return f.satisfactionDown;
    case 'satisfaction_rate':
      return f.satisfactionRate;
    case 'fallback':
      return f.fallbackTurns;
  }
}

export function summaryTable(data: ReportData, t: ReportText): Table {
  return {
    title: t('table_title'),
    header: [t('column.figure'), t('column.value'), t('column.definition')],
    rows: FIGURE_KEYS.map((key) => [t(`figure.${key}`), figureValue(data, key), t(`definition.${key}`)]),
    percentColumns: [],
  };
}

/** Shares are formatted per row in the summary (counts and rates mix in one column). */
export function isRateFigure(key: string): boolean {
  return RATE_KEYS.has(key);
}

export function planTable(data: ReportData, t: ReportText): Table {
  const refs = new Map<string, string[]>();
  for (const unit of data.units) {
    for (const item of unit.planItems) {
      const list = refs.get(item.id) ?? [];
      list.push(data.units.length > 1 ? `${unit.id}: ${item.ref[data.language]}` : item.ref[data.language]);
      refs.set(item.id, list);
    }
  }
  const total = data.figures.interactions;
  return {
    title: t('plan_table_title'),
    header: [
      t('column.plan_item'),
      t('column.plan_ref'),
      t('column.interactions'),
      t('column.citizens'),
      t('column.share'),
    ],
    rows: data.figures.byPlanItem.map((p) => [
      t(`plan_item.${p.planItem}`),
      (refs.get(p.planItem) ?? []).join('; ') || t('none'),
      p.interactions,
      p.citizens,
      total ? p.interactions / total : null,
    ]),
    percentColumns: [4],
  };
}

export function channelTable(data: ReportData, t: ReportText): Table {
  return {
    title: t('sheet.channel'),
    header: [t('column.channel'), t('column.language'), t('column.interactions'), t('column.citizens')],
    rows: data.figures.byChannelLanguage.map((c) => [
      textOr(t, `channel.${c.channel}`, c.channel),
      textOr(t, `language.${c.language}`, c.language),
      c.interactions,
      c.citizens,
    ]),
  };
}

export function dayTable(data: ReportData, t: ReportText): Table {
  const fmt = new ReportFormat(data.language);
  return {
    title: t('sheet.day'),
    header: [
      t('column.day'),
      t('column.interactions'),
      t('column.questions'),
      t('column.answered'),
      t('column.english'),
    ],
    rows: fillDays(data.figures.byDay, data.period.firstDay, data.period.lastDay).map((d) => [
      fmt.day(d.day),
      d.interactions,
      d.questions,
      d.answeredAutomatically,
      d.english,
    ]),
  };
}

export function outcomeTable(data: ReportData, t: ReportText): Table {
  return {
    title: t('column.outcome'),
    header: [t('column.outcome'), t('column.outcome_count')],
    rows: data.figures.byOutcome.map((o) => [textOr(t, `outcome.${o.outcome}`, o.outcome), o.interactions]),
  };
}

export function ticketTable(data: ReportData, t: ReportText): Table {
  const fmt = new ReportFormat(data.language);
  return {
    title: t('sheet.complaints'),
    header: [
      ...(data.scope === 'all' ? [t('column.unit')] : []),
      t('column.code'),
      t('column.received_at'),
      t('column.channel'),
      t('column.status'),
      t('column.handled_at'),
    ],
    rows: data.tickets.map((k) => [
      ...(data.scope === 'all' ? [k.unitId] : []),
      k.code,
      fmt.day(localDay(k.createdAt)),
      textOr(t, `channel.${k.channel}`, k.channel),
      t(`status.${k.status}`),
      k.handledInPeriod && k.handledAt ? fmt.day(localDay(k.handledAt)) : '',
    ]),
  };
}

export function satisfactionTable(data: ReportData, t: ReportText): Table {
  return {
    title: t('sheet.satisfaction'),
    header: [t('column.intent'), t('column.up'), t('column.down'), t('column.rate')],
    rows: data.figures.satisfactionByIntent.map((s) => [
      s.intent,
      s.up,
      s.down,
      s.up + s.down ? s.up / (s.up + s.down) : null,
    ]),
    percentColumns: [3],
  };
}

export function unitTable(data: ReportData, t: ReportText): Table {
  return {
    title: t('unit_table_title'),
    header: [
      t('column.unit'),
      t('figure.interactions'),
      t('figure.citizens'),
      t('figure.automatic_rate'),
      t('figure.english_interactions'),
      t('figure.complaints_received'),
      t('figure.complaints_handled'),
      t('figure.satisfaction_rate'),
    ],
    rows: data.perUnit.map((u) => [
      u.unit.name[data.language],
      u.figures.interactions,
      u.figures.citizens,
      u.figures.automaticRate,
      u.figures.englishInteractions,
      u.complaints.received,
      u.complaints.handled,
      u.figures.satisfactionRate,
    ]),
    percentColumns: [3, 7],
  };
}

export function sampleTable(data: ReportData, t: ReportText): Table {
  return {
    title: t('sheet.sample'),
    header: [
      t('column.unit'),
      t('column.seq'),
      t('column.time'),
      t('column.channel'),
      t('column.user_key'),
      t('column.language'),
      t('column.intent'),
      t('column.topic'),
      t('column.outcome'),
      t('column.user_text'),
    ],
    rows: data.sample.map((r) => [
      r.unitId,
      r.seq,
      localDateTime(r.occurredAt),
      r.channel,
      r.userKey.slice(0, 16),
      r.language,
      r.intent,
      r.topic,
      r.outcome,
      r.userText,
    ]),
  };
}

function textOr(t: ReportText, key: string, fallback: string): string {
  try {
    return t(key);
  } catch {
    return fallback;
  }
}

export const OUTREACH_FIGURE_KEYS = [
  'campaigns',
  'reached',
  'citizens_reached',
  'sent_recorded',
  'outside_window',
  'not_subscribed',
  'failed',
  'opt_ins',
  'opt_outs',
  'active_subscribers',
  'notices_sent',
] as const;

/** null: not available (no subscription source wired, or reach counted without the log). */
export function outreachValue(data: ReportData, key: (typeof OUTREACH_FIGURE_KEYS)[number]): number | null {
  const o = data.outreach;
  switch (key) {
    case 'campaigns':
      return o.campaigns.length;
    case 'reached':
      return o.reached;
    case 'citizens_reached':
      return o.citizensReached;
    case 'sent_recorded':
      return o.sentRecorded;
    case 'outside_window':
      return o.outsideWindow;
    case 'not_subscribed':
      return o.notSubscribed;
    case 'failed':
      return o.failed;
    case 'opt_ins':
      return o.optIns;
    case 'opt_outs':
      return o.optOuts;
    case 'active_subscribers':
      return o.activeSubscribers;
    case 'notices_sent':
      return o.noticesSent;
  }
}

export function campaignTable(data: ReportData, t: ReportText): Table {
  return {
    title: t('outreach.campaigns_title'),
    header: [
      ...(data.scope === 'all' ? [t('column.unit')] : []),
      t('column.outreach_campaign'),
      t('column.plan_item'),
      t('column.outreach_approved_by'),
      t('column.outreach_started_at'),
      t('column.outreach_reached'),
      t('column.outreach_outside_window'),
      t('column.outreach_not_subscribed'),
    ],
    rows: data.outreach.campaigns.map((c) => [
      ...(data.scope === 'all' ? [c.unitId] : []),
      c.title,
      textOr(t, `plan_item.${c.planItem}`, c.planItem),
      c.approvedBy ?? '',
      c.startedAt ? localDateTime(c.startedAt).slice(0, 16) : '',
      c.reached,
      c.outsideWindow,
      c.notSubscribed,
    ]),
  };
}

export function outreachChannelTable(data: ReportData, t: ReportText): Table {
  return {
    title: t('outreach.channel_title'),
    header: [
      t('column.channel'),
      t('column.outreach_reached'),
      t('column.outreach_outside_window'),
      t('column.outreach_not_subscribed'),
    ],
    rows: data.outreach.byChannel.map((c) => [
      textOr(t, `channel.${c.channel}`, c.channel),
      c.reached,
      c.outsideWindow,
      c.notSubscribed,
    ]),
  };
}

export function outreachPlanTable(data: ReportData, t: ReportText): Table {
  return {
    title: t('outreach.plan_title'),
    header: [t('column.plan_item'), t('column.outreach_reached')],
    rows: data.outreach.byPlanItem.map((p) => [textOr(t, `plan_item.${p.planItem}`, p.planItem), p.reached]),
  };
}
