import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { Clock, VN_TIME_ZONE } from '../common/clock';
import { ComplaintsService } from '../complaints/complaints.service';
import { I18nService } from '../i18n/i18n.service';
import type { ChainReport } from '../interactions/chain-verifier';
import { InteractionsService } from '../interactions/interactions.service';
import type { LogRecord } from '../interactions/log-record';
import type { Language } from '../messaging/language';
import type { Unit } from '../units/unit';
import { UnitsService } from '../units/units.service';
import { CsvWriter } from './csv-writer';
import { writeDocx } from './docx-writer';
import type { ChainPoint, ComplaintFigures, ReportData, ReportText } from './report-data';
import { FigureAccumulator, Reservoir } from './report-figures';
import { LocalDateTimes } from './report-format';
import { OutreachAccumulator, outreachFigures } from './outreach-figures';
import { OutreachSources } from './outreach-sources.service';
import { parsePeriod, type ReportPeriod } from './report-period';
import { writeXlsx } from './xlsx-writer';

export class ReportError extends Error {
  override readonly name = 'ReportError';
}

export interface ReportRequest {
  /** A unit id, or "all" for the Department's roll-up over every unit. */
  unitId: string;
  /** 2026-Q1, 2026-H1, 2026-9M, 2026, with :nd09, or 2026-01-01..2026-03-31. */
  period: string;
  language: Language;
  outDir: string;
  /** Called every 5,000 records of the period with the number so far (a console job's progress). */
  onProgress?: (records: number) => Promise<void>;
}

export interface ReportFile {
  name: string;
  bytes: number;
  sha256: string;
}

export interface ReportResult {
  outDir: string;
  files: ReportFile[];
  manifestPath: string;
  manifestSha256: string;
  data: ReportData;
  /** The chain check of each unit, made in the same read as the report (not in the manifest). */
  verification: ChainReport[];
}

export const REPORT_FILES = ['report.xlsx', 'report.docx', 'interactions.csv'] as const;
const SAMPLE_SIZE = 200;
const PROGRESS_ROWS = 5000;

/**
 * The period reports: one read of each unit's log in chain order checks the chain and feeds the
 * figures, the sample and the CSV as it streams; the XLSX and the DOCX are written from the figures.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly interactions: InteractionsService,
    private readonly complaints: ComplaintsService,
    private readonly units: UnitsService,
    private readonly i18n: I18nService,
    private readonly clock: Clock,
    private readonly outreachSources: OutreachSources,
  ) {}

  resolveUnits(unitId: string): { scope: 'unit' | 'all'; units: Unit[] } {
    if (unitId === 'all') return { scope: 'all', units: this.units.all() };
    const unit = this.units.get(unitId);
    if (!unit) {
      const known = this.units
        .all()
        .map((u) => u.id)
        .join(', ');
      throw new ReportError(`unknown unit "${unitId}" (known: ${known}, or all)`);
    }
    return { scope: 'unit', units: [unit] };
  }

  async generate(request: ReportRequest): Promise<ReportResult> {
    const period = parsePeriod(request.period);
    const { scope, units } = this.resolveUnits(request.unitId);
    const language = request.language;
    const t: ReportText = (key, params) => this.i18n.t(language, { key: `report:${key}`, params });
    await mkdir(request.outDir, { recursive: true });
    const generatedAt = this.clock.now();

    const csv = new CsvWriter(join(request.outDir, 'interactions.csv'), [
      t('column.unit'),
      t('column.seq'),
      t('column.time'),
      t('column.channel'),
      t('column.user_key'),
      t('column.language'),
      t('column.intent'),
      t('column.topic'),
      'confidence',
      t('column.outcome'),
      t('column.plan_item'),
      t('column.up'),
      'latency_ms',
      'reply_keys',
      'content_version',
      t('column.user_text'),
      t('column.hash'),
    ]);
    const total = new FigureAccumulator();
    const outreach = new OutreachAccumulator();
    const sample = new Reservoir<LogRecord>(SAMPLE_SIZE, `${request.unitId}|${period.label}`);
    // One query for the period's tickets; the roll-up's per-unit figures are counted from it.
    const tickets = await this.complaints.forReport(
      units.map((u) => u.id),
      period.from,
      period.to,
    );
    const contentVersions = new Set<string>();
    const times = new LocalDateTimes();
    const perUnit: ReportData['perUnit'] = [];
    const chain: ChainPoint[] = [];
    const verification: ChainReport[] = [];
    const from = period.from.getTime();
    const to = period.to.getTime();
    let playgroundTurns = 0;
    // A console job writes its progress to the database: every 5,000 records of the period, as before.
    let reported = 0;
    const progress = async () => {
      if (!request.onProgress || csv.rows - reported < PROGRESS_ROWS) return;
      reported = csv.rows;
      await request.onProgress(csv.rows);
    };
    try {
      for (const unit of units) {
        // Per-unit figures only for the roll-up: in a unit's report they would copy the total's.
        const own = scope === 'all' ? new FigureAccumulator() : null;
        let firstSeq = null as number | null;
        let last = null as LogRecord | null;
        // The unit's whole chain in one read: every record is checked; those of the period are counted.
        const read = await this.interactions.readChecked(
          unit.id,
          async (page) => {
            for (const row of page) {
              if (row.occurredAt < from || row.occurredAt >= to) continue;
              // The chain position covers every record (retention removes the whole period); the
              // figures, the sample and the CSV only what citizens did: web chat tried out counts nowhere.
              firstSeq ??= row.seq;
              last = row;
              if (row.audience === 'playground') {
                playgroundTurns++;
                continue;
              }
              contentVersions.add(row.contentVersion);
              csv.add(csvRow(row, times));
              // A campaign message sent is evidence of outreach, not a turn: no turn figure counts it.
              if (row.kind === 'campaign') {
                outreach.add(row);
                continue;
              }
              total.add(row);
              own?.add(row);
              sample.offer(row);
            }
            await csv.flush();
          },
          progress,
        );
        verification.push(read.chain);
        const head = read.head ?? { seq: 0, hash: '' };
        chain.push({
          unitId: unit.id,
          firstSeq,
          lastSeq: last?.seq ?? null,
          lastHash: last?.hash ?? null,
          headSeq: head.seq,
          headHash: head.hash,
        });
        if (own) {
          const { byPlanItem: _p, byChannelLanguage: _c, byDay: _d, ...figures } = own.result();
          perUnit.push({
            unit,
            figures,
            complaints: complaintFigures(tickets.filter((k) => k.unitId === unit.id)),
          });
        }
      }
    } finally {
      await csv.close();
    }

    const unitIds = units.map((u) => u.id);
    const outreachData = outreachFigures(
      await this.outreachSources.forPeriod(unitIds, period.from, period.to),
      outreach.result(),
    );
    const data: ReportData = {
      scope,
      units,
      period,
      language,
      generatedAt,
      figures: total.result(),
      complaints: complaintFigures(tickets),
      tickets,
      perUnit,
      sample: sample.values().sort((a, b) => a.occurredAt - b.occurredAt || a.id - b.id),
      chain,
      contentVersions: [...contentVersions].sort(),
      csvRows: csv.rows,
      playgroundTurns,
      outreach: outreachData,
    };
    await writeXlsx(join(request.outDir, 'report.xlsx'), data, t);
    await writeDocx(join(request.outDir, 'report.docx'), data, t);

    const files: ReportFile[] = [];
    for (const name of REPORT_FILES) files.push(await describeFile(join(request.outDir, name), name));
    const manifest = buildManifest(request, data, files);
    const manifestPath = join(request.outDir, 'manifest.json');
    const text = JSON.stringify(manifest, null, 2) + '\n';
    await writeFile(manifestPath, text);
    return {
      outDir: request.outDir,
      files,
      manifestPath,
      manifestSha256: createHash('sha256').update(text).digest('hex'),
      data,
      verification,
    };
  }
}

function complaintFigures(tickets: { handledInPeriod: boolean }[]): ComplaintFigures {
  const handled = tickets.filter((k) => k.handledInPeriod).length;
  return {
    received: tickets.length,
    handled,
    rate: tickets.length ? handled / tickets.length : null,
  };
}

function csvRow(r: LogRecord, times: LocalDateTimes): (string | number | null)[] {
  return [
    r.unitId,
    r.seq,
    times.format(r.occurredAt),
    r.channel,
    r.userKey,
    r.language,
    r.intent,
    r.topic,
    r.confidence,
    r.outcome,
    r.planItems.split(',').filter(Boolean).join(' '),
    r.satisfaction,
    r.latencyMs,
    Array.isArray(r.replyKeys) ? r.replyKeys.join(' ') : '',
    r.contentVersion,
    r.userText,
    r.hash,
  ];
}

export async function describeFile(path: string, name: string): Promise<ReportFile> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { name, bytes: (await stat(path)).size, sha256: hash.digest('hex') };
}

export interface Manifest {
  kind: 'outreach-bot/report';
  version: 1;
  unit: string;
  units: { id: string; name: string }[];
  language: Language;
  period: {
    label: string;
    kind: ReportPeriod['kind'];
    nd09: boolean;
    timeZone: string;
    firstDay: string;
    lastDay: string;
    fromUtc: string;
    toUtcExclusive: string;
  };
  generatedAt: string;
  counts: Record<string, number | null>;
  files: ReportFile[];
  chain: ChainPoint[];
  contentVersions: string[];
  /** The period's campaigns with their reach (counts above: campaign*, subscription*, ticketNoticesSent). */
  campaigns: {
    id: number;
    unitId: string;
    title: string;
    planItem: string;
    approvedBy: string | null;
    startedAt: string | null;
    reached: number;
    sentRecorded: number;
    outsideWindow: number;
    notSubscribed: number;
  }[];
}

function buildManifest(request: ReportRequest, data: ReportData, files: ReportFile[]): Manifest {
  const f = data.figures;
  return {
    kind: 'outreach-bot/report',
    version: 1,
    unit: request.unitId,
    units: data.units.map((u) => ({ id: u.id, name: u.name.vi })),
    language: data.language,
    period: {
      label: data.period.label,
      kind: data.period.kind,
      nd09: data.period.nd09,
      timeZone: VN_TIME_ZONE,
      firstDay: data.period.firstDay,
      lastDay: data.period.lastDay,
      fromUtc: data.period.from.toISOString(),
      toUtcExclusive: data.period.to.toISOString(),
    },
    generatedAt: data.generatedAt.toISOString(),
    counts: {
      interactions: f.interactions,
      citizens: f.citizens,
      questions: f.questions,
      answeredAutomatically: f.answeredAutomatically,
      englishInteractions: f.englishInteractions,
      englishCitizens: f.englishCitizens,
      complaintsReceived: data.complaints.received,
      complaintsHandled: data.complaints.handled,
      satisfactionUp: f.satisfactionUp,
      satisfactionDown: f.satisfactionDown,
      csvRows: data.csvRows,
      campaigns: data.outreach.campaigns.length,
      campaignMessagesReached: data.outreach.reached,
      campaignCitizensReached: data.outreach.citizensReached,
      campaignRecipientsSent: data.outreach.sentRecorded,
      campaignOutsideWindow: data.outreach.outsideWindow,
      campaignNotSubscribed: data.outreach.notSubscribed,
      campaignFailed: data.outreach.failed,
      subscriptionOptIns: data.outreach.optIns,
      subscriptionOptOuts: data.outreach.optOuts,
      subscriptionsActive: data.outreach.activeSubscribers,
      ticketNoticesSent: data.outreach.noticesSent,
      // Not counted anywhere above; only so that retention accounts for every record of the period.
      playgroundTurnsNotCounted: data.playgroundTurns,
    },
    files,
    chain: data.chain,
    contentVersions: data.contentVersions,
    campaigns: data.outreach.campaigns.map((c) => ({
      id: c.id,
      unitId: c.unitId,
      title: c.title,
      planItem: c.planItem,
      approvedBy: c.approvedBy,
      startedAt: c.startedAt?.toISOString() ?? null,
      reached: c.reached,
      sentRecorded: c.sentRecorded,
      outsideWindow: c.outsideWindow,
      notSubscribed: c.notSubscribed,
    })),
  };
}
