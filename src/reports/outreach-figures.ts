import { PLAN_ITEMS } from '../messaging/plan-item';
import type { LogRecord } from '../interactions/log-record';
import { DistinctKeys } from './report-figures';

/**
 * Proactive outreach in a period: what the unit sent (campaigns), whom it reached and whom it could
 * not, subscriptions, ticket notices. The report service fills an OutreachInput from the services
 * that own the data; the figures are worked out here, the same way for the report and the dashboard.
 */

/** One campaign as the campaigns side reads it for a period (CampaignReportService.forPeriod). */
export interface OutreachCampaign {
  id: number;
  unitId: string;
  title: string;
  planItem: string;
  status: string;
  approvedBy: string | null;
  startedAt: Date | null;
  /** Recipients whose outcome fell in the period, per channel and state. */
  recipients: { channel: string; state: string; count: number }[];
}

/** Subscriptions per unit and channel in a period (SubscriptionsService.periodCounts). */
export interface SubscriptionPeriodCounts {
  unitId: string;
  channel: string;
  optIns: number;
  optOuts: number;
  active: number;
}

export interface OutreachInput {
  campaigns: OutreachCampaign[];
  noticesSent: number;
  subscriptions: SubscriptionPeriodCounts[];
}

export interface CampaignLine {
  id: number;
  unitId: string;
  title: string;
  planItem: string;
  status: string;
  approvedBy: string | null;
  startedAt: Date | null;
  /** Campaign messages in the evidence log (chained records) in the period. */
  reached: number;
  /** The campaign's recipients marked sent in the period: the cross-check of `reached`. */
  sentRecorded: number;
  outsideWindow: number;
  notSubscribed: number;
  failed: number;
}

export interface OutreachFigures {
  campaigns: CampaignLine[];
  /** Campaign messages sent, as the evidence log records them (one per recipient and campaign). */
  reached: number;
  /** Distinct citizens those messages reached. null when counted without the log (the dashboard). */
  citizensReached: number | null;
  /** Recipients marked sent in the campaign tables: equal to `reached` unless a record is missing. */
  sentRecorded: number;
  /** reached === sentRecorded. */
  consistent: boolean;
  outsideWindow: number;
  notSubscribed: number;
  failed: number;
  byChannel: { channel: string; reached: number; outsideWindow: number; notSubscribed: number }[];
  byPlanItem: { planItem: string; reached: number }[];
  optIns: number;
  optOuts: number;
  activeSubscribers: number;
  noticesSent: number;
}

const CAMPAIGN_KEY = /^campaign:(\d+)$/;

/** The chained campaign records of a period, streamed in with the rest of the log. */
export class OutreachAccumulator {
  private messages = 0;
  private readonly citizens = new DistinctKeys();
  private readonly channels = new Map<string, number>();
  private readonly planItems = new Map<string, number>();
  private readonly campaigns = new Map<number, number>();

  add(row: LogRecord): void {
    this.messages++;
    this.citizens.add(row.userKey);
    bump(this.channels, row.channel, 1);
    for (const item of row.planItems.split(',').filter(Boolean)) bump(this.planItems, item, 1);
    for (const key of Array.isArray(row.replyKeys) ? row.replyKeys : []) {
      const id = CAMPAIGN_KEY.exec(key)?.[1];
      if (id) bump(this.campaigns, Number(id), 1);
    }
  }

  result(): OutreachLog {
    return {
      messages: this.messages,
      citizens: this.citizens.size,
      byChannel: this.channels,
      byPlanItem: this.planItems,
      byCampaign: this.campaigns,
    };
  }
}

export interface OutreachLog {
  messages: number;
  citizens: number;
  byChannel: Map<string, number>;
  byPlanItem: Map<string, number>;
  byCampaign: Map<number, number>;
}

/**
 * The figures. With the log (a report) "reached" is what the chained records prove; without it (the
 * dashboard, which does not read the chain) it is the recipients marked sent.
 */
export function outreachFigures(input: OutreachInput, log: OutreachLog | null): OutreachFigures {
  const channels = new Map<string, { reached: number; outsideWindow: number; notSubscribed: number }>();
  const channel = (name: string) => {
    let c = channels.get(name);
    if (!c) channels.set(name, (c = { reached: 0, outsideWindow: 0, notSubscribed: 0 }));
    return c;
  };
  const recordedPlanItems = new Map<string, number>();
  const lines: CampaignLine[] = input.campaigns.map((c) => {
    const of = (state: string) =>
      c.recipients.filter((r) => r.state === state).reduce((n, r) => n + r.count, 0);
    for (const r of c.recipients) {
      if (r.state === 'outside_window') channel(r.channel).outsideWindow += r.count;
      if (r.state === 'not_subscribed') channel(r.channel).notSubscribed += r.count;
      if (r.state === 'sent' && !log) channel(r.channel).reached += r.count;
    }
    const sentRecorded = of('sent');
    bump(recordedPlanItems, c.planItem, sentRecorded);
    return {
      id: c.id,
      unitId: c.unitId,
      title: c.title,
      planItem: c.planItem,
      status: c.status,
      approvedBy: c.approvedBy,
      startedAt: c.startedAt,
      reached: log ? (log.byCampaign.get(c.id) ?? 0) : sentRecorded,
      sentRecorded,
      outsideWindow: of('outside_window'),
      notSubscribed: of('not_subscribed'),
      failed: of('failed') + of('unreachable'),
    };
  });
  if (log) for (const [name, n] of log.byChannel) channel(name).reached += n;
  const planItems = log ? log.byPlanItem : recordedPlanItems;
  const sum = (pick: (l: CampaignLine) => number) => lines.reduce((n, l) => n + pick(l), 0);
  const sentRecorded = sum((l) => l.sentRecorded);
  const reached = log ? log.messages : sentRecorded;
  const subSum = (pick: (s: SubscriptionPeriodCounts) => number) =>
    input.subscriptions.reduce((n, s) => n + pick(s), 0);
  const known = PLAN_ITEMS as readonly string[];
  return {
    campaigns: lines,
    reached,
    citizensReached: log ? log.citizens : null,
    sentRecorded,
    consistent: reached === sentRecorded,
    outsideWindow: sum((l) => l.outsideWindow),
    notSubscribed: sum((l) => l.notSubscribed),
    failed: sum((l) => l.failed),
    byChannel: [...channels.entries()]
      .map(([name, c]) => ({ channel: name, ...c }))
      .sort((a, b) => b.reached - a.reached || a.channel.localeCompare(b.channel)),
    byPlanItem: [...planItems.entries()]
      .filter(([, n]) => n > 0)
      .map(([planItem, n]) => ({ planItem, reached: n }))
      .sort((a, b) => rank(known, a.planItem) - rank(known, b.planItem)),
    optIns: subSum((s) => s.optIns),
    optOuts: subSum((s) => s.optOuts),
    activeSubscribers: subSum((s) => s.active),
    noticesSent: input.noticesSent,
  };
}

function bump<K>(map: Map<K, number>, key: K, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

function rank(known: readonly string[], item: string): number {
  const i = known.indexOf(item);
  return i < 0 ? known.length : i;
}
