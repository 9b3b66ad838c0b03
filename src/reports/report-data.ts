import type { ReportTicket } from '../complaints/complaint.repository';
import type { Language } from '../messaging/language';
import type { Unit } from '../units/unit';
import type { LogRecord } from '../interactions/log-record';
import type { OutreachFigures } from './outreach-figures';
import type { CoreFigures, Figures } from './report-figures';
import type { ReportPeriod } from './report-period';

export interface ComplaintFigures {
  received: number;
  handled: number;
  /** Tỷ lệ đã xử lý: handled / received, null without complaints. */
  rate: number | null;
}

export interface ChainPoint {
  unitId: string;
  /** First and last record of the period in the unit's chain (null when the period is empty). */
  firstSeq: number | null;
  lastSeq: number | null;
  lastHash: string | null;
  /** The chain head when the report began its read: what it checked and covers. */
  headSeq: number;
  headHash: string;
}

/** Everything a report states, computed once and written four ways. */
export interface ReportData {
  scope: 'unit' | 'all';
  units: Unit[];
  period: ReportPeriod;
  language: Language;
  generatedAt: Date;
  figures: Figures;
  complaints: ComplaintFigures;
  tickets: ReportTicket[];
  perUnit: { unit: Unit; figures: CoreFigures; complaints: ComplaintFigures }[];
  sample: LogRecord[];
  chain: ChainPoint[];
  contentVersions: string[];
  csvRows: number;
  /** Web chat playground turns of the period: in the chain, in no figure, table or file. */
  playgroundTurns: number;
  /** Proactive outreach: campaign messages (chained records, not turns), subscriptions, ticket notices. */
  outreach: OutreachFigures;
}

/** A text from locales/<lang>/report.json. */
export type ReportText = (key: string, params?: Record<string, string>) => string;
