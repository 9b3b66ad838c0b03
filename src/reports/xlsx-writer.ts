import ExcelJS from 'exceljs';
import type { ReportData, ReportText } from './report-data';
import { localDateTime, ReportFormat } from './report-format';
import {
  campaignTable,
  channelTable,
  dayTable,
  FIGURE_KEYS,
  figureValue,
  isRateFigure,
  outcomeTable,
  OUTREACH_FIGURE_KEYS,
  outreachChannelTable,
  outreachPlanTable,
  outreachValue,
  planTable,
  sampleTable,
  satisfactionTable,
  ticketTable,
  unitTable,
  type Table,
} from './report-tables';

const PERCENT = '0.0%';
const INTEGER = '#,##0';

/** report.xlsx: one sheet per view of the figures; streamed to disk. */
export async function writeXlsx(path: string, data: ReportData, t: ReportText): Promise<void> {
  const fmt = new ReportFormat(data.language);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true });
  workbook.creator = 'outreach-bot';
  workbook.created = data.generatedAt;

  const summary = workbook.addWorksheet(t('sheet.summary'));
  summary.columns = [{ width: 46 }, { width: 22 }, { width: 80 }];
  const unitName =
    data.scope === 'all' ? t('all_units') : data.units.map((u) => u.name[data.language]).join(', ');
  const fields: [string, string][] = [
    [t('field.unit'), unitName],
    [t('field.period'), data.period.label],
    [t('field.from'), fmt.day(data.period.firstDay)],
    [t('field.to'), fmt.day(data.period.lastDay)],
    [t('field.generated_at'), localDateTime(data.generatedAt)],
    [t('field.content_versions'), data.contentVersions.join(', ') || t('none')],
    ...data.chain.map((c): [string, string] => [
      `${t('field.chain')} (${c.unitId})`,
      c.lastSeq === null ? t('none') : `#${c.lastSeq} ${c.lastHash}`,
    ]),
  ];
  for (const [label, value] of fields) summary.addRow([label, value]).getCell(1).font = { bold: true };
  summary.addRow([]);
  const header = summary.addRow([t('column.figure'), t('column.value'), t('column.definition')]);
  header.font = { bold: true };
  for (const key of FIGURE_KEYS) {
    const value = figureValue(data, key);
    const row = summary.addRow([t(`figure.${key}`), value ?? t('not_applicable'), t(`definition.${key}`)]);
    row.getCell(2).numFmt = isRateFigure(key) ? PERCENT : INTEGER;
    row.getCell(3).alignment = { wrapText: true, vertical: 'top' };
    row.commit();
  }
  summary.addRow([]);
  appendTable(summary, outcomeTable(data, t));
  summary.commit();

  if (data.scope === 'all') addSheet(workbook, t('sheet.units'), unitTable(data, t));
  addSheet(workbook, t('sheet.plan'), planTable(data, t));
  addSheet(workbook, t('sheet.channel'), channelTable(data, t));
  addSheet(workbook, t('sheet.day'), dayTable(data, t));

  const complaints = workbook.addWorksheet(t('sheet.complaints'));
  complaints.columns = [
    { width: 36 },
    { width: 18 },
    { width: 18 },
    { width: 18 },
    { width: 18 },
    { width: 18 },
  ];
  const counts: [string, number | null, boolean][] = [
    [t('figure.complaints_received'), data.complaints.received, false],
    [t('figure.complaints_handled'), data.complaints.handled, false],
    [t('figure.complaints_rate'), data.complaints.rate, true],
  ];
  for (const [label, value, rate] of counts) {
    const row = complaints.addRow([label, value ?? t('not_applicable')]);
    row.getCell(1).font = { bold: true };
    row.getCell(2).numFmt = rate ? PERCENT : INTEGER;
  }
  complaints.addRow([]);
  appendTable(complaints, ticketTable(data, t));
  complaints.commit();

  const satisfaction = workbook.addWorksheet(t('sheet.satisfaction'));
  satisfaction.columns = [{ width: 36 }, { width: 16 }, { width: 16 }, { width: 16 }];
  const rate = satisfaction.addRow([
    t('figure.satisfaction_rate'),
    data.figures.satisfactionRate ?? t('not_applicable'),
  ]);
  rate.getCell(1).font = { bold: true };
  rate.getCell(2).numFmt = PERCENT;
  satisfaction.addRow([t('figure.satisfaction_up'), data.figures.satisfactionUp]);
  satisfaction.addRow([t('figure.satisfaction_down'), data.figures.satisfactionDown]);
  satisfaction.addRow([]);
  appendTable(satisfaction, satisfactionTable(data, t));
  satisfaction.commit();

  const outreach = workbook.addWorksheet(t('sheet.outreach'));
  outreach.columns = [
    { width: 46 },
    { width: 22 },
    { width: 30 },
    { width: 22 },
    { width: 18 },
    { width: 14 },
  ];
  outreach.addRow([t('outreach.title')]).font = { bold: true };
  for (const key of OUTREACH_FIGURE_KEYS) {
    const value = outreachValue(data, key);
    const row = outreach.addRow([
      t(`outreach_figure.${key}`),
      value ?? t('not_available'),
      t(`outreach_definition.${key}`),
    ]);
    row.getCell(1).font = { bold: true };
    row.getCell(2).numFmt = INTEGER;
    row.commit();
  }
  for (const table of [campaignTable(data, t), outreachChannelTable(data, t), outreachPlanTable(data, t)]) {
    outreach.addRow([]);
    appendTable(outreach, table);
  }
  outreach.commit();

  addSheet(workbook, t('sheet.sample'), sampleTable(data, t), [22, 10, 20, 10, 18, 8, 16, 20, 12, 80]);
  await workbook.commit();
}

function addSheet(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  table: Table,
  widths?: number[],
): void {
  const sheet = workbook.addWorksheet(name);
  sheet.columns = table.header.map((_, i) => ({ width: widths?.[i] ?? (i === 0 ? 36 : 18) }));
  appendTable(sheet, table, false);
  sheet.commit();
}

function appendTable(sheet: ExcelJS.Worksheet, table: Table, withTitle = true): void {
  if (withTitle) sheet.addRow([table.title]).font = { bold: true };
  const header = sheet.addRow(table.header);
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle' };
  for (const cells of table.rows) {
    const row = sheet.addRow(cells.map((c) => c ?? ''));
    cells.forEach((cell, i) => {
      if (typeof cell === 'number') {
        row.getCell(i + 1).numFmt = table.percentColumns?.includes(i) ? PERCENT : INTEGER;
      }
    });
    row.commit();
  }
}
