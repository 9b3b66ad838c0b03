import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixedClock, Clock } from '../src/common/clock';
import { StaffRequestEntity } from '../src/conversation/staff-request.entity';
import { ConversationEntity } from '../src/conversation/conversation.entity';
import { fromRoot } from '../src/common/project-root';
import { startTestApp, testDatabases, type TestApp } from './support/test-app';

// A unit that has filled in its office hours: Mon–Fri 07:00–11:30 and 13:30–17:00, local time.
function unitsWithHours(dir: string): string {
  const sample = readFileSync(fromRoot('units.yaml'), 'utf8').replace(
    /( {2}- id: so-y-te-khanh-hoa[\s\S]*?) {4}officeHours: TO_FILL\n/,
    `$1    officeHours:\n      mon: ["07:00-11:30", "13:30-17:00"]\n      tue: ["07:00-11:30", "13:30-17:00"]\n      wed: ["07:00-11:30", "13:30-17:00"]\n      thu: ["07:00-11:30", "13:30-17:00"]\n      fri: ["07:00-11:30", "13:30-17:00"]\n`,
  );
  const file = join(dir, 'units.yaml');
  writeFileSync(file, sample);
  return file;
}

describe.each(testDatabases())('hand-off to a person (%s)', (database) => {
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00+07:00')); // a Monday morning

  beforeAll(async () => {
    t = await startTestApp({ database, overrides: [[Clock, clock]] });
  });
  afterAll(() => t?.close());

  const chat = async (sessionId: string, body: Record<string, string>) =>
    (
      await t
        .http()
        .post('/api/chat')
        .send({ sessionId, ...body })
        .expect(200)
    ).body as {
      replies: { text: string; quickReplies?: { payload: string }[] }[];
      intent: string;
    };

  it('should hand over at once when the unit has not given its hours, and stay silent until the time runs out', async () => {
    await chat('h-1', { payload: 'CONSENT_YES' });
    const handed = await chat('h-1', { text: 'cho tôi gặp nhân viên' });
    expect(handed.intent).toBe('human');
    const conversation = await t.db.manager.findOneByOrFail(ConversationEntity, { userId: 'h-1' });
    expect(conversation.handoffUntil!.getTime() - clock.now().getTime()).toBe(24 * 3600_000);
    const requests = await t.db.manager.findBy(StaffRequestEntity, {
      conversationId: conversation.id,
      kind: 'handoff',
    });
    expect(requests).toHaveLength(1);

    expect((await chat('h-1', { text: 'quên mật khẩu vneid' })).replies).toEqual([]);
    clock.advance(25 * 3600_000);
    expect((await chat('h-1', { text: 'quên mật khẩu vneid' })).intent).toBe('vneid');
  });
});

describe('hand-off after office hours', () => {
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T20:30:00+07:00')); // Monday evening

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'units-'));
    t = await startTestApp({ env: { UNITS_FILE: unitsWithHours(dir) }, overrides: [[Clock, clock]] });
  });
  afterAll(() => t?.close());

  const chat = async (sessionId: string, body: Record<string, string>) =>
    (
      await t
        .http()
        .post('/api/chat')
        .send({ sessionId, ...body })
        .expect(200)
    ).body as {
      replies: { text: string; quickReplies?: { payload: string }[] }[];
      intent: string;
      topic?: string;
    };

  it('should say when staff are back and offer a callback or a ticket before handing over', async () => {
    await chat('n-1', { payload: 'CONSENT_YES' });
    const res = await chat('n-1', { text: 'tôi muốn gặp nhân viên' });
    const text = res.replies.map((r) => r.text).join('\n');
    expect(text).toContain('ngoài giờ làm việc');
    expect(text).toMatch(/07:00.*24\/11|24\/11.*07:00/);
    expect(res.replies.flatMap((r) => r.quickReplies ?? []).map((q) => q.payload)).toEqual([
      'human:callback',
      'complaint:file',
      'human:handoff',
    ]);
    const conversation = await t.db.manager.findOneByOrFail(ConversationEntity, { userId: 'n-1' });
    expect(conversation.handoffUntil).toBeNull();
  });

  it('should take a callback request with a number, keep the number sealed, and let the bot go on', async () => {
    await chat('n-2', { payload: 'CONSENT_YES' });
    await chat('n-2', { payload: 'human:callback' });
    const done = await chat('n-2', { text: 'gọi cho tôi số 0912 345 678' });
    expect(done.replies[0].text).toContain('yêu cầu gọi lại');
    const conversation = await t.db.manager.findOneByOrFail(ConversationEntity, { userId: 'n-2' });
    const [request] = await t.db.manager.findBy(StaffRequestEntity, {
      conversationId: conversation.id,
      kind: 'callback',
    });
    expect(request.contact).toMatch(/^enc1:/);
    expect(request.contact).not.toContain('0912');
    expect((await chat('n-2', { text: 'bhyt hộ gia đình đóng bao nhiêu' })).intent).toBe('health_insurance');
  });

  it('should still hand over when the citizen prefers to wait for staff', async () => {
    await chat('n-3', { payload: 'CONSENT_YES' });
    const res = await chat('n-3', { payload: 'human:handoff' });
    expect(res.replies[0].text).toContain('07:00');
    expect((await chat('n-3', { text: 'alo' })).replies).toEqual([]);
  });
});

describe('hand-off when the unit has a hotline but no office hours', () => {
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T20:30:00+07:00'));

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'units-'));
    const file = join(dir, 'units.yaml');
    // A test number, not a real one: the Department's first hotline filled in, its hours still TO_FILL.
    writeFileSync(
      file,
      readFileSync(fromRoot('units.yaml'), 'utf8').replace(
        /( {2}- id: so-y-te-khanh-hoa[\s\S]*?hotlines:\n[^\n]*\n) {8}phone: TO_FILL\n/,
        '$1        phone: "0258 000 111"\n',
      ),
    );
    t = await startTestApp({ env: { UNITS_FILE: file }, overrides: [[Clock, clock]] });
  });
  afterAll(() => t?.close());

  it('should give the hotline and promise no time before it falls silent', async () => {
    const chat = async (body: Record<string, string>) =>
      (
        await t
          .http()
          .post('/api/chat')
          .send({ sessionId: 'u-1', ...body })
          .expect(200)
      ).body as { replies: { text: string }[] };
    await chat({ payload: 'CONSENT_YES' });
    const text = (await chat({ text: 'cho tôi gặp nhân viên' })).replies.map((r) => r.text).join('\n');
    expect(text).toContain('Đường dây nóng: 0258 000 111');
    expect(text).toContain('không hẹn được giờ cụ thể');
    expect(text).toContain('115');
    expect((await chat({ text: 'alo' })).replies).toEqual([]);
  });
});
