import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { In } from 'typeorm';
import { CampaignEntity } from '../src/campaigns/campaign.entity';
import { fromRoot } from '../src/common/project-root';
import { ConversationEntity } from '../src/conversation/conversation.entity';
import { InteractionRecordEntity } from '../src/interactions/interaction-record.entity';
import { OutboxMessageEntity } from '../src/outbox/outbox-message.entity';
import { SubscriptionsService } from '../src/subscriptions/subscriptions.service';
import { ensureBuilt } from './support/app-process';
import { eventually, startTestApp, testDatabases, type TestApp } from './support/test-app';
import { unitsFileWith } from './support/units-file';

const UNIT = 'so-y-te-khanh-hoa';

describe.each(testDatabases())('campaign:send (%s)', (database) => {
  let t: TestApp;
  let units: string;
  const dir = mkdtempSync(join(tmpdir(), 'campaign-send-'));
  const textFile = join(dir, 'tin.txt');
  writeFileSync(textFile, 'Dạ, Sở Y tế mời anh/chị cài đặt và kích hoạt tài khoản VNeID mức 2.\n');
  const people: ConversationEntity[] = [];

  /** The built command against the test app's database, beside the running app. */
  const run = (args: string[]) =>
    new Promise<{ status: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [fromRoot('dist/src/cli/campaign-send.js'), ...args], {
        env: {
          ...process.env,
          NODE_ENV: 'test',
          DATA_DIR: t.dataDir,
          ...t.databaseEnv,
          UNITS_FILE: units,
          CAMPAIGN_QUIET_HOURS: 'off',
          LOG_LEVEL: 'error',
          USER_KEY_SECRET: 'test-user-key-secret-0123456789abcdef',
          SESSION_SECRET: 'test-session-secret-0123456789abcdef',
        },
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', (status) => resolve({ status, out }));
    });
  const campaigns = () => t.db.manager.find(CampaignEntity, { order: { id: 'ASC' } });

  beforeAll(async () => {
    ensureBuilt();
    units = unitsFileWith('public');
    t = await startTestApp({ database, env: { UNITS_FILE: units, CAMPAIGN_QUIET_HOURS: 'off' } });
    for (const sessionId of ['cli-a', 'cli-b', 'cli-c']) {
      await t.http().post('/api/chat').send({ sessionId, text: 'Xin chào', unit: UNIT }).expect(200);
      people.push(
        await eventually(() =>
          t.db.manager.findOneBy(ConversationEntity, { channel: 'web', userId: sessionId }),
        ),
      );
    }
    // Two of the three subscribed.
    await t.db.transaction(async (manager) => {
      for (const c of people.slice(0, 2))
        await t.app
          .get(SubscriptionsService)
          .subscribe(manager, c, [], 'Dạ, anh/chị đã đăng ký nhận tin.', 'message', new Date());
    });
  });
  afterAll(() => t?.close());

  it('should refuse bad input with a clear line and write nothing', async () => {
    const unknown = await run(['--unit', UNIT, '--plan-item', 'lottery', '--text-file', textFile]);
    expect(unknown.status).toBe(2);
    expect(unknown.out).toContain('unknown plan item "lottery"');
    const missing = await run(['--unit', UNIT, '--plan-item', 'vneid', '--text-file', join(dir, 'none.txt')]);
    expect(missing.status).toBe(2);
    expect(missing.out).toContain('cannot read --text-file');
    const link = await run([
      '--unit',
      UNIT,
      '--plan-item',
      'vneid',
      '--text-file',
      textFile,
      '--button-url',
      'https://example.com',
      '--button-title',
      'Xem',
    ]);
    expect(link.status).toBe(2);
    expect(link.out).toContain('example.com is not one of them');
    expect(await campaigns()).toHaveLength(0);
  });

  it('should print the audience by channel and rule in a dry run, and write nothing', async () => {
    const dry = await run([
      '--unit',
      UNIT,
      '--plan-item',
      'vneid',
      '--text-file',
      textFile,
      '--channels',
      'web',
      '--dry-run',
    ]);
    expect(dry.status).toBe(0);
    expect(dry.out).toMatch(/web\s+2\s+0\s+0\s+1/);
    expect(dry.out).toContain('dry run: nothing written, nothing sent');
    expect(await campaigns()).toHaveLength(0);
  });

  it('should send by itself beside the running service, each subscriber once', async () => {
    const sent = await run([
      '--unit',
      UNIT,
      '--plan-item',
      'vneid',
      '--text-file',
      textFile,
      '--channels',
      'web',
    ]);
    expect(sent.out).toMatch(/done: sent 2, to send 0, outside the window 0, not subscribed 1/);
    expect(sent.status).toBe(0);
    const [campaign] = await campaigns();
    expect(campaign).toMatchObject({ status: 'done', source: 'cli', planItem: 'vneid' });
    expect(campaign.approvedBy).toMatch(/^cli:/);
    const rows = await t.db.manager.find(OutboxMessageEntity, {
      where: { origin: 'campaign', conversationId: In(people.map((p) => p.id)) },
    });
    expect(rows.map((r) => r.recipientId).sort()).toEqual(['cli-a', 'cli-b']);
    expect(await t.db.manager.count(InteractionRecordEntity, { where: { kind: 'campaign' } })).toBe(2);
  });

  it('should leave a --queue-only campaign to the running service', async () => {
    const queued = await run([
      '--unit',
      UNIT,
      '--plan-item',
      'online_public_services',
      '--text-file',
      textFile,
      '--channels',
      'web',
      '--queue-only',
    ]);
    expect(queued.status).toBe(0);
    expect(queued.out).toContain('queued: the running service sends it');
    const campaign = (await campaigns()).at(-1)!;
    await eventually(
      async () => (await t.db.manager.findOneBy(CampaignEntity, { id: campaign.id }))?.status === 'done',
      15_000,
    );
    expect(await t.db.manager.count(InteractionRecordEntity, { where: { kind: 'campaign' } })).toBe(4);
  });
});
