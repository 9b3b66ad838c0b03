import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import ExcelJS from 'exceljs';
import { Clock } from '../common/clock';
import { chainHash, GENESIS_HASH, type ChainedContent } from '../interactions/hash-chain';
import { InteractionQueryService, localDayNumber } from '../interactions/interaction-query.service';
import type { Language } from '../messaging/language';
import { UnitsService } from '../units/units.service';

export interface ConsoleReportRequest {
  unitId: string;
  period: string;
  language: Language;
  outDir: string;
}

export interface ConsoleReportResult {
  files: { name: string; sha256: string }[];
  manifestPath: string;
}

export interface ChainReport {
  unitId: string;
  checked: number;
  headSeq: number;
  headHash: string;
  broken: { seq: number; id: number; reason: string } | null;
}

/**
 * What the reports page needs: the contract of ReportsService.generate and InteractionsService.verify
 * (issue 6). Bound to FallbackConsoleReports until those land on this branch; then the module binds
 * an adapter over them instead and nothing else in the console changes.
 */
export abstract class ConsoleReports {
  abstract generate(request: ConsoleReportRequest): Promise<ConsoleReportResult>;
  abstract verify(unitId: string): Promise<ChainReport>;
}

export class PeriodError extends Error {}

/** 2026, 2026-H1, 2026-Q3, 2026-07 → local day numbers [from, to). */
export function periodDays(period: string): { fromDay: number; toDay: number } {
  const m = /^(\d{4})(?:-(?:(H[12])|(Q[1-4])|(\d{2})))?$/.exec(period);
  if (!m) throw new PeriodError(`unknown period "${period}"`);
  const year = Number(m[1]);
  let first = 0;
  let months = 12;
  if (m[2]) [first, months] = [m[2] === 'H1' ? 0 : 6, 6];
  else if (m[3]) [first, months] = [(Number(m[3][1]) - 1) * 3, 3];
  else if (m[4]) {
    first = Number(m[4]) - 1;
    months = 1;
    if (first < 0 || first > 11) throw new PeriodError(`unknown period "${period}"`);
  }
  const day = (y: number, mo: number) => Math.floor(Date.UTC(y, mo, 1) / 86_400_000);
  return { fromDay: day(year, first), toDay: day(year, first + months) };
}

const csvCell = (v: string | number | null | undefined) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** A plain version of the period reports (figures from the daily roll-up, records as CSV). */
@Injectable()
export class FallbackConsoleReports extends ConsoleReports {
  constructor(
    private readonly interactions: InteractionQueryService,
    private readonly units: UnitsService,
    private readonly clock: Clock,
  ) {
    super();
  }

  async generate(request: ConsoleReportRequest): Promise<ConsoleReportResult> {
    const { fromDay, toDay } = periodDays(request.period);
    const unitIds = request.unitId === 'all' ? this.units.all().map((u) => u.id) : [request.unitId];
    await mkdir(request.outDir, { recursive: true });
    const lines = [
      'unitId,seq,occurredAt,channel,language,intent,topic,outcome,planItems,satisfaction,userText,replyText,hash',
    ];
    for (const unitId of unitIds) {
      for (let after = 0; ;) {
        const page = await this.interactions.chainPage(unitId, after, 2000);
        if (!page.length) break;
        for (const r of page) {
          const day = localDayNumber(r.occurredAt);
          if (day < fromDay || day >= toDay) continue;
          lines.push(
            [
              unitId,
              r.seq,
              r.occurredAt.toISOString(),
              r.channel,
              r.language,
              r.intent,
              r.topic,
              r.outcome,
              r.planItems,
              r.satisfaction,
              r.userText,
              r.replyText,
              r.hash,
            ]
              .map(csvCell)
              .join(','),
          );
        }
        after = page[page.length - 1].seq;
      }
    }
    const files: Record<string, Buffer> = {
      'interactions.csv': Buffer.from(`\ufeff${lines.join('\r\n')}\r\n`),
    };
    const dims = ['intent', 'outcome', 'channel', 'language', 'planItems'] as const;
    const figures = await Promise.all(dims.map((d) => this.interactions.stats(unitIds, fromDay, toDay, d)));
    const book = new ExcelJS.Workbook();
    dims.forEach((d, i) => {
      const sheet = book.addWorksheet(d);
      sheet.addRow([d, 'count']);
      for (const row of figures[i]) sheet.addRow([row.key, row.count]);
    });
    files['report.xlsx'] = Buffer.from(await book.xlsx.writeBuffer());
    const title = `${request.language === 'vi' ? 'Báo cáo' : 'Report'} ${request.period} — ${request.unitId}`;
    const doc = new Document({
      sections: [
        {
          children: [
            new Paragraph({ text: title, heading: HeadingLevel.HEADING_1 }),
            ...dims.flatMap((d, i) => [
              new Paragraph({ text: d, heading: HeadingLevel.HEADING_2 }),
              ...figures[i].map((r) => new Paragraph({ text: `${r.key || '—'}: ${r.count}` })),
            ]),
          ],
        },
      ],
    });
    files['report.docx'] = await Packer.toBuffer(doc);
    const list = Object.entries(files).map(([name, bytes]) => ({
      name,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    }));
    for (const [name, bytes] of Object.entries(files)) await writeFile(join(request.outDir, name), bytes);
    const manifestPath = join(request.outDir, 'manifest.json');
    const manifest = {
      unitId: request.unitId,
      period: request.period,
      generatedAt: this.clock.now().toISOString(),
      files: list,
    };
    await writeFile(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
    const manifestSha = createHash('sha256')
      .update(await readFile(manifestPath))
      .digest('hex');
    return { files: [...list, { name: 'manifest.json', sha256: manifestSha }], manifestPath };
  }

  async verify(unitId: string): Promise<ChainReport> {
    let prev = GENESIS_HASH;
    let checked = 0;
    let headSeq = 0;
    for (let after = 0; ;) {
      const page = await this.interactions.chainPage(unitId, after, 2000);
      if (!page.length) break;
      for (const r of page) {
        const content: ChainedContent = {
          unitId: r.unitId,
          seq: r.seq,
          occurredAt: r.occurredAt.getTime(),
          channel: r.channel,
          conversationId: r.conversationId,
          userKey: r.userKey,
          language: r.language,
          intent: r.intent,
          topic: r.topic,
          confidence: r.confidence,
          userText: r.userText,
          replyText: r.replyText,
          replyKeys: r.replyKeys,
          contentVersion: r.contentVersion,
          planItems: r.planItems,
          outcome: r.outcome,
          satisfaction: r.satisfaction,
          latencyMs: r.latencyMs,
          inboxEventId: r.inboxEventId,
          prevHash: r.prevHash,
        };
        const broken = (reason: string) => ({
          unitId,
          checked,
          headSeq,
          headHash: prev,
          broken: { seq: r.seq, id: r.id, reason },
        });
        if (r.seq !== headSeq + 1) return broken('sequence gap');
        if (r.prevHash !== prev) return broken('previous hash does not match');
        if (chainHash(prev, content) !== r.hash) return broken('content does not match its hash');
        prev = r.hash;
        headSeq = r.seq;
        checked++;
      }
      after = page[page.length - 1].seq;
    }
    return { unitId, checked, headSeq, headHash: prev, broken: null };
  }
}
