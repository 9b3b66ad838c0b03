import { CampaignRecipientEntity } from '../src/campaigns/campaign-recipient.entity';
import { CampaignEntity } from '../src/campaigns/campaign.entity';
import { Clock, FixedClock } from '../src/common/clock';
import { ConsoleAuditEntity } from '../src/console/console-audit.entity';
import { ConversationEntity } from '../src/conversation/conversation.entity';
import { addConsoleUser, consoleLogin, type ConsoleSession } from './support/console-helpers';
import { subscribe } from './support/subscriptions';
import { eventually, startTestApp, testDatabases, type TestApp } from './support/test-app';
import { unitsFileWith } from './support/units-file';

const A = 'so-y-te-khanh-hoa';
const B = 'bvdkkv-ninh-hoa';

describe.each(testDatabases())('the console campaigns, through HTTP (%s)', (database) => {
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00+07:00'));
  let staffA: ConsoleSession;
  let adminA: ConsoleSession;
  let otherAdminA: ConsoleSession;
  let staffB: ConsoleSession;

  const valid = {
    title: 'Nhắc gia hạn thẻ BHYT',
    planItem: 'health_insurance',
    textVi: 'Thẻ BHYT hộ gia đình hết hạn vào 31/12. Anh/chị vui lòng gia hạn sớm.',
    textEn: '',
  };

  /** A form POST as the browser sends it (repeated keys for checkboxes). */
  const post = (s: ConsoleSession, path: string, fields: Record<string, string | string[]> = {}) => {
    const form = new URLSearchParams({ _csrf: s.csrf });
    for (const [k, v] of Object.entries(fields))
      for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
    return t.http().post(path).set('cookie', s.cookie).type('form').send(form.toString());
  };
  const get = (s: ConsoleSession, path: string) => t.http().get(path).set('cookie', s.cookie);
  const count = () => t.db.manager.count(CampaignEntity);
  const draft = async (s: ConsoleSession, fields: Record<string, string | string[]> = {}) => {
    const res = await post(s, '/console/campaigns', { ...valid, ...fields }).expect(303);
    return Number(/\/console\/campaigns\/(\d+)/.exec(res.headers.location)![1]);
  };
  const statusOf = async (id: number) => (await t.db.manager.findOneByOrFail(CampaignEntity, { id })).status;

  /** A web chat citizen of `unit` with a conversation (and, when asked, subscribed). */
  async function citizen(sessionId: string, subscribed: boolean, unit = A): Promise<ConversationEntity> {
    await t.http().post('/api/chat').send({ sessionId, unit, payload: 'CONSENT_YES' }).expect(200);
    await t.http().post('/api/chat').send({ sessionId, unit, text: 'xin chào' }).expect(200);
    const c = await t.db.manager.findOneByOrFail(ConversationEntity, { userId: sessionId, unitId: unit });
    if (subscribed) await subscribe(t, c.id);
    return c;
  }

  beforeAll(async () => {
    t = await startTestApp({
      database,
      overrides: [[Clock, clock]],
      env: { UNITS_FILE: unitsFileWith({ [A]: 'public' }), CAMPAIGN_QUIET_HOURS: 'off' },
    });
    await addConsoleUser(t, 'staff-a@example.org', A, 'staff');
    await addConsoleUser(t, 'admin-a@example.org', A, 'admin');
    await addConsoleUser(t, 'admin2-a@example.org', A, 'admin');
    await addConsoleUser(t, 'staff-b@example.org', B, 'staff');
    staffA = await consoleLogin(t, 'staff-a@example.org');
    adminA = await consoleLogin(t, 'admin-a@example.org');
    otherAdminA = await consoleLogin(t, 'admin2-a@example.org');
    staffB = await consoleLogin(t, 'staff-b@example.org');
  });
  afterAll(() => t?.close());

  it('should refuse a bad draft with the reason next to its field, keep what was typed and create nothing', async () => {
    // Each case: the fields changed, the field blamed, the message, and something typed that comes back.
    const cases: [Record<string, string>, string, string, string][] = [
      [{ textVi: '   ', textEn: '' }, 'textVi', 'Nội dung tin nhắn còn trống', `value="${valid.title}"`],
      [
        { textVi: 'a'.repeat(2001) },
        'textVi',
        'Nội dung có 2001 ký tự; Messenger và Zalo chỉ nhận tối đa 2000',
        `>${'a'.repeat(2001)}</textarea>`,
      ],
      [
        { buttonUrl: 'https://example.com/bhyt', buttonTitleVi: 'Xem thêm' },
        'buttonUrl',
        'example.com không thuộc danh sách',
        'value="https://example.com/bhyt"',
      ],
      [
        { planItem: 'lottery' },
        'planItem',
        'Vui lòng chọn một nội dung trong kế hoạch tuyên truyền',
        `>${valid.textVi}</textarea>`,
      ],
    ];
    for (const [fields, field, message, kept] of cases) {
      const res = await post(staffA, '/console/campaigns', { ...valid, ...fields }).expect(400);
      const error = new RegExp(`id="error-${field}" role="alert">([^<]*)<`).exec(res.text);
      expect(error?.[1]).toContain(message);
      expect(res.text).toContain(kept);
    }
    expect(await count()).toBe(0);
    // The allowed domains and the limit are shown by the fields.
    const form = await get(staffA, '/console/campaigns').expect(200);
    expect(form.text).toMatch(/id="allowed-domains"[^>]*>[^<]*gov\.vn/);
    expect(form.text).toContain('Tối đa 2000 ký tự');
  });

  it('should let staff draft, and only an administrator other than the author approve', async () => {
    const id = await draft(staffA, { channels: ['web'] });
    const c = await t.db.manager.findOneByOrFail(CampaignEntity, { id });
    expect(c).toMatchObject({
      status: 'draft',
      createdBy: 'staff-a@example.org',
      unitId: A,
      channels: ',web,',
    });
    // Staff may not approve at all.
    await post(staffA, `/console/campaigns/${id}/approve`, { when: 'now' }).expect(403);
    expect(await statusOf(id)).toBe('draft');
    // An administrator may not approve his own draft.
    const own = await draft(adminA);
    const refused = await post(adminA, `/console/campaigns/${own}/approve`, { when: 'now' }).expect(409);
    expect(refused.text).toContain('phải do một quản trị viên khác người soạn phê duyệt');
    expect(await statusOf(own)).toBe('draft');
    // The page does not even offer the author the approval form.
    expect((await get(adminA, `/console/campaigns/${own}`).expect(200)).text).not.toContain(
      'id="approve-form"',
    );
    expect((await get(otherAdminA, `/console/campaigns/${own}`).expect(200)).text).toContain(
      'id="approve-form"',
    );
  });

  it('should refuse to send a campaign that is not approved', async () => {
    const id = await draft(staffA);
    const res = await post(staffA, `/console/campaigns/${id}/send`).expect(409);
    expect(res.text).toContain('chỉ được gửi sau khi đã được phê duyệt');
    expect(await statusOf(id)).toBe('draft');
    await clockTick();
    expect(await t.db.manager.countBy(CampaignRecipientEntity, { campaignId: id })).toBe(0);
  });

  it("should show another unit's campaign to nobody of that other unit", async () => {
    const id = await draft(staffA, { title: 'Chỉ đơn vị A' });
    await get(staffB, `/console/campaigns/${id}`).expect(404);
    await post(staffB, `/console/campaigns/${id}/cancel`).expect(404);
    expect((await get(staffB, '/console/campaigns').expect(200)).text).not.toContain('Chỉ đơn vị A');
    // Nor may he draft for unit A by naming it.
    await post(staffB, '/console/campaigns', { ...valid, unit: A }).expect(404);
    expect(await t.db.manager.countBy(CampaignEntity, { unitId: B })).toBe(0);
    expect(await statusOf(id)).toBe('draft');
  });

  it('should send an approved campaign to the web chat subscribers and show the result', async () => {
    const subscribed = await citizen('campaign-web-1', true);
    await citizen('campaign-web-2', false);
    const id = await draft(staffA, { channels: ['web'], title: 'Tin VNeID', planItem: 'vneid' });
    const before = await get(staffA, `/console/campaigns/${id}`).expect(200);
    expect(cell(before.text, 'preview', 'web', 'toSend')).toBe('1');
    expect(cell(before.text, 'preview', 'web', 'notSubscribed')).toBe('1');
    expect(before.text).toContain('chưa đăng ký gói tin truyền thông Zalo');
    await post(otherAdminA, `/console/campaigns/${id}/approve`, { when: 'now' }).expect(303);
    await eventually(async () => (await statusOf(id)) === 'done', 15_000);
    const recipients = await t.db.manager.findBy(CampaignRecipientEntity, { campaignId: id });
    expect(recipients.map((r) => [r.conversationId === subscribed.id, r.state]).sort()).toEqual([
      [false, 'not_subscribed'],
      [true, 'sent'],
    ]);
    const after = await get(staffA, `/console/campaigns/${id}`).expect(200);
    expect(cell(after.text, 'progress', 'web', 'sent')).toBe('1');
    expect(cell(after.text, 'progress', 'web', 'not_subscribed')).toBe('1');
    expect(after.text).toContain('data-status="done"');
    const list = await get(staffA, '/console/campaigns').expect(200);
    expect(list.text).toMatch(new RegExp(`data-id="${id}"[\\s\\S]*?admin2-a@example.org[\\s\\S]*?1 / 2`));
  });

  it('should let staff cancel a draft, and record every action with who did it', async () => {
    const id = await draft(staffA, { title: 'Sẽ hủy' });
    await post(staffA, `/console/campaigns/${id}/cancel`).expect(303);
    expect(await statusOf(id)).toBe('cancelled');
    await post(otherAdminA, `/console/campaigns/${id}/approve`, { when: 'now' }).expect(409);
    const rows = await t.db.manager.find(ConsoleAuditEntity, { order: { id: 'ASC' } });
    const mine = rows.filter((r) => r.target === `campaign ${id}`).map((r) => [r.email, r.action, r.detail]);
    expect(mine).toEqual([
      ['staff-a@example.org', 'campaign_draft', 'Sẽ hủy (health_insurance)'],
      ['staff-a@example.org', 'campaign_cancel', 'Sẽ hủy: was draft'],
      ['admin2-a@example.org', 'campaign_approve', 'refused (not_draft): Sẽ hủy'],
    ]);
    expect(
      rows.some((r) => r.action === 'campaign_approve' && r.detail?.startsWith('refused (self_approval)')),
    ).toBe(true);
    expect(
      rows.some((r) => r.action === 'campaign_send' && r.detail?.startsWith('refused (not_approved)')),
    ).toBe(true);
    const audit = await get(adminA, '/console/audit').expect(200);
    for (const label of ['Soạn chiến dịch tin nhắn', 'Phê duyệt chiến dịch', 'Hủy chiến dịch'])
      expect(audit.text).toContain(label);
  });

  /** Lets the runner take a turn (it ticks every second) so that "nothing happened" means something. */
  async function clockTick(): Promise<void> {
    await new Promise((r) => setTimeout(r, 1500));
  }
});

/** The number in a cell of the preview (data-rule) or progress (data-state) table. */
function cell(page: string, table: string, channel: string, key: string): string | undefined {
  const section = new RegExp(`<table class="list" id="${table}">([\\s\\S]*?)</table>`).exec(page)?.[1] ?? '';
  const row = new RegExp(`<tr data-channel="${channel}">([\\s\\S]*?)</tr>`).exec(section)?.[1] ?? '';
  return new RegExp(`data-(?:rule|state)="${key}">\\s*(\\d+)\\s*<`).exec(row)?.[1];
}
