import { In } from 'typeorm';
import { CampaignRecipientEntity } from '../src/campaigns/campaign-recipient.entity';
import { CampaignRunner } from '../src/campaigns/campaign-runner';
import { CampaignError } from '../src/campaigns/campaign-rules';
import { CampaignEntity } from '../src/campaigns/campaign.entity';
import { CampaignsService } from '../src/campaigns/campaigns.service';
import { Clock, FixedClock } from '../src/common/clock';
import { ConversationEntity } from '../src/conversation/conversation.entity';
import { InteractionRecordEntity } from '../src/interactions/interaction-record.entity';
import { InteractionsService } from '../src/interactions/interactions.service';
import { OutboxMessageEntity } from '../src/outbox/outbox-message.entity';
import { SubscriptionsService } from '../src/subscriptions/subscriptions.service';
import { graphFake, zaloFake, type PlatformFake } from './fakes/platform-fake';
import { settle } from './support/channel-helpers';
import {
  conversationOf as conversationOfApp,
  MESSENGER_SECRET as SECRET,
  messengerCitizen,
  ZALO_APP as APP,
  ZALO_KEY as KEY,
  zaloCitizen,
} from './support/citizens';
import { eventually, startTestApp, testDatabases, type TestApp } from './support/test-app';
import { unitsFileWith } from './support/units-file';

const PAGE = 'PAGE_ID_0001';
const OA = 'ZALO_OA_ID_0001';
const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** 10:00 in Nha Trang. */
const NOON = new Date('2026-06-10T03:00:00Z');

type Body = {
  recipient: { id?: string; user_id?: string };
  messaging_type?: string;
  tag?: string;
  message?: unknown;
};

describe.each(testDatabases())('Campaigns within the platforms rules (%s)', (database) => {
  let t: TestApp;
  let graph: PlatformFake;
  let zalo: PlatformFake;
  const clock = new FixedClock(NOON);
  let env: Record<string, string>;

  beforeAll(async () => {
    graph = graphFake();
    zalo = zaloFake();
    const graphUrl = await graph.start();
    const zaloUrl = await zalo.start();
    env = {
      UNITS_FILE: unitsFileWith('public'),
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
      ZALO_PROMOTION_QUOTA: '1',
      CHANNEL_HTTP_TIMEOUT_MS: '1000',
    };
    t = await startTestApp({ database, overrides: [[Clock, clock]], env });
  });
  afterAll(async () => {
    await t?.close();
    await graph?.stop();
    await zalo?.stop();
  });
  beforeEach(async () => {
    clock.set(NOON);
    await settle(t.db);
    graph.clear();
    zalo.clear();
  });

  const service = () => t.app.get(CampaignsService);
  const runner = () => t.app.get(CampaignRunner);

  const messengerUser = (psid: string, at: Date, app: TestApp = t) => messengerCitizen(app, psid, at);
  const zaloUser = (user: string, at: Date) => zaloCitizen(t, user, at);
  const webUser = async (sessionId: string) => {
    await t.http().post('/api/chat').send({ sessionId, text: 'Xin chào', language: 'vi' }).expect(200);
    return conversationOf('web', sessionId);
  };
  const conversationOf = (channel: string, userId: string, app: TestApp = t) =>
    conversationOfApp(app, channel, userId);
  const subscribe = async (conversation: ConversationEntity, topics: string[] = [], app: TestApp = t) => {
    await app.db.transaction((manager) =>
      app.app
        .get(SubscriptionsService)
        .subscribe(manager, conversation, topics, 'Dạ, anh/chị đã đăng ký nhận tin.', 'message', clock.now()),
    );
  };
  const draft = (overrides: Partial<Parameters<CampaignsService['createDraft']>[0]> = {}, app: TestApp = t) =>
    app.app.get(CampaignsService).createDraft(
      {
        unitId: conversationUnit,
        title: 'Kích hoạt VNeID mức 2',
        planItem: 'vneid',
        textVi: 'Dạ, Sở Y tế nhắc anh/chị kích hoạt tài khoản VNeID mức 2 tại Công an cấp xã.',
        textEn: 'Please activate your level-2 VNeID account at the ward police.',
        buttonUrl: 'https://dichvucong.gov.vn/p/home/dvc-trang-chu.html',
        buttonTitleVi: 'Dịch vụ công',
        buttonTitleEn: 'Public services',
        ...overrides,
      },
      'alice@example.vn',
      'console',
    );
  let conversationUnit = '';
  const recipientsOf = (campaignId: number, app: TestApp = t) =>
    app.db.manager.find(CampaignRecipientEntity, { where: { campaignId }, order: { id: 'ASC' } });
  const finished = (campaignId: number, app: TestApp = t) =>
    eventually(async () => {
      const c = await app.db.manager.findOneBy(CampaignEntity, { id: campaignId });
      return c?.status === 'done' ? c : null;
    }, 20_000);

  /** The campaign counter's sample lines, without the metric name. */
  const campaignMetrics = async () =>
    (await t.http().get('/metrics').expect(200)).text
      .split('\n')
      .filter((line) => line.startsWith('outreach_campaign_messages_total{'))
      .map((line) => line.slice('outreach_campaign_messages_total'.length));

  it('should reach each subscriber only as the platform allows, record each send as evidence, and skip the rest with the reason', async () => {
    const m1 = await messengerUser(`PSID_M1_${database}`, new Date(NOON.getTime() - HOUR));
    conversationUnit = m1.unitId;
    const m2 = await messengerUser(`PSID_M2_${database}`, new Date(NOON.getTime() - 30 * HOUR));
    const m3 = await messengerUser(`PSID_M3_${database}`, new Date(NOON.getTime() - HOUR));
    const z1 = await zaloUser(`Z1_${database}`, new Date(NOON.getTime() - 2 * DAY));
    const z2 = await zaloUser(`Z2_${database}`, new Date(NOON.getTime() - 10 * DAY));
    const z3 = await zaloUser(`Z3_${database}`, new Date(NOON.getTime() - 12 * DAY));
    const w1 = await webUser(`web-w1-${database}`);
    for (const c of [m1, m2, z1, z2, z3, w1]) await subscribe(c);
    await settle(t.db);
    graph.clear();
    zalo.clear();

    const campaign = await draft();
    // The dry run: by channel and rule, before anything is written.
    const preview = await service().preview(campaign);
    const byChannel = Object.fromEntries(preview.map((p) => [p.channel, p]));
    expect(byChannel.messenger).toEqual(
      expect.objectContaining({ toSend: 1, byPromotion: 0, outsideWindow: 1, notSubscribed: 1 }),
    );
    // Z1 inside the 7 days; Z2 by the one promotion message the quota allows; Z3 nowhere.
    expect(byChannel.zalo).toEqual(expect.objectContaining({ toSend: 1, byPromotion: 1, outsideWindow: 1 }));
    expect(byChannel.web).toEqual(expect.objectContaining({ toSend: 1 }));
    expect(await recipientsOf(campaign.id)).toHaveLength(0);

    // Nobody approves his own campaign; nothing unapproved is sent.
    await expect(service().approve(campaign.id, 'alice@example.vn', { sendNow: true })).rejects.toMatchObject(
      {
        code: 'self_approval',
      },
    );
    await expect(service().sendNow(campaign.id)).rejects.toMatchObject({ code: 'not_approved' });
    await runner().tick();
    expect(await recipientsOf(campaign.id)).toHaveLength(0);

    const sentBefore = await campaignMetrics();
    await service().approve(campaign.id, 'bob@example.vn', { sendNow: true });
    await finished(campaign.id);
    await settle(t.db);
    // Counted per delivery that ended (those skipped by the rules never reached the outbox).
    const sentAfter = await campaignMetrics();
    const unit = campaign.unitId;
    expect(sentAfter.filter((l) => !sentBefore.includes(l)).sort()).toEqual(
      [
        `{unit="${unit}",channel="messenger",result="sent"} 1`,
        `{unit="${unit}",channel="web",result="sent"} 1`,
        `{unit="${unit}",channel="zalo",result="sent"} 2`,
      ].sort(),
    );

    const recipients = await recipientsOf(campaign.id);
    const state = (c: ConversationEntity) => recipients.find((r) => r.conversationId === c.id);
    expect(state(m1)).toMatchObject({ state: 'sent', route: 'update' });
    expect(state(m2)).toMatchObject({ state: 'outside_window', route: null });
    expect(state(m2)!.reason).toContain('24 hours');
    expect(state(m3)).toMatchObject({ state: 'not_subscribed' });
    expect(state(z1)).toMatchObject({ state: 'sent', route: 'consultation' });
    expect(state(z2)).toMatchObject({ state: 'sent', route: 'promotion' });
    expect(state(z3)).toMatchObject({ state: 'outside_window' });
    expect(state(w1)).toMatchObject({ state: 'sent', route: 'web' });

    // Messenger: one UPDATE to M1 (never a tag), nothing to M2 or M3.
    const sends = graph.on('POST /v25.0/me/messages').map((r) => r.body as Body);
    const toM1 = sends.filter((b) => b.recipient.id === m1.userId && b.message);
    expect(toM1.length).toBeGreaterThanOrEqual(1);
    for (const b of toM1) {
      expect(b.messaging_type).toBe('UPDATE');
      expect(b.tag).toBeUndefined();
    }
    expect(JSON.stringify(toM1)).toContain('UNSUBSCRIBE');
    expect(sends.filter((b) => b.recipient.id === m2.userId || b.recipient.id === m3.userId)).toHaveLength(0);
    // Zalo: a consultation message to Z1, a promotion message to Z2, nothing to Z3.
    const cs = zalo.on('POST /v3.0/oa/message/cs').map((r) => r.body as Body);
    const promo = zalo.on('POST /v3.0/oa/message/promotion').map((r) => r.body as Body);
    expect(cs.map((b) => b.recipient.user_id)).toEqual([z1.userId]);
    expect(promo.map((b) => b.recipient.user_id)).toEqual([z2.userId]);
    expect(JSON.stringify(promo[0])).toContain('"template_type":"promotion"');
    expect((await service().promotionQuota(campaign.unitId)).remaining).toBe(0);

    // The web chat shows it on the page's next poll, with the opt-out.
    const polled = await t
      .http()
      .get('/api/chat/messages')
      .query({ sessionId: w1.userId, unit: w1.unitId, after: 0 })
      .expect(200);
    const shown = (
      polled.body as { origin: string; text: string; quickReplies?: { payload: string }[] }[]
    ).find((m) => m.origin === 'campaign');
    expect(shown?.text).toContain('VNeID');
    expect(shown?.quickReplies?.map((q) => q.payload)).toEqual(['UNSUBSCRIBE']);

    // Each send is one chained record of its own kind, with the plan item and the content version.
    const records = await t.db.manager.find(InteractionRecordEntity, { where: { kind: 'campaign' } });
    expect(records.map((r) => r.conversationId).sort()).toEqual([m1.id, z1.id, z2.id, w1.id].sort());
    for (const r of records) {
      expect(r).toMatchObject({
        planItems: ',vneid,',
        outcome: 'campaign',
        contentVersion: campaign.contentVersion,
      });
      expect(r.replyKeys[0]).toBe(`campaign:${campaign.id}`);
    }
    const chain = await t.app.get(InteractionsService).verify(campaign.unitId);
    expect(chain.broken).toBeNull();
  });

  it('should refuse bad input with a clear reason and write nothing', async () => {
    conversationUnit = conversationUnit || 'so-y-te-khanh-hoa';
    const before = await t.db.manager.count(CampaignEntity);
    const cases: [Record<string, unknown>, string][] = [
      [{ textVi: '   ', textEn: null }, 'empty_text'],
      [{ textVi: 'x'.repeat(2001) }, 'text_too_long'],
      [{ buttonUrl: 'https://example.com/x' }, 'link_not_allowed'],
      [{ buttonUrl: 'http://dichvucong.gov.vn/' }, 'bad_link'],
      [{ planItem: 'lottery' }, 'unknown_plan_item'],
      [{ unitId: 'no-such-unit' }, 'unknown_unit'],
      [{ title: '' }, 'empty_title'],
      [{ channels: ['fax'] }, 'unknown_channel'],
    ];
    for (const [overrides, code] of cases) {
      const error = await draft(overrides).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CampaignError);
      expect((error as CampaignError).code).toBe(code);
      expect((error as CampaignError).message.length).toBeGreaterThan(10);
    }
    // Limits count characters as the platforms do (NFC code points): 2000 Vietnamese letters pass.
    await expect(draft({ textVi: 'ệ'.repeat(2000), textEn: null })).resolves.toBeDefined();
    expect(await t.db.manager.count(CampaignEntity)).toBe(before + 1);
  });

  it('should send nothing in quiet hours and resume at their end', async () => {
    const m = await messengerUser(`PSID_Q_${database}`, new Date('2026-06-10T14:30:00Z'));
    conversationUnit = m.unitId;
    await subscribe(m);
    await settle(t.db);
    graph.clear();
    // 22:00 in Nha Trang.
    clock.set(new Date('2026-06-10T15:00:00Z'));
    const campaign = await draft({ channels: ['messenger'] });
    await service().approve(campaign.id, 'bob@example.vn', { sendNow: true });
    await runner().tick();
    await new Promise((r) => setTimeout(r, 1500));
    const waiting = (await recipientsOf(campaign.id)).find((r) => r.conversationId === m.id);
    expect(waiting?.state).toBe('pending');
    expect(
      graph.on('POST /v25.0/me/messages').filter((r) => (r.body as Body).recipient.id === m.userId),
    ).toHaveLength(0);
    // 07:30: the citizen's last message was 9 hours ago, inside the window.
    clock.set(new Date('2026-06-11T00:30:00Z'));
    await finished(campaign.id);
    expect((await recipientsOf(campaign.id)).find((r) => r.conversationId === m.id)?.state).toBe('sent');
  });

  it('should send nothing twice and skip nobody when the instance stops mid-campaign', async () => {
    // A slow channel (two messages a minute, and the clock stands still): the first instance stops
    // with most of the campaign still to send.
    const first = await startTestApp({
      database,
      overrides: [[Clock, clock]],
      env: { ...env, CAMPAIGN_MESSENGER_PER_MINUTE: '2' },
    });
    let second: TestApp | undefined;
    try {
      const users: ConversationEntity[] = [];
      for (let i = 0; i < 6; i++)
        users.push(await messengerUser(`PSID_R${i}_${database}`, new Date(NOON.getTime() - HOUR), first));
      for (const u of users) await subscribe(u, [], first);
      await settle(first.db);
      graph.clear();
      const campaign = await draft({ unitId: users[0].unitId, channels: ['messenger'] }, first);
      await first.app.get(CampaignsService).approve(campaign.id, 'bob@example.vn', { sendNow: true });
      await eventually(async () => {
        const r = await recipientsOf(campaign.id, first);
        return r.length === 6 && r.filter((x) => x.state === 'sent').length === 2;
      });
      await new Promise((r) => setTimeout(r, 1500));
      expect((await recipientsOf(campaign.id, first)).filter((r) => r.state === 'pending')).toHaveLength(4);
      // The instance stops (its database stays for the next one).
      await first.app.close();
      // Another instance on the same database takes the campaign over once the lease lapses.
      clock.advance(31_000);
      second = await startTestApp({
        database,
        overrides: [[Clock, clock]],
        env: { ...env, CAMPAIGN_MESSENGER_PER_MINUTE: '300' },
        sharing: first,
      });
      await finished(campaign.id, second);
      await settle(second.db);
      const ids = new Set(users.map((u) => u.userId));
      const sent = graph
        .on('POST /v25.0/me/messages')
        .map((r) => r.body as Body)
        .filter((b) => b.message && ids.has(b.recipient.id!) && JSON.stringify(b).includes('UNSUBSCRIBE'));
      const perUser = new Map<string, number>();
      for (const b of sent) perUser.set(b.recipient.id!, (perUser.get(b.recipient.id!) ?? 0) + 1);
      expect([...perUser.keys()].sort()).toEqual([...ids].sort());
      expect([...perUser.values()].every((count) => count === 1)).toBe(true);
      const conversations = users.map((u) => u.id);
      expect(
        await second.db.manager.count(OutboxMessageEntity, {
          where: { origin: 'campaign', conversationId: In(conversations) },
        }),
      ).toBe(6);
      expect(
        await second.db.manager.count(InteractionRecordEntity, {
          where: { conversationId: In(conversations), kind: 'campaign' },
        }),
      ).toBe(6);
      expect((await second.app.get(InteractionsService).verify(users[0].unitId)).broken).toBeNull();
    } finally {
      await second?.close();
      await first.close().catch(() => undefined);
    }
  });
});
