import { CampaignRecipientEntity } from '../src/campaigns/campaign-recipient.entity';
import { CampaignEntity } from '../src/campaigns/campaign.entity';
import { CampaignsService } from '../src/campaigns/campaigns.service';
import { Clock, FixedClock } from '../src/common/clock';
import { ConversationEntity } from '../src/conversation/conversation.entity';
import { subscribe } from './support/subscriptions';
import { eventually, startTestApp, testDatabases, type TestApp } from './support/test-app';
import { unitsFileWith } from './support/units-file';

const A = 'so-y-te-khanh-hoa';

describe.each(testDatabases())('CampaignRunner (%s)', (database) => {
  let t: TestApp;
  let campaigns: CampaignsService;
  // The clock stands still: the runner must finish a campaign it holds without waiting for its own lease to lapse.
  const clock = new FixedClock(new Date('2026-11-23T09:00:00+07:00'));

  async function citizen(sessionId: string, topics: string[] | null): Promise<string> {
    await t.http().post('/api/chat').send({ sessionId, unit: A, payload: 'CONSENT_YES' }).expect(200);
    const c = await t.db.manager.findOneByOrFail(ConversationEntity, { userId: sessionId, unitId: A });
    if (topics !== null) await subscribe(t, c.id, topics);
    return c.id;
  }

  beforeAll(async () => {
    t = await startTestApp({
      database,
      overrides: [[Clock, clock]],
      env: { UNITS_FILE: unitsFileWith({ [A]: 'public' }), CAMPAIGN_QUIET_HOURS: 'off' },
    });
    campaigns = t.app.get(CampaignsService);
  });
  afterAll(() => t?.close());

  it('should write the audience by topic and send to the subscribers of that topic, then finish', async () => {
    const vneid = await citizen('runner-vneid', ['vneid']);
    const every = await citizen('runner-every', []);
    const other = await citizen('runner-other', ['health_insurance']);
    const none = await citizen('runner-none', null);
    const draft = await campaigns.createDraft(
      {
        unitId: A,
        title: 'VNeID',
        planItem: 'vneid',
        textVi: 'Kích hoạt VNeID mức 2.',
        channels: ['web'],
        topic: 'vneid',
      },
      'staff@example.org',
      'cli',
    );
    await campaigns.approve(draft.id, 'admin@example.org', { sendNow: true });
    await eventually(
      async () => (await t.db.manager.findOneByOrFail(CampaignEntity, { id: draft.id })).status === 'done',
      10_000,
    );
    const rows = await t.db.manager.findBy(CampaignRecipientEntity, { campaignId: draft.id });
    const state = new Map(rows.map((r) => [r.conversationId, r.state]));
    expect(state.get(vneid)).toBe('sent');
    expect(state.get(every)).toBe('sent');
    expect(state.get(other)).toBe('not_subscribed');
    expect(state.get(none)).toBe('not_subscribed');
    expect(rows.every((r) => r.updatedAt.getTime() === clock.now().getTime())).toBe(true);
  });
});
