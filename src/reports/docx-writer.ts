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
import type { Unit } from '../units/unit';
import {
  campaignTable,
  FIGURE_KEYS,
  figureValue,
  isRateFigure,
  OUTREACH_FIGURE_KEYS,
  outreachValue,
  planTable,
  unitTable,
  type Table,
} from './report-tables';

// Decree 30/2020/NĐ-CP presentation: A4, Times New Roman 13–14 pt, margins top/bottom 20 mm,
// left 30 mm, right 15 mm. Sizes below are in half-points and twips.
const FONT = 'Times New Roman';
const BODY = 28; // 14 pt
const SMALL = 26; // 13 pt
const MM = 56.7;
const NO_BORDER = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
/** What the clerk or the signer writes by hand where the units file gives no value. */
const DOTS = '……';
const LONG_DOTS = '………………………';

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
  const settings = issuer.report;

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
    header(
      [governing ?? '', unitName, t('decree.number', { number: DOTS, symbol: settings.symbol ?? DOTS })],
      [
        t('nation'),
        t('motto'),
        t('decree.date', { place: settings.place ?? DOTS, day: DOTS, month: DOTS, year: DOTS }),
      ],
    ),
    new Paragraph({ text: '' }),
    paragraph(t('decree.document'), { bold: true, align: AlignmentType.CENTER }),
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
  children.push(new Paragraph({ text: '' }), ...outreachSection(data, t, fmt));
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
    new Paragraph({ text: '' }),
    closing(settings, lang, t),
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

/**
 * The administrative header: governing body, unit and the number line on the left; the national
 * name, the motto and the place and date line on the right.
 */
function header(left: [string, string, string], right: [string, string, string]): DocxTable {
  const [governing, unit, number] = left;
  const [nation, motto, date] = right;
  const line = (
    text: string,
    options: { bold?: boolean; italics?: boolean; underline?: boolean; size?: number },
  ) =>
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { after: 60 },
      children: [
        new TextRun({
          text,
          bold: options.bold,
          italics: options.italics,
          underline: options.underline ? {} : undefined,
          font: FONT,
          size: options.size ?? SMALL,
        }),
      ],
    });
  return borderless([
    [
      [
        line(governing.toUpperCase(), {}),
        line(unit.toUpperCase(), { bold: true, underline: true }),
        line(number, {}),
      ],
      42,
    ],
    [
      [
        line(nation, { bold: true }),
        line(motto, { bold: true, underline: true, size: BODY }),
        line(date, { italics: true, size: BODY }),
      ],
      58,
    ],
  ]);
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

/** The proactive outreach part: what was sent, to whom, and whom the platforms' rules kept out. */
function outreachSection(data: ReportData, t: ReportText, fmt: ReportFormat): (Paragraph | DocxTable)[] {
  const o = data.outreach;
  const none = t('not_available');
  const count = (n: number | null) => (n === null ? none : fmt.number(n));
  const texts = [
    o.campaigns.length || o.reached
      ? t('outreach.narrative', {
          campaigns: fmt.number(o.campaigns.length),
          reached: fmt.number(o.reached),
          citizens: count(o.citizensReached),
          outside: fmt.number(o.outsideWindow),
          not_subscribed: fmt.number(o.notSubscribed),
        })
      : t('outreach.narrative_none'),
    t('outreach.subscriptions', { opt_ins: count(o.optIns), opt_outs: count(o.optOuts) }),
    t('outreach.notices', { count: fmt.number(o.noticesSent) }),
    ...(o.consistent
      ? []
      : [t('outreach.mismatch', { reached: fmt.number(o.reached), recorded: fmt.number(o.sentRecorded) })]),
  ];
  const figures: Table = {
    title: t('outreach.title'),
    header: [t('column.item'), t('column.figure'), t('column.value')],
    rows: OUTREACH_FIGURE_KEYS.map((key, i) => [
      String(i + 1),
      t(`outreach_figure.${key}`),
      count(outreachValue(data, key)),
    ]),
  };
  const out: (Paragraph | DocxTable)[] = [
    paragraph(t('outreach.title'), { bold: true }),
    ...texts.map((text) => paragraph(text, { indent: true })),
    table(figures, fmt, [10, 62, 28], [2]),
  ];
  if (o.campaigns.length) {
    const campaigns = campaignTable(data, t);
    const widths = data.scope === 'all' ? [12, 22, 16, 14, 12, 8, 8, 8] : [26, 18, 16, 13, 9, 9, 9];
    out.push(
      new Paragraph({ text: '' }),
      paragraph(campaigns.title, { bold: true }),
      table(campaigns, fmt, widths),
    );
  }
  return out;
}

/**
 * "Nơi nhận" on the left, the signature block on the right (Decree 30/2020/NĐ-CP, Appendix I):
 * "KT. <head>" above the signer's own title when signing on the head's behalf, then the name.
 */
function closing(settings: Unit['report'], lang: 'vi' | 'en', t: ReportText): DocxTable {
  const run = (text: string, options: { bold?: boolean; italics?: boolean; size?: number } = {}) =>
    new TextRun({
      text,
      font: FONT,
      bold: options.bold,
      italics: options.italics,
      size: options.size ?? BODY,
    });
  const left = (text: string, options: { bold?: boolean; italics?: boolean; size?: number } = {}) =>
    new Paragraph({ alignment: AlignmentType.LEFT, children: [run(text, options)] });
  const centre = (text: string, options: { bold?: boolean; italics?: boolean } = {}) =>
    new Paragraph({ alignment: AlignmentType.CENTER, children: [run(text, options)] });
  const entries = settings.recipients.length ? settings.recipients.map((r) => r[lang]) : [DOTS, DOTS, DOTS];
  const recipients = [
    left(t('decree.recipients'), { bold: true, italics: true, size: 24 }),
    ...entries.map((entry, i) => left(`- ${entry}${i === entries.length - 1 ? '.' : ';'}`, { size: 22 })),
  ];
  const signer = settings.signer;
  const titles = signer
    ? [
        ...(signer.onBehalfOf ? [t('decree.on_behalf', { title: signer.onBehalfOf[lang] })] : []),
        signer.title[lang],
      ]
    : [LONG_DOTS];
  const signature = [
    ...titles.map((title) => centre(title, { bold: true })),
    // The name is printed under the space left for the signature; without one, the signer writes it.
    ...(signer?.name
      ? [centre(''), centre(''), centre(''), centre(signer.name, { bold: true })]
      : [centre(t('decree.sign_here'), { italics: true }), centre(''), centre(''), centre(LONG_DOTS)]),
  ];
  return borderless([
    [recipients, 45],
    [signature, 55],
  ]);
}

function borderless(cells: [Paragraph[], number][]): DocxTable {
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
        children: cells.map(
          ([children, width]) =>
            new TableCell({
              width: { size: width, type: WidthType.PERCENTAGE },
              borders: { top: NO_BORDER, bottom: NO_BORDER, left: NO_BORDER, right: NO_BORDER },
              children,
            }),
        ),
      }),
    ],
  });
}
