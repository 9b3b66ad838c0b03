import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger, Module } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { AppModule } from '../src/app.module';
import { Clock, FixedClock } from '../src/common/clock';
import { ConversationEntity } from '../src/conversation/conversation.entity';
import { InboxEventEntity } from '../src/inbox/inbox-event.entity';
import { InboxWorker, TurnTimeoutError } from '../src/inbox/inbox.worker';
import { chainHash, GENESIS_HASH, type ChainedContent } from '../src/interactions/hash-chain';
import { InteractionChainEntity } from '../src/interactions/interaction-chain.entity';
import { InteractionRecordEntity } from '../src/interactions/interaction-record.entity';
import { InteractionQueryService, localDayNumber } from '../src/interactions/interaction-query.service';
import { InteractionsService } from '../src/interactions/interactions.service';
import { ReportsModule } from '../src/reports/reports.module';
import { ReportsService, type Manifest } from '../src/reports/reports.service';
import { startTestApp, testDatabases, type TestApp } from './support/test-app';
import { unitsFileWith } from './support/units-file';

@Module({ imports: [AppModule, ReportsModule] })
class AppWithReports {}

const PLAYGROUND = 'so-y-te-khanh-hoa';
const PUBLIC = 'bvdkkv-ninh-hoa';
const OFF = 'cd-y-te-khanh-hoa';
const LEGACY = 'ttyt-vinh-thanh';
const at = (local: string) => new Date(`${local}+07:00`);

describe.each(testDatabases())('web chat modes per unit (%s)', (database) => {
  let t: TestApp;
  const clock = new FixedClock(at('2026-02-10T09:00:00'));

  const chat = (body: Record<string, string>) => t.http().post('/api/chat').send(body);
  const records = (unitId: string) =>
    t.db.manager.find(InteractionRecordEntity, { where: { unitId }, order: { seq: 'ASC' } });
  const report = async (unitId: string, period = '2026-Q1') => {
    const outDir = mkdtempSync(join(tmpdir(), 'outreach-modes-'));
    const result = await t.app.get(ReportsService).generate({ unitId, period, language: 'vi', outDir });
    const manifest = JSON.parse(readFileSync(result.manifestPath, 'utf8')) as Manifest;
    const csvLines = readFileSync(join(outDir, 'interactions.csv'), 'utf8').trim().split('\n');
    return { ...result, manifest, csvLines, outDir };
  };
  const dashboard = (unitId: string, dimension: 'channel' | 'day') =>
    t.app
      .get(InteractionQueryService)
      .stats(
        [unitId],
        localDayNumber(at('2026-01-01T00:00:00')),
        localDayNumber(at('2026-04-01T00:00:00')),
        dimension,
      );

  beforeAll(async () => {
    t = await startTestApp({
      database,
      module: AppWithReports,
      env: { UNITS_FILE: unitsFileWith({ [PLAYGROUND]: 'playground', [PUBLIC]: 'public', [OFF]: 'off' }) },
      overrides: [[Clock, clock]],
    });
    for (const unit of [PLAYGROUND, PUBLIC]) {
      await chat({ sessionId: `${unit}-1`, unit, text: 'quên mật khẩu vneid' }).expect(200);
      await chat({ sessionId: `${unit}-1`, unit, text: 'thẻ bhyt hết hạn làm lại ở đâu' }).expect(200);
      await chat({ sessionId: `${unit}-2`, unit, text: 'hello' }).expect(200);
    }
  });
  afterAll(() => t?.close());

  it('should list every unit with its web chat mode', async () => {
    const units = await t.http().get('/api/units').expect(200);
    const modes = Object.fromEntries(
      (units.body as { id: string; name: string; webChat: string }[]).map((u) => [u.id, u.webChat]),
    );
    expect(modes).toMatchObject({ [PLAYGROUND]: 'playground', [PUBLIC]: 'public', [OFF]: 'off' });
  });

  it('should refuse a unit whose web chat is off, with a clear error, and store nothing', async () => {
    const res = await chat({ sessionId: 'off-1', unit: OFF, text: 'xin chào' }).expect(403);
    expect(res.body).toMatchObject({ statusCode: 403, code: 'web_chat_off', field: 'unit' });
    expect(res.body.message).toMatch(/web chat is off for unit "cd-y-te-khanh-hoa"/);
    const poll = await t
      .http()
      .get('/api/chat/messages')
      .query({ sessionId: 'off-1', unit: OFF })
      .expect(403);
    expect(poll.body).toMatchObject({ code: 'web_chat_off' });
    expect(await t.db.manager.countBy(InboxEventEntity, { unitId: OFF })).toBe(0);
    expect(await t.db.manager.countBy(ConversationEntity, { unitId: OFF })).toBe(0);
    expect(await records(OFF)).toHaveLength(0);
  });

  it('should answer and record playground turns, marked in the chain, and count them nowhere', async () => {
    const mine = await records(PLAYGROUND);
    expect(mine).toHaveLength(3);
    expect(mine.every((r) => r.channel === 'web' && r.audience === 'playground')).toBe(true);
    expect((await t.app.get(InteractionsService).verify(PLAYGROUND)).broken).toBeNull();

    const { data, manifest, csvLines } = await report(PLAYGROUND);
    expect(data.figures.interactions).toBe(0);
    expect(data.figures.citizens).toBe(0);
    expect(data.figures.byChannelLanguage).toEqual([]);
    expect(data.sample).toEqual([]);
    expect(csvLines).toHaveLength(1); // the header only
    expect(manifest.counts).toMatchObject({ interactions: 0, citizens: 0, csvRows: 0 });
    expect(manifest.counts.playgroundTurnsNotCounted).toBe(3);
    // The chain position still covers the period, so that retention can account for every record.
    expect(data.chain[0]).toMatchObject({ firstSeq: 1, lastSeq: 3 });
    expect(await dashboard(PLAYGROUND, 'day')).toEqual([]);
    expect(await dashboard(PLAYGROUND, 'channel')).toEqual([]);
  });

  it('should count public web chat turns and show them as the web chat channel', async () => {
    const mine = await records(PUBLIC);
    expect(mine.map((r) => r.audience)).toEqual(['public', 'public', 'public']);
    const { data, manifest, outDir } = await report(PUBLIC);
    expect(data.figures.interactions).toBe(3);
    expect(data.figures.citizens).toBe(2);
    expect(data.figures.byChannelLanguage.map((c) => [c.channel, c.language, c.interactions])).toEqual([
      ['web', 'vi', 2],
      ['web', 'en', 1],
    ]);
    expect(manifest.counts).toMatchObject({ interactions: 3, csvRows: 3, playgroundTurnsNotCounted: 0 });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(outDir, 'report.xlsx'));
    const channels: unknown[] = [];
    workbook.getWorksheet('Theo kênh và ngôn ngữ')!.eachRow((row) => channels.push(row.getCell(1).value));
    expect(channels).toContain('Web chat (trang web của đơn vị)');
    expect(await dashboard(PUBLIC, 'channel')).toEqual([{ key: 'web', count: 3 }]);
  });

  it('should still verify and count a record written before the audience field existed', async () => {
    // As the migration leaves it: no audience in the hashed content, NULL in the column.
    const content: ChainedContent = {
      unitId: LEGACY,
      seq: 1,
      occurredAt: at('2025-11-20T10:00:00').getTime(),
      channel: 'zalo',
      conversationId: '00000000-0000-4000-8000-000000000001',
      userKey: 'a'.repeat(64),
      language: 'vi',
      intent: 'vneid',
      topic: 'forgot_password',
      confidence: 0.9,
      userText: null,
      replyText: 'Dạ, ...',
      replyKeys: ['vneid:forgot_password.text'],
      contentVersion: '0123456789abcdef',
      planItems: ',vneid,',
      outcome: 'answered',
      satisfaction: null,
      latencyMs: 10,
      inboxEventId: null,
      prevHash: GENESIS_HASH,
    };
    const hash = chainHash(GENESIS_HASH, content);
    await t.db.manager.insert(InteractionRecordEntity, {
      ...content,
      occurredAt: new Date(content.occurredAt),
      audience: null,
      hash,
    });
    await t.db.manager.insert(InteractionChainEntity, { unitId: LEGACY, seq: 1, hash });
    expect(await t.app.get(InteractionsService).verify(LEGACY)).toMatchObject({ checked: 1, broken: null });
    const { data } = await report(LEGACY, '2025-Q4');
    expect(data.figures.interactions).toBe(1);
  });

  it("should leave playground turns out of the Department's roll-up", async () => {
    const { data, manifest } = await report('all');
    expect(data.figures.interactions).toBe(3);
    const perUnit = Object.fromEntries(data.perUnit.map((u) => [u.unit.id, u.figures.interactions]));
    expect(perUnit).toMatchObject({ [PLAYGROUND]: 0, [PUBLIC]: 3, [OFF]: 0 });
    expect(manifest.counts).toMatchObject({ interactions: 3, playgroundTurnsNotCounted: 3 });
  });
});

describe.each(testDatabases())('web chat limits and failures (%s)', (database) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      database,
      env: {
        WEB_CHAT_RATE_PER_MINUTE: '2',
        WEB_CHAT_IP_RATE_PER_MINUTE: '1000',
        WEB_CHAT_POLL_RATE_PER_MINUTE: '1000',
        WEB_CHAT_POLL_IP_RATE_PER_MINUTE: '3',
      },
    });
  });
  afterAll(() => t?.close());
  afterEach(() => jest.restoreAllMocks());

  const expectRateLimited = (res: { status: number; headers: Record<string, string>; body: unknown }) => {
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(res.body).toMatchObject({ statusCode: 429, code: 'rate_limited' });
    const message = (res.body as { message: string }).message;
    expect(message).toContain('Dạ, anh/chị');
    expect(message).toContain('Too many messages');
  };

  it('should answer 429 with Retry-After once a session sent its limit, and not store the extra one', async () => {
    await t.http().post('/api/chat').send({ sessionId: 'rate-1', text: 'xin chào' }).expect(200);
    await t.http().post('/api/chat').send({ sessionId: 'rate-1', text: 'xin chào' }).expect(200);
    const third = await t.http().post('/api/chat').send({ sessionId: 'rate-1', text: 'xin chào' });
    expectRateLimited(third);
    expect(await t.db.manager.countBy(InboxEventEntity, { userId: 'rate-1' })).toBe(2);
    // The limit is the session's: another session from the same address is answered.
    await t.http().post('/api/chat').send({ sessionId: 'rate-2', text: 'xin chào' }).expect(200);
  });

  it('should limit the messages poll per client IP, and leave the units list alone', async () => {
    for (const sessionId of ['poll-1', 'poll-2', 'poll-3'])
      await t.http().get('/api/chat/messages').query({ sessionId }).expect(200);
    expectRateLimited(await t.http().get('/api/chat/messages').query({ sessionId: 'poll-4' }));
    await t.http().get('/api/units').expect(200);
  });

  it('should log a failing turn with its correlation id and answer 500, not a silent 503', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error');
    jest
      .spyOn(t.app.get(InteractionsService), 'appendMany')
      .mockRejectedValue(new TypeError("Cannot read properties of undefined (reading 'seq')"));
    const res = await t.http().post('/api/chat').send({ sessionId: 'bug-1', text: 'xin chào' }).expect(500);
    const correlationId = res.headers['x-correlation-id'];
    expect(res.body).toMatchObject({ statusCode: 500, correlationId });
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({
        msg: 'web chat turn not answered',
        correlationId,
        error: expect.stringContaining("reading 'seq'"),
      }),
    );
  });

  it('should still answer 503 when a turn only timed out', async () => {
    const logged = jest.spyOn(Logger.prototype, 'warn');
    jest.spyOn(t.app.get(InboxWorker), 'waitFor').mockRejectedValue(new TurnTimeoutError('turn timed out'));
    const res = await t.http().post('/api/chat').send({ sessionId: 'slow-1', text: 'xin chào' }).expect(503);
    expect(res.body.message).toMatch(/could not answer right now/);
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({
        msg: 'web chat turn not answered',
        correlationId: res.headers['x-correlation-id'],
      }),
    );
  });
});
