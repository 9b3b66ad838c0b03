import { writeFile } from 'node:fs/promises';
import {
  AlignmentType,
  BorderStyle,
  Document,
  Packer,
  Paragraph,
  Table as DocxTable,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import type { ReportData, ReportText } from './report-data';
import { localDateTime, ReportFormat } from './report-format';
import { FIGURE_KEYS, figureValue, isRateFigure, planTable, unitTable, type Table } from './report-tables';

// Decree 30/2020/NĐ-CP presentation: A4, Times New Roman 13–14 pt, margins top/bottom 20 mm,
// left 30 mm, right 15 mm. Sizes below are in half-points and twips.
const FONT = 'Times New Roman';
const BODY = 28; // 14 pt
const SMALL = 26; // 13 pt
const MM = 56.7;
const NO_BORDER = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };

/** report.docx: a report section ready to paste into the unit's CCHC report. */
export async function writeDocx(path: string, data: ReportData, t: ReportText): Promise<void> {
  const fmt = new ReportFormat(data.language);
  const lang = data.language;
  const none = t('not_applicable');
  const f = data.figures;
  // The roll-up is the Department's own report: its header is the oversight unit's.
  const issuer = (data.scope === 'all' && data.units.find((u) => u.oversight)) || data.units[0];
  const unitName = issuer.name[lang];
  const governing = issuer.governingBody[lang];

  const contents = f.byPlanItem
    .filter((p) => p.interactions > 0)
    .map((p) =>
      t('narrative.item', { name: t(`plan_item.${p.planItem}`), count: fmt.number(p.interactions) }),
    );
  const narrative = [
    t('narrative.reach', {
      interactions: fmt.number(f.interactions),
      citizens: fmt.number(f.citizens),
      rate: fmt.percent(f.automaticRate, none),
      answered: fmt.number(f.answeredAutomatically),
      questions: fmt.number(f.questions),
    }),
    contents.length ? t('narrative.contents', { list: contents.join('; ') }) : t('narrative.contents_none'),
    t('narrative.english', {
      interactions: fmt.number(f.englishInteractions),
      citizens: fmt.number(f.englishCitizens),
    }),
    data.complaints.received
      ? t('narrative.complaints', {
          received: fmt.number(data.complaints.received),
          handled: fmt.number(data.complaints.handled),
          rate: fmt.percent(data.complaints.rate, none),
        })
      : t('narrative.complaints_none'),
    f.satisfactionUp + f.satisfactionDown
      ? t('narrative.satisfaction', {
          rate: fmt.percent(f.satisfactionRate, none),
          up: fmt.number(f.satisfactionUp),
          total: fmt.number(f.satisfactionUp + f.satisfactionDown),
        })
      : t('narrative.satisfaction_none'),
  ];

  const summary: Table = {
    title: t('table_title'),
    header: [t('column.item'), t('column.figure'), t('column.value')],
    rows: FIGURE_KEYS.map((key, i) => {
      const value = figureValue(data, key);
      const shown = value === null ? none : isRateFigure(key) ? fmt.percent(value, none) : fmt.number(value);
      return [String(i + 1), t(`figure.${key}`), shown];
    }),
  };

  const children: (Paragraph | DocxTable)[] = [
    header(governing ?? '', unitName, t('nation'), t('motto')),
    new Paragraph({ text: '' }),
    paragraph(t('title'), { bold: true, align: AlignmentType.CENTER }),
    paragraph(
      t('period', {
        label: data.period.label,
        first: fmt.day(data.period.firstDay),
        last: fmt.day(data.period.lastDay),
      }),
      { italics: true, align: AlignmentType.CENTER },
    ),
    new Paragraph({ text: '' }),
    ...narrative.map((text) => paragraph(text, { indent: true })),
    paragraph(t('table_title'), { bold: true }),
    table(summary, fmt, [10, 62, 28], [2]),
    new Paragraph({ text: '' }),
    paragraph(t('plan_table_title'), { bold: true }),
    table(planTable(data, t), fmt, [30, 26, 16, 14, 14]),
  ];
  if (data.scope === 'all') {
    children.push(new Paragraph({ text: '' }), paragraph(t('unit_table_title'), { bold: true }));
    children.push(table(unitTable(data, t), fmt, [24, 11, 11, 11, 11, 11, 10, 11]));
  }
  children.push(
    new Paragraph({ text: '' }),
    paragraph(
      t('generated', {
        at: localDateTime(data.generatedAt),
        head: data.chain
          .map((c) => `${c.unitId} #${c.lastSeq ?? 0} ${(c.lastHash ?? '').slice(0, 16)}`)
          .join('; '),
      }),
      { italics: true, size: 22 },
    ),
  );

  const document = new Document({
    creator: 'outreach-bot',
    title: t('title'),
    styles: { default: { document: { run: { font: FONT, size: BODY } } } },
    sections: [
      {
        properties: {
          page: {
            size: { width: 11906, height: 16838 }, // A4
            margin: {
              top: Math.round(20 * MM),
              bottom: Math.round(20 * MM),
              left: Math.round(30 * MM),
              right: Math.round(15 * MM),
            },
          },
        },
        children,
      },
    ],
  });
  await writeFile(path, await Packer.toBuffer(document));
}

function paragraph(
  text: string,
  options: {
    bold?: boolean;
    italics?: boolean;
    align?: (typeof AlignmentType)[keyof typeof AlignmentType];
    indent?: boolean;
    size?: number;
  } = {},
): Paragraph {
  return new Paragraph({
    alignment: options.align ?? AlignmentType.JUSTIFIED,
    indent: options.indent ? { firstLine: Math.round(10 * MM) } : undefined,
    spacing: { after: 120, line: 312 },
    children: [
      new TextRun({
        text,
        bold: options.bold,
        italics: options.italics,
        font: FONT,
        size: options.size ?? BODY,
      }),
    ],
  });
}

/** The administrative header: governing body and unit on the left, the national motto on the right. */
function header(governing: string, unit: string, nation: string, motto: string): DocxTable {
  const line = (text: string, bold: boolean, size = SMALL) =>
    new Paragraph({
      alignment: AlignmentType.CENTER,
      children: [new TextRun({ text, bold, font: FONT, size })],
    });
  const cell = (paragraphs: Paragraph[], width: number) =>
    new TableCell({
      width: { size: width, type: WidthType.PERCENTAGE },
      borders: { top: NO_BORDER, bottom: NO_BORDER, left: NO_BORDER, right: NO_BORDER },
      children: paragraphs,
    });
  return new DocxTable({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: {
      top: NO_BORDER,
      bottom: NO_BORDER,
      left: NO_BORDER,
      right: NO_BORDER,
      insideHorizontal: NO_BORDER,
      insideVertical: NO_BORDER,
    },
    rows: [
      new TableRow({
        children: [
          cell([line(governing.toUpperCase(), false), line(unit.toUpperCase(), true)], 42),
          cell([line(nation, true), line(motto, true, BODY)], 58),
        ],
      }),
    ],
  });
}

function table(source: Table, fmt: ReportFormat, widths: number[], rightAligned: number[] = []): DocxTable {
  const none = '—';
  const text = (value: string | number | null, column: number) => {
    if (value === null) return none;
    if (typeof value === 'number')
      return source.percentColumns?.includes(column) ? fmt.percent(value, none) : fmt.number(value);
    return value;
  };
  const row = (cells: (string | number | null)[], bold: boolean) =>
    new TableRow({
      tableHeader: bold,
      children: cells.map(
        (value, i) =>
          new TableCell({
            width: { size: widths[i] ?? 10, type: WidthType.PERCENTAGE },
            children: [
              new Paragraph({
                alignment:
                  typeof value === 'number' || (!bold && rightAligned.includes(i))
                    ? AlignmentType.RIGHT
                    : AlignmentType.LEFT,
                children: [new TextRun({ text: text(value, i), bold, font: FONT, size: SMALL })],
              }),
            ],
          }),
      ),
    });
  return new DocxTable({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [row(source.header, true), ...source.rows.map((r) => row(r, false))],
  });
}
