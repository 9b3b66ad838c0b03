import { Clock, FixedClock } from '../src/common/clock';
import { ConsoleAuditEntity } from '../src/console/console-audit.entity';
import { ConsoleUserEntity } from '../src/console/console-user.entity';
import { ComplaintTicketEntity } from '../src/complaints/complaint-ticket.entity';
import { ConversationEntity } from '../src/conversation/conversation.entity';
import { ConcurrentTurnError, ConversationRepository } from '../src/conversation/conversation.repository';
import { StaffRequestEntity } from '../src/conversation/staff-request.entity';
import { TrainingExampleEntity } from '../src/console/training-example.entity';
import { InteractionRecordEntity } from '../src/interactions/interaction-record.entity';
import { OutboxMessageEntity } from '../src/outbox/outbox-message.entity';
import {
  addConsoleUser,
  consoleLogin,
  cookieOf,
  csrfIn,
  PASSWORD,
  type ConsoleSession,
} from './support/console-helpers';
import { startTestApp, testDatabases, type TestApp } from './support/test-app';

const A = 'so-y-te-khanh-hoa';
const B = 'bvdkkv-ninh-hoa';

describe.each(testDatabases())('the staff console: access rules against direct requests (%s)', (database) => {
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00+07:00'));
  let staffA: ConsoleSession;
  let viewerA: ConsoleSession;
  let ticketA: ComplaintTicketEntity;
  let ticketB: ComplaintTicketEntity;
  let conversationB: ConversationEntity;

  const chat = (sessionId: string, body: Record<string, string>, unit = A) =>
    t
      .http()
      .post('/api/chat')
      .send({ sessionId, unit, ...body })
      .expect(200);

  async function fileComplaint(sessionId: string, unit: string): Promise<ComplaintTicketEntity> {
    await chat(sessionId, { payload: 'CONSENT_YES' }, unit);
    await chat(
      sessionId,
      { text: 'I want to complain: the guard at the gate shouted at my father and refused to help him' },
      unit,
    );
    await chat(sessionId, { payload: 'complaint:file:skip' }, unit);
    await chat(sessionId, { text: 'last Monday afternoon' }, unit);
    await chat(sessionId, { payload: 'complaint:file:contact_no' }, unit);
    const conversation = await t.db.manager.findOneByOrFail(ConversationEntity, { userId: sessionId });
    return t.db.manager.findOneByOrFail(ComplaintTicketEntity, { conversationId: conversation.id });
  }

  beforeAll(async () => {
    t = await startTestApp({
      database,
      overrides: [[Clock, clock]],
      // A fanpage for unit A, so that Messenger's own window rules apply (nothing is sent to it here).
      env: {
        MESSENGER_APP_SECRET: 'console-test-secret',
        MESSENGER_VERIFY_TOKEN: 'console-test-verify',
        MESSENGER_PAGE_ID: 'PAGE_CONSOLE_A',
        MESSENGER_PAGE_ACCESS_TOKEN: 'PAGE_TOKEN_CONSOLE_A',
        MESSENGER_API_URL: 'http://127.0.0.1:9/v25.0',
      },
    });
    await addConsoleUser(t, 'staff-a@example.org', A, 'staff');
    await addConsoleUser(t, 'viewer-a@example.org', A, 'viewer');
    await addConsoleUser(t, 'admin-a@example.org', A, 'admin');
    await addConsoleUser(t, 'oversight@example.org', 'all', 'viewer');
    await addConsoleUser(t, 'locked@example.org', A, 'staff');
    ticketA = await fileComplaint('citizen-a', A);
    ticketB = await fileComplaint('citizen-b', B);
    conversationB = await t.db.manager.findOneByOrFail(ConversationEntity, { userId: 'citizen-b' });
    staffA = await consoleLogin(t, 'staff-a@example.org');
    viewerA = await consoleLogin(t, 'viewer-a@example.org');
  });
  afterAll(() => t?.close());

  // Tests that move the clock (session lifetime, lock-out) put it back, so no test sees another's time.
  const startedAt = clock.now();
  afterEach(() => clock.set(startedAt));

  it('should send a browser without a session, or with an unknown one, to the login page', async () => {
    const res = await t.http().get('/console/complaints').expect(303);
    expect(res.headers.location).toBe('/console/login?next=%2Fconsole%2Fcomplaints');
    await t.http().get('/console').set('cookie', 'console_session=forged-token').expect(303);
    const post = await t.http().post('/console/handoffs/x/release').type('form').send({ _csrf: 'x' });
    expect(post.status).toBe(303);
  });

  it('should end a session after its lifetime and after logout', async () => {
    const s = await consoleLogin(t, 'admin-a@example.org');
    await t.http().get('/console').set('cookie', s.cookie).expect(200);
    clock.advance(13 * 3600_000);
    const expired = await t.http().get('/console').set('cookie', s.cookie);
    expect(expired.headers.location).toBe('/console/login?next=%2Fconsole');
    clock.advance(-13 * 3600_000);
    const again = await consoleLogin(t, 'admin-a@example.org');
    await t
      .http()
      .post('/console/logout')
      .set('cookie', again.cookie)
      .type('form')
      .send({ _csrf: again.csrf })
      .expect(303);
    await t.http().get('/console').set('cookie', again.cookie).expect(303);
  });

  it('should let an administrator disable an account of his unit, which ends its sessions at once', async () => {
    await addConsoleUser(t, 'leaving@example.org', A, 'staff');
    const leaving = await consoleLogin(t, 'leaving@example.org');
    await t.http().get('/console').set('cookie', leaving.cookie).expect(200);
    const admin = await consoleLogin(t, 'admin-a@example.org');
    const user = await t.db.manager.findOneByOrFail(ConsoleUserEntity, { email: 'leaving@example.org' });
    // Staff may not; the administrator may, but not for himself.
    await t
      .http()
      .post(`/console/users/${user.id}/active`)
      .set('cookie', staffA.cookie)
      .type('form')
      .send({ _csrf: staffA.csrf, active: 'false' })
      .expect(403);
    const self = await t.db.manager.findOneByOrFail(ConsoleUserEntity, { email: 'admin-a@example.org' });
    const own = await t
      .http()
      .post(`/console/users/${self.id}/active`)
      .set('cookie', admin.cookie)
      .type('form')
      .send({ _csrf: admin.csrf, active: 'false' })
      .expect(303);
    expect(own.headers.location).toBe('/console/users?done=user_self');
    const res = await t
      .http()
      .post(`/console/users/${user.id}/active`)
      .set('cookie', admin.cookie)
      .type('form')
      .send({ _csrf: admin.csrf, active: 'false' })
      .expect(303);
    expect(res.headers.location).toBe('/console/users?done=user_disabled');
    expect((await t.http().get('/console').set('cookie', leaving.cookie)).status).toBe(303);
    await expect(consoleLogin(t, 'leaving@example.org')).rejects.toThrow();
    const audit = await t.db.manager.findOneByOrFail(ConsoleAuditEntity, { action: 'user_active' });
    expect(audit).toMatchObject({ email: 'admin-a@example.org', detail: 'disabled' });
  });

  it('should keep sessions as httpOnly, SameSite cookies and store only a hash of the token', async () => {
    const form = await t.http().get('/console/login');
    const pre = cookieOf(form.headers, 'console_pre')!;
    const res = await t
      .http()
      .post('/console/login')
      .set('cookie', `console_pre=${pre}`)
      .type('form')
      .send({ _csrf: csrfIn(form.text), email: 'viewer-a@example.org', password: PASSWORD })
      .expect(303);
    const header = (res.headers['set-cookie'] as unknown as string[]).find((c) =>
      c.startsWith('console_session='),
    )!;
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Lax/);
    const token = cookieOf(res.headers, 'console_session')!;
    const rows = await t.db.manager.query<{ tokenHash: string }[]>('SELECT "tokenHash" FROM console_session');
    expect(rows.some((r) => r.tokenHash === token)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.tokenHash))).toBe(true);
  });

  it('should refuse a form without the CSRF token of its own session', async () => {
    await t
      .http()
      .post(`/console/complaints/${ticketA.id}/status`)
      .set('cookie', staffA.cookie)
      .type('form')
      .send({ status: 'resolved' })
      .expect(403);
    await t
      .http()
      .post(`/console/complaints/${ticketA.id}/status`)
      .set('cookie', staffA.cookie)
      .type('form')
      .send({ status: 'resolved', _csrf: viewerA.csrf })
      .expect(403);
    const form = await t.http().get('/console/login');
    await t
      .http()
      .post('/console/login')
      .type('form')
      .send({ _csrf: csrfIn(form.text), email: 'staff-a@example.org', password: PASSWORD })
      .expect(403);
    expect((await t.db.manager.findOneByOrFail(ComplaintTicketEntity, { id: ticketA.id })).status).toBe(
      'received',
    );
  });

  it('should lock an account after repeated failures and say so clearly', async () => {
    const form = await t.http().get('/console/login');
    const pre = cookieOf(form.headers, 'console_pre')!;
    const attempt = (password: string) =>
      t
        .http()
        .post('/console/login')
        .set('cookie', `console_pre=${pre}`)
        .type('form')
        .send({ _csrf: csrfIn(form.text), email: 'locked@example.org', password });
    for (let i = 0; i < 4; i++) expect((await attempt('wrong-password')).status).toBe(401);
    const fifth = await attempt('wrong-password');
    expect(fifth.status).toBe(429);
    expect(fifth.text).toContain('tạm khóa');
    expect((await attempt(PASSWORD)).status).toBe(429);
    clock.advance(16 * 60_000);
    expect((await attempt(PASSWORD)).status).toBe(303);
  });

  it('should not let a viewer change a ticket or reply', async () => {
    await t
      .http()
      .post(`/console/complaints/${ticketA.id}/status`)
      .set('cookie', viewerA.cookie)
      .type('form')
      .send({ _csrf: viewerA.csrf, status: 'resolved' })
      .expect(403);
    await t
      .http()
      .post(`/console/complaints/${ticketA.id}/reply`)
      .set('cookie', viewerA.cookie)
      .type('form')
      .send({ _csrf: viewerA.csrf, text: 'hello' })
      .expect(403);
    await t.http().get('/console/users').set('cookie', viewerA.cookie).expect(403);
    const page = await t
      .http()
      .get(`/console/complaints/${ticketA.id}`)
      .set('cookie', viewerA.cookie)
      .expect(200);
    expect(page.text).not.toContain('id="status-form"');
    expect((await t.db.manager.findOneByOrFail(ComplaintTicketEntity, { id: ticketA.id })).status).toBe(
      'received',
    );
  });

  it("should answer 404 for another unit's data, on pages and direct URLs", async () => {
    const list = await t.http().get('/console/complaints').set('cookie', staffA.cookie).expect(200);
    expect(list.text).toContain(ticketA.code);
    expect(list.text).not.toContain(ticketB.code);
    await t.http().get(`/console/complaints/${ticketB.id}`).set('cookie', staffA.cookie).expect(404);
    await t.http().get(`/console/conversations/${conversationB.id}`).set('cookie', staffA.cookie).expect(404);
    await t.http().get(`/console?unit=${B}`).set('cookie', staffA.cookie).expect(404);
    await t.http().get(`/console/conversations?unit=${B}`).set('cookie', staffA.cookie).expect(404);
    for (const [path, body] of [
      [`/console/complaints/${ticketB.id}/status`, { status: 'resolved' }],
      [`/console/complaints/${ticketB.id}/reply`, { text: 'x' }],
      [`/console/handoffs/${conversationB.id}/reply`, { text: 'x' }],
      [`/console/handoffs/${conversationB.id}/release`, {}],
      ['/console/reports', { unit: B, period: '2026-Q4' }],
    ] as const) {
      await t
        .http()
        .post(path)
        .set('cookie', staffA.cookie)
        .type('form')
        .send({ _csrf: staffA.csrf, ...body })
        .expect(404);
    }
    const turns = await t.http().get('/console/conversations').set('cookie', staffA.cookie).expect(200);
    expect(turns.text).not.toContain(conversationB.id);
    expect((await t.db.manager.findOneByOrFail(ComplaintTicketEntity, { id: ticketB.id })).status).toBe(
      'received',
    );
  });

  it('should let an oversight account see every unit', async () => {
    const s = await consoleLogin(t, 'oversight@example.org');
    const list = await t.http().get('/console/complaints').set('cookie', s.cookie).expect(200);
    expect(list.text).toContain(ticketA.code);
    expect(list.text).toContain(ticketB.code);
    await t.http().get(`/console/complaints/${ticketB.id}`).set('cookie', s.cookie).expect(200);
  });

  it('should change a status with a note, and keep numbers out of the audit trail', async () => {
    // A ticket of its own: the other tests find ticket A as it was filed, whatever their order.
    const ticket = await fileComplaint('citizen-a-status', A);
    await t
      .http()
      .post(`/console/complaints/${ticket.id}/status`)
      .set('cookie', staffA.cookie)
      .type('form')
      .send({ _csrf: staffA.csrf, status: 'in_progress', note: 'đã gọi lại số 0912 345 678' })
      .expect(303);
    expect((await t.db.manager.findOneByOrFail(ComplaintTicketEntity, { id: ticket.id })).status).toBe(
      'in_progress',
    );
    expect((await t.db.manager.findOneByOrFail(ComplaintTicketEntity, { id: ticketA.id })).status).toBe(
      'received',
    );
    const audit = await t.db.manager.findOneByOrFail(ConsoleAuditEntity, {
      action: 'ticket_status',
      target: ticket.code,
    });
    expect(audit.email).toBe('staff-a@example.org');
    expect(audit.detail).not.toContain('0912');
  });

  it('should deliver a staff reply to the web chat and never record it as an interaction', async () => {
    const before = await t.db.manager.count(InteractionRecordEntity);
    const res = await t
      .http()
      .post(`/console/complaints/${ticketA.id}/reply`)
      .set('cookie', staffA.cookie)
      .type('form')
      .send({ _csrf: staffA.csrf, text: 'Đơn vị đã xử lý, xin liên hệ 0905 000 111' })
      .expect(303);
    expect(res.headers.location).toContain('done=reply_sent');
    const messages = await t
      .http()
      .get('/api/chat/messages')
      .query({ sessionId: 'citizen-a', unit: A })
      .expect(200);
    const staff = (messages.body as { origin: string; text: string }[]).filter((m) => m.origin === 'staff');
    // The answer goes out as a notice in the citizen's language, with the code and how to look it up.
    expect(staff).toHaveLength(1);
    expect(staff[0].text).toContain(ticketA.code);
    expect(staff[0].text).toContain('Đơn vị đã xử lý, xin liên hệ 0905 000 111');
    expect(await t.db.manager.count(InteractionRecordEntity)).toBe(before);
  });

  /** A conversation of its own for a test that rewrites its channel (no other test reads it). */
  async function ownConversation(sessionId: string): Promise<ConversationEntity> {
    await chat(sessionId, { payload: 'CONSENT_YES' });
    return t.db.manager.findOneByOrFail(ConversationEntity, { userId: sessionId });
  }

  it('should say why a reply cannot go out when the channel does not allow it, and not pretend', async () => {
    const conversation = await ownConversation('citizen-a-zalo');
    await t.db.manager.update(ConversationEntity, { id: conversation.id }, { channel: 'zalo' });
    const res = await t
      .http()
      .post(`/console/handoffs/${conversation.id}/reply`)
      .set('cookie', staffA.cookie)
      .type('form')
      .send({ _csrf: staffA.csrf, text: 'xin chào' })
      .expect(303);
    expect(res.headers.location).toContain('done=reply_not_sent&why=no_account');
    const page = await t.http().get(res.headers.location).set('cookie', staffA.cookie).expect(200);
    expect(page.text).toContain('chưa cấu hình tài khoản');
  });

  it('should refuse a Messenger reply after 24 hours, say why, and queue nothing', async () => {
    const conversation = await ownConversation('citizen-a-messenger');
    await t.db.manager.update(
      ConversationEntity,
      { id: conversation.id },
      { channel: 'messenger', lastUserMessageAt: new Date(clock.now().getTime() - 30 * 3600_000) },
    );
    const queued = await t.db.manager.count(OutboxMessageEntity);
    const res = await t
      .http()
      .post(`/console/handoffs/${conversation.id}/reply`)
      .set('cookie', staffA.cookie)
      .type('form')
      .send({ _csrf: staffA.csrf, text: 'xin chào' })
      .expect(303);
    expect(res.headers.location).toContain('done=reply_not_sent&why=messenger_24h');
    const page = await t.http().get(res.headers.location).set('cookie', staffA.cookie).expect(200);
    expect(page.text).toContain('24 giờ');
    expect(await t.db.manager.count(OutboxMessageEntity)).toBe(queued);
  });

  it('should list a hand-off, reply to it and give it back to the bot', async () => {
    await chat('citizen-h', { payload: 'CONSENT_YES' });
    await chat('citizen-h', { text: 'cho tôi gặp nhân viên' });
    const conversation = await t.db.manager.findOneByOrFail(ConversationEntity, { userId: 'citizen-h' });
    expect(conversation.handoffUntil).not.toBeNull();
    const page = await t.http().get('/console/handoffs').set('cookie', staffA.cookie).expect(200);
    expect(page.text).toContain(`/console/handoffs/${conversation.id}/release`);
    await t
      .http()
      .post(`/console/handoffs/${conversation.id}/release`)
      .set('cookie', staffA.cookie)
      .type('form')
      .send({ _csrf: staffA.csrf })
      .expect(303);
    expect(
      (await t.db.manager.findOneByOrFail(ConversationEntity, { id: conversation.id })).handoffUntil,
    ).toBeNull();
    const requests = await t.db.manager.findBy(StaffRequestEntity, { conversationId: conversation.id });
    expect(requests.map((r) => [r.status, r.closedBy])).toEqual([['closed', 'staff-a@example.org']]);
    expect((await chat('citizen-h', { text: 'quên mật khẩu vneid' })).body.intent).toBe('vneid');
  });

  it('should not let a turn that read the conversation before a release write the hand-off back', async () => {
    await chat('citizen-r', { payload: 'CONSENT_YES' });
    await chat('citizen-r', { text: 'cho tôi gặp nhân viên' });
    // A turn in flight: it has read the conversation (still handed off) and not saved it yet.
    const stale = await t.db.manager.findOneByOrFail(ConversationEntity, { userId: 'citizen-r' });
    expect(stale.handoffUntil).not.toBeNull();
    await t
      .http()
      .post(`/console/handoffs/${stale.id}/release`)
      .set('cookie', staffA.cookie)
      .type('form')
      .send({ _csrf: staffA.csrf })
      .expect(303);
    const repository = t.app.get(ConversationRepository);
    await expect(
      t.db.transaction((manager) => repository.saveTurn(manager, stale, stale.turnCount)),
    ).rejects.toBeInstanceOf(ConcurrentTurnError);
    expect(
      (await t.db.manager.findOneByOrFail(ConversationEntity, { id: stale.id })).handoffUntil,
    ).toBeNull();
  });

  it('should add an unanswered question as a training example and retrain', async () => {
    await chat('citizen-f', { payload: 'CONSENT_YES' });
    await chat('citizen-f', { text: 'xyzzy plugh frobnicate' });
    const record = await t.db.manager.findOneByOrFail(InteractionRecordEntity, {
      userText: 'xyzzy plugh frobnicate',
    });
    expect(record.outcome).toBe('fallback');
    const page = await t.http().get('/console/unanswered').set('cookie', staffA.cookie).expect(200);
    expect(page.text).toContain('xyzzy plugh frobnicate');
    await t
      .http()
      .post('/console/unanswered/train')
      .set('cookie', staffA.cookie)
      .type('form')
      .send({ _csrf: staffA.csrf, recordId: String(record.id), target: 'vneid:forgot_password' })
      .expect(303);
    const examples = await t.db.manager.find(TrainingExampleEntity);
    expect(examples.map((e) => [e.intent, e.topic, e.text])).toEqual([
      ['vneid', 'forgot_password', 'xyzzy plugh frobnicate'],
    ]);
    const after = await t.http().get('/console/unanswered').set('cookie', staffA.cookie).expect(200);
    // It leaves the questions to teach from, and is listed among the examples staff added.
    const [questions, added] = after.text.split('id="training-examples"');
    expect(questions).not.toContain('xyzzy plugh frobnicate');
    expect(added).toContain('xyzzy plugh frobnicate');
    expect(await t.db.manager.countBy(ConsoleAuditEntity, { action: 'training_add' })).toBe(1);
  });
});
