import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { Clock, FixedClock } from '../src/common/clock';
import { ComplaintTicketEntity } from '../src/complaints/complaint-ticket.entity';
import { ComplaintsService } from '../src/complaints/complaints.service';
import { InteractionRecordEntity } from '../src/interactions/interaction-record.entity';
import { InteractionsService } from '../src/interactions/interactions.service';
import { ReportsModule } from '../src/reports/reports.module';
import { ReportsService, type Manifest } from '../src/reports/reports.service';
import { AppModule } from '../src/app.module';
import { Module } from '@nestjs/common';
import { startTestApp, testDatabases, type TestApp } from './support/test-app';
import { unitsFileWith } from './support/units-file';

@Module({ imports: [AppModule, ReportsModule] })
class AppWithReports {}

const at = (local: string) => new Date(`${local}+07:00`);
/** Set-up steps check what they rely on; the figures themselves are asserted in the tests. */
const must = (ok: boolean, what: string) => {
  if (!ok) throw new Error(`seeding failed: ${what}`);
};

/**
 * The seeded dataset is made of real conversations through the web chat at fixed instants, so the
 * figures below are what the pipeline records, not what a fixture says.
 */
describe.each(testDatabases())('period reports (%s)', (database) => {
  let t: TestApp;
  const clock = new FixedClock(at('2026-02-10T09:00:00'));
  let reports: ReportsService;
  let ticketCode = '';

  const chat = async (sessionId: string, body: Record<string, string>) =>
    (
      await t
        .http()
        .post('/api/chat')
        .send({ sessionId, ...body })
        .expect(200)
    ).body as { replies: { text: string }[]; intent: string; language: string };

  beforeAll(async () => {
    // The web chat stands in for the citizens' channels here, so it must count.
    t = await startTestApp({
      database,
      module: AppWithReports,
      env: { UNITS_FILE: unitsFileWith('public') },
      overrides: [[Clock, clock]],
    });
    reports = t.app.get(ReportsService);
    // A Vietnamese citizen: consent, a VNeID question, a thumbs up.
    await chat('r-vi', { payload: 'CONSENT_YES' });
    must((await chat('r-vi', { text: 'quên mật khẩu vneid' })).intent === 'vneid', 'vneid');
    await chat('r-vi', { payload: 'SAT_UP' });
    // An English-speaking resident: an insurance question, a thumbs down.
    clock.set(at('2026-02-11T10:00:00'));
    const en = await chat('r-en', { text: 'How do I renew my household health insurance?' });
    must(en.language === 'en', 'en');
    await chat('r-en', { payload: 'SAT_DOWN' });
    // A complaint taken in the chat, then handled by staff two days later.
    clock.set(at('2026-02-12T15:00:00'));
    await chat('r-pa', { text: 'tôi muốn phản ánh' });
    await chat('r-pa', { text: 'Nhân viên quầy thu ngân nói năng rất khó nghe với mẹ tôi' });
    await chat('r-pa', { text: 'quầy thu ngân tầng 1' });
    await chat('r-pa', { payload: 'complaint:file:today' });
    const done = await chat('r-pa', { payload: 'complaint:file:contact_no' });
    ticketCode = /PA-\d{4}-\d{6}/.exec(done.replies.map((r) => r.text).join('\n'))![0];
    clock.set(at('2026-02-14T08:00:00'));
    const ticket = await t.db.manager.findOneByOrFail(ComplaintTicketEntity, { code: ticketCode });
    await t.app
      .get(ComplaintsService)
      .changeStatus(ticket.id, 'resolved', 'đã xin lỗi gia đình', 'staff@test');
    // Out of scope.
    await chat('r-fb', { text: 'dự báo thời tiết Nha Trang ngày mai thế nào' });
    // Around the end of the quarter: the last minutes of 31/3 are Q1, the first of 1/4 are Q2.
    clock.set(at('2026-03-31T23:30:00'));
    must((await chat('r-edge', { text: 'giờ làm việc của bệnh viện' })).intent === 'unit_info', 'unit_info');
    clock.set(at('2026-04-01T00:10:00'));
    await chat('r-edge', { text: 'quên mật khẩu vneid' });
    clock.set(at('2026-05-01T09:00:00'));
  });
  afterAll(() => t?.close());

  it('should compute the golden figures of the quarter, and keep the next quarter out', async () => {
    const records = await t.db.manager.find(InteractionRecordEntity, { order: { seq: 'ASC' } });
    const inQ1 = records.filter((r) => r.occurredAt < at('2026-04-01T00:00:00'));
    expect(inQ1.map((r) => r.intent)).toEqual([
      'privacy',
      'vneid',
      'satisfaction',
      'health_insurance',
      'satisfaction',
      'complaint',
      'complaint',
      'complaint',
      'complaint',
      'complaint',
      'fallback',
      'unit_info',
    ]);
    const out = mkdtempSync(join(tmpdir(), 'outreach-report-'));
    const { data } = await reports.generate({
      unitId: 'so-y-te-khanh-hoa',
      period: '2026-Q1',
      language: 'vi',
      outDir: out,
    });
    const f = data.figures;
    expect(f.interactions).toBe(12);
    expect(f.citizens).toBe(5);
    // Questions: all but consent and the two ratings (9); answered: vneid, insurance, 5 complaint
    // steps (the last one files the ticket), unit info = 8; the weather question is not answered.
    expect(f.questions).toBe(9);
    expect(f.answeredAutomatically).toBe(8);
    expect(f.automaticRate).toBeCloseTo(8 / 9, 10);
    expect(f.englishInteractions).toBe(2);
    expect(f.englishCitizens).toBe(1);
    expect([f.satisfactionUp, f.satisfactionDown, f.satisfactionRate]).toEqual([1, 1, 0.5]);
    expect(f.fallbackTurns).toBe(1);
    expect(data.complaints).toEqual({ received: 1, handled: 1, rate: 1 });
    expect(Object.fromEntries(f.byPlanItem.map((p) => [p.planItem, p.interactions]))).toMatchObject({
      vneid: 1,
      health_insurance: 1,
      english_programme: 2,
    });
    expect(f.byDay.map((d) => [d.day, d.interactions])).toEqual([
      ['2026-02-10', 3],
      ['2026-02-11', 2],
      ['2026-02-12', 5],
      ['2026-02-14', 1],
      ['2026-03-31', 1],
    ]);
    expect(data.chain[0]).toMatchObject({ firstSeq: 1, lastSeq: 12, headSeq: 13 });

    const q2 = await reports.generate({
      unitId: 'so-y-te-khanh-hoa',
      period: '2026-Q2',
      language: 'vi',
      outDir: mkdtempSync(join(tmpdir(), 'outreach-report-')),
    });
    expect(q2.data.figures.interactions).toBe(1);
    expect(q2.data.complaints.received).toBe(0);
  });

  it('should write an XLSX, a DOCX, a CSV and a manifest that read back with the same figures', async () => {
    const out = mkdtempSync(join(tmpdir(), 'outreach-report-'));
    const result = await reports.generate({
      unitId: 'so-y-te-khanh-hoa',
      period: '2026-Q1',
      language: 'vi',
      outDir: out,
    });

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(out, 'report.xlsx'));
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      'Tổng hợp',
      'Theo nội dung',
      'Theo kênh và ngôn ngữ',
      'Theo ngày',
      'Phản ánh',
      'Hài lòng',
      'Tuyên truyền chủ động',
      'Mẫu nhật ký',
    ]);
    const summary = workbook.getWorksheet('Tổng hợp')!;
    const valueOf = (label: string) => {
      let found: unknown;
      summary.eachRow((row) => {
        if (row.getCell(1).value === label) found = row.getCell(2).value;
      });
      return found;
    };
    expect(valueOf('Số lượt tương tác')).toBe(12);
    expect(valueOf('Số người dân được tuyên truyền')).toBe(5);
    expect(valueOf('Tỷ lệ câu hỏi được trả lời tự động')).toBeCloseTo(8 / 9, 10);
    expect(valueOf('Số phản ánh tiếp nhận')).toBe(1);
    expect(valueOf('Số phản ánh đã xử lý')).toBe(1);
    expect(valueOf('Tỷ lệ hài lòng')).toBe(0.5);
    const days = workbook.getWorksheet('Theo ngày')!;
    expect(days.rowCount).toBe(1 + 90); // header + every day of Q1 2026
    const complaints = workbook.getWorksheet('Phản ánh')!;
    const codes: unknown[] = [];
    complaints.eachRow((row) => codes.push(row.getCell(1).value));
    expect(codes).toContain(ticketCode);
    const sample = workbook.getWorksheet('Mẫu nhật ký')!;
    expect(sample.rowCount).toBe(1 + 12);

    const zip = await JSZip.loadAsync(readFileSync(join(out, 'report.docx')));
    const xml = await zip.file('word/document.xml')!.async('string');
    const text = xml.replace(/<[^>]+>/g, '');
    expect(text).toContain('KẾT QUẢ TUYÊN TRUYỀN CẢI CÁCH HÀNH CHÍNH');
    expect(text).toContain('SỞ Y TẾ TỈNH KHÁNH HÒA');
    expect(text).toContain('từ ngày 01/01/2026 đến ngày 31/03/2026');
    expect(text).toContain('ghi nhận 12 lượt tương tác với 5 người dân');
    expect(text).toContain('88,9%');
    expect(text).toContain('Tiếp nhận 1 phản ánh');
    expect(text).toContain('50,0%');
    expect(xml).toContain('w:w="11906"'); // A4 width in twips
    const styles = await zip.file('word/styles.xml')!.async('string');
    expect(styles).toContain('Times New Roman');
    expect(styles).toMatch(/<w:sz w:val="2[68]"\/>/);

    const csv = readFileSync(join(out, 'interactions.csv'));
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.toString('utf8').slice(1).trim().split('\r\n');
    expect(lines).toHaveLength(1 + 12);
    expect(lines[0]).toContain('Mã người dùng (ẩn danh)');
    expect(csv.toString('utf8')).toContain('quên mật khẩu vneid');

    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.period).toMatchObject({
      label: '2026-Q1',
      fromUtc: '2025-12-31T17:00:00.000Z',
      toUtcExclusive: '2026-03-31T17:00:00.000Z',
    });
    expect(manifest.counts).toMatchObject({ interactions: 12, citizens: 5, csvRows: 12 });
    expect(manifest.files.map((x) => x.name)).toEqual(['report.xlsx', 'report.docx', 'interactions.csv']);
    for (const file of result.files) {
      expect(manifest.files.find((x) => x.name === file.name)!.sha256).toBe(file.sha256);
    }
    const head = await t.app.get(InteractionsService).head('so-y-te-khanh-hoa');
    expect(manifest.chain[0]).toMatchObject({ unitId: 'so-y-te-khanh-hoa', headSeq: head!.seq, lastSeq: 12 });
  });

  it('should write the English version and the Department roll-up with a per-unit breakdown', async () => {
    const out = mkdtempSync(join(tmpdir(), 'outreach-report-'));
    const { data } = await reports.generate({
      unitId: 'all',
      period: '2026-Q1:nd09',
      language: 'en',
      outDir: out,
    });
    // nd09 Q1 runs 15/12/2025 → 14/3/2026: the 31/3 message is outside it.
    expect(data.period.firstDay).toBe('2025-12-15');
    expect(data.figures.interactions).toBe(11);
    expect(data.perUnit.map((u) => [u.unit.id, u.figures.interactions])).toEqual([
      ['so-y-te-khanh-hoa', 11],
      ['bvdkkv-ninh-hoa', 0],
      ['cd-y-te-khanh-hoa', 0],
      ['ttyt-vinh-thanh', 0],
    ]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(out, 'report.xlsx'));
    expect(workbook.worksheets.map((w) => w.name)).toContain('By unit');
    const zip = await JSZip.loadAsync(readFileSync(join(out, 'report.docx')));
    const text = (await zip.file('word/document.xml')!.async('string')).replace(/<[^>]+>/g, '');
    expect(text).toContain('recorded 11 interactions with 4 citizens');
    expect(text).toContain('By unit');
  });

  it('should refuse an unknown unit or a malformed period with a clear message', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'outreach-report-'));
    await expect(
      reports.generate({ unitId: 'nope', period: '2026-Q1', language: 'vi', outDir }),
    ).rejects.toThrow(/unknown unit "nope"/);
    await expect(
      reports.generate({ unitId: 'so-y-te-khanh-hoa', period: '2026-Q5', language: 'vi', outDir }),
    ).rejects.toThrow(/not a period/);
  });
});
