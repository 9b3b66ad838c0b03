import { Clock, FixedClock } from '../src/common/clock';
import { ComplaintTicketEntity } from '../src/complaints/complaint-ticket.entity';
import { ComplaintsService } from '../src/complaints/complaints.service';
import { ConversationEntity } from '../src/conversation/conversation.entity';
import { TicketNoticesService } from '../src/notices/ticket-notices.service';
import { graphFake, zaloFake, type PlatformFake } from './fakes/platform-fake';
import { fixture, settle } from './support/channel-helpers';
import {
  MESSENGER_SECRET as SECRET,
  messengerCitizen,
  ZALO_APP as APP,
  ZALO_KEY as KEY,
  zaloCitizen,
} from './support/citizens';
import { eventually, startTestApp, testDatabases, type TestApp } from './support/test-app';

const PAGE = 'PAGE_ID_0001';
const OA = 'ZALO_OA_ID_0001';
const HOUR = 3600_000;
const NOW = new Date('2026-06-10T03:00:00Z');

type Body = {
  recipient: { id?: string; user_id?: string };
  messaging_type?: string;
  tag?: string;
  message?: { text?: string };
};

describe.each(testDatabases())('Ticket notices (%s)', (database) => {
  let t: TestApp;
  let graph: PlatformFake;
  let zalo: PlatformFake;
  const clock = new FixedClock(NOW);

  beforeAll(async () => {
    graph = graphFake();
    zalo = zaloFake();
    const graphUrl = await graph.start();
    const zaloUrl = await zalo.start();
    t = await startTestApp({
      database,
      overrides: [[Clock, clock]],
      env: {
        MESSENGER_APP_SECRET: SECRET,
        MESSENGER_VERIFY_TOKEN: 'meatyhamhock',
        MESSENGER_PAGE_ID: PAGE,
        MESSENGER_PAGE_ACCESS_TOKEN: 'PAGE_ACCESS_TOKEN_PLACEHOLDER',
        MESSENGER_API_URL: `${graphUrl}/v25.0`,
        ZALO_APP_ID: APP,
        ZALO_APP_SECRET: 'ZALO_APP_SECRET_PLACEHOLDER',
        ZALO_OA_ID: OA,
        ZALO_OA_SECRET_KEY: KEY,
        ZALO_ACCESS_TOKEN: 'ZALO_OA_ACCESS_TOKEN_PLACEHOLDER',
        ZALO_REFRESH_TOKEN: 'ZALO_REFRESH_TOKEN_PLACEHOLDER',
        ZALO_API_URL: zaloUrl,
        ZALO_OAUTH_URL: zaloUrl,
        CHANNEL_HTTP_TIMEOUT_MS: '1000',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await graph?.stop();
    await zalo?.stop();
  });
  beforeEach(async () => {
    clock.set(NOW);
    await settle(t.db);
    graph.clear();
    zalo.clear();
  });

  const messengerUser = (psid: string, at: Date) => messengerCitizen(t, psid, at);
  const zaloUser = (user: string, at: Date) => zaloCitizen(t, user, at, 'Hello');
  const ticketFor = async (conversation: ConversationEntity) => {
    await settle(t.db);
    return t.app.get(ComplaintsService).create({
      unitId: conversation.unitId,
      conversationId: conversation.id,
      channel: conversation.channel,
      language: conversation.language === 'en' ? 'en' : 'vi',
      description: 'Chờ khám quá lâu',
      location: null,
      occurredWhen: null,
      contact: null,
      consented: true,
    });
  };
  const noticeOf = (id: number, status: string) =>
    eventually(async () => {
      const ticket = await t.db.manager.findOneBy(ComplaintTicketEntity, { id });
      return ticket?.noticeStatus === status ? ticket : null;
    });
  const notices = () => t.app.get(TicketNoticesService);

  it('should tell the citizen on Messenger within 24 hours, as an update for a status change and as a response for a reply', async () => {
    const c = await messengerUser(`PSID_N1_${database}`, new Date(NOW.getTime() - 2 * HOUR));
    const ticket = await ticketFor(c);
    graph.clear();

    const resolved = await notices().notify(
      ticket,
      'resolved',
      'Đã bố trí thêm bàn khám.',
      'staff@example.vn',
    );
    expect(resolved.sent).toBe(true);
    await noticeOf(ticket.id, 'sent');
    const update = graph
      .on('POST /v25.0/me/messages')
      .map((r) => r.body as Body)
      .filter((b) => b.recipient.id === c.userId && b.message);
    expect(update).toHaveLength(1);
    expect(update[0].messaging_type).toBe('UPDATE');
    expect(update[0].tag).toBeUndefined();
    expect(update[0].message?.text).toContain(ticket.code);
    expect(update[0].message?.text).toContain('Đã bố trí thêm bàn khám.');

    graph.clear();
    await notices().notify(ticket, 'reply', 'Cảm ơn anh/chị đã phản ánh.', 'staff@example.vn');
    await eventually(async () => graph.on('POST /v25.0/me/messages').some((r) => (r.body as Body).message));
    const reply = graph
      .on('POST /v25.0/me/messages')
      .map((r) => r.body as Body)
      .find((b) => b.message)!;
    expect(reply.messaging_type).toBe('RESPONSE');
    const events = await t.app.get(ComplaintsService).events(ticket.id);
    expect(events.filter((e) => e.kind === 'notice').map((e) => e.note)).toEqual([
      'queued',
      'sent',
      'queued',
      'sent',
    ]);
  });

  it('should send nothing outside the window and say so on the ticket', async () => {
    const c = await messengerUser(`PSID_N2_${database}`, new Date(NOW.getTime() - 30 * HOUR));
    const ticket = await ticketFor(c);
    graph.clear();
    const result = await notices().notify(ticket, 'resolved', null, 'staff@example.vn');
    expect(result).toMatchObject({ sent: false, window: { open: false, reason: 'messenger_24h' } });
    const stored = await t.db.manager.findOneByOrFail(ComplaintTicketEntity, { id: ticket.id });
    expect(stored.noticeStatus).toBe('window_closed');
    await settle(t.db);
    expect(
      graph.on('POST /v25.0/me/messages').filter((r) => (r.body as Body).recipient.id === c.userId),
    ).toHaveLength(0);
    // The status look-up still has the answer.
    expect((await t.app.get(ComplaintsService).statusOf(ticket.code))?.code).toBe(ticket.code);
  });

  it('should record the platform refusing the notice (window closed at Meta) from the delivery itself', async () => {
    const c = await messengerUser(`PSID_N3_${database}`, new Date(NOW.getTime() - HOUR));
    const ticket = await ticketFor(c);
    graph.clear();
    graph.scriptFor((r) => (r.body as Body).recipient?.id === c.userId && !!(r.body as Body).message, {
      status: 400,
      body: fixture('messenger/error-outside-window-2018278.json'),
    });
    const result = await notices().notify(ticket, 'rejected', null, 'staff@example.vn');
    expect(result.sent).toBe(true);
    const refused = await noticeOf(ticket.id, 'window_closed');
    expect(refused.noticeAt).not.toBeNull();
  });

  it('should tell a Zalo citizen within 7 days in his language', async () => {
    const c = await zaloUser(`ZN_${database}`, new Date(NOW.getTime() - 3 * 24 * HOUR));
    const ticket = await ticketFor(c);
    zalo.clear();
    await notices().notify(ticket, 'resolved', null, 'staff@example.vn');
    await noticeOf(ticket.id, 'sent');
    const sent = zalo.on('POST /v3.0/oa/message/cs').map((r) => r.body as Body);
    expect(sent).toHaveLength(1);
    expect(sent[0].recipient.user_id).toBe(c.userId);
    expect(sent[0].message?.text).toContain(ticket.code);
    expect(sent[0].message?.text).toContain(c.language === 'en' ? 'resolved' : 'xử lý xong');
  });
});
