/// <reference lib="dom" />
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ComplaintTicketEntity } from '../src/complaints/complaint-ticket.entity';
import { ConversationEntity } from '../src/conversation/conversation.entity';
import { graphFake, type PlatformFake } from './fakes/platform-fake';
import { fixture, freshMessenger, settle, signMessenger } from './support/channel-helpers';
import { addConsoleUser, PASSWORD } from './support/console-helpers';
import { subscribe } from './support/subscriptions';
import { eventually, startTestApp, type TestApp } from './support/test-app';
import { unitsFileWith } from './support/units-file';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(__dirname, '..', 'test-artifacts', 'console');
const A = 'so-y-te-khanh-hoa';
const SECRET = 'FAKE_SECRET';
const PAGE = 'PAGE_ID_0001';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(`console campaign browser tests skipped: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);

type SendBody = {
  recipient: { id: string };
  messaging_type?: string;
  tag?: string;
  message?: { text?: string };
};

(haveChromium ? describe : describe.skip)(
  'campaigns and ticket notices in the console, in a real browser',
  () => {
    let t: TestApp;
    let graph: PlatformFake;
    let base: string;
    let browser: Browser;
    let n = 0;

    const shot = (page: Page, name: string) =>
      page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

    async function signIn(email: string): Promise<Page> {
      const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
      await page.goto(`${base}/console`);
      await page.fill('input[name=email]', email);
      await page.fill('input[name=password]', PASSWORD);
      await Promise.all([page.waitForURL(`${base}/console`), page.click('button[type=submit]')]);
      return page;
    }

    /** A citizen writes (or taps a quick reply) to the fanpage now; returns his conversation. */
    async function messengerCitizen(
      psid: string,
      say: { text?: string; payload?: string } = {},
    ): Promise<ConversationEntity> {
      const payload = fixture<{
        entry: {
          messaging: {
            sender: { id: string };
            message: { text: string; quick_reply?: { payload: string } };
          }[];
        }[];
      }>(say.payload ? 'messenger/quick-reply.json' : 'messenger/text-message.json');
      const event = payload.entry[0].messaging[0];
      event.sender.id = psid;
      if (say.payload) event.message.quick_reply = { payload: say.payload };
      else event.message.text = say.text ?? 'xin chào';
      const raw = JSON.stringify(freshMessenger(payload, new Date(), `.browser.${++n}`));
      await t
        .http()
        .post('/webhooks/messenger')
        .set('content-type', 'application/json')
        .set('x-hub-signature-256', signMessenger(raw, SECRET))
        .send(raw)
        .expect(200);
      return eventually(() =>
        t.db.manager.findOneBy(ConversationEntity, { userId: psid, channel: 'messenger' }),
      );
    }

    /** A web chat page of unit A, left open (it checks for new messages every few seconds). */
    async function chatPage(
      sessionId: string,
    ): Promise<{ page: Page; say: (text: string) => Promise<void> }> {
      const context = await browser.newContext({ viewport: { width: 390, height: 800 } });
      await context.addInitScript((id) => {
        localStorage.setItem('chat.session.so-y-te-khanh-hoa', id);
        localStorage.setItem('chat.unit', 'so-y-te-khanh-hoa');
      }, sessionId);
      const page = await context.newPage();
      await page.goto(`${base}/`);
      await page.waitForSelector('#log .msg.bot');
      const say = async (text: string) => {
        const before = await page.locator('#log .msg.bot').count();
        await page.fill('#text', text);
        await page.click('#send');
        await page.waitForFunction((k) => document.querySelectorAll('#log .msg.bot').length > k, before);
      };
      return { page, say };
    }

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true });
      graph = graphFake();
      const graphUrl = await graph.start();
      t = await startTestApp({
        env: {
          UNITS_FILE: unitsFileWith({ [A]: 'public' }),
          CAMPAIGN_QUIET_HOURS: 'off',
          MESSENGER_APP_SECRET: SECRET,
          MESSENGER_VERIFY_TOKEN: 'browser-verify',
          MESSENGER_PAGE_ID: PAGE,
          MESSENGER_PAGE_ACCESS_TOKEN: 'PAGE_ACCESS_TOKEN_PLACEHOLDER',
          MESSENGER_API_URL: `${graphUrl}/v25.0`,
        },
      });
      await t.app.listen(0, '127.0.0.1');
      base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
      await addConsoleUser(t, 'staff@example.org', A, 'staff');
      await addConsoleUser(t, 'admin@example.org', A, 'admin');
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    });
    afterAll(async () => {
      await browser?.close();
      await t?.close();
      await graph?.stop();
    });

    it('should let staff draft a campaign, another account approve it with "send now", and show who got it', async () => {
      // Messenger: one subscriber inside the 24 hours, one whose last message is two days old.
      const recent = await messengerCitizen('PSID_CAMPAIGN_RECENT');
      const old = await messengerCitizen('PSID_CAMPAIGN_OLD');
      await subscribe(t, recent.id);
      await subscribe(t, old.id);
      await t.db.manager.update(
        ConversationEntity,
        { id: old.id },
        { lastUserMessageAt: new Date(Date.now() - 2 * 86_400_000) },
      );
      // Web chat: a subscriber with the page open, and a citizen who did not subscribe.
      const citizen = await chatPage('campaign-web-subscriber');
      await citizen.say('xin chào');
      const web = await t.db.manager.findOneByOrFail(ConversationEntity, {
        userId: 'campaign-web-subscriber',
      });
      await subscribe(t, web.id);
      await t
        .http()
        .post('/api/chat')
        .send({ sessionId: 'campaign-web-other', unit: A, text: 'xin chào' })
        .expect(200);
      await settle(t.db);
      graph.clear();

      const staff = await signIn('staff@example.org');
      await staff.click('nav a[href="/console/campaigns"]');
      await staff.fill('#campaign-form input[name=title]', 'Nhắc kích hoạt VNeID mức 2');
      await staff.selectOption('#campaign-form select[name=planItem]', 'vneid');
      await staff.fill(
        '#campaign-form textarea[name=textVi]',
        'Dạ, Sở Y tế kính nhắc anh/chị kích hoạt tài khoản định danh điện tử VNeID mức 2.',
      );
      await staff.fill('#campaign-form textarea[name=textEn]', 'Please activate your level-2 VNeID account.');
      await staff.check('#campaign-form input[name=channels][value=messenger]');
      await staff.check('#campaign-form input[name=channels][value=web]');
      await shot(staff, '20-campaign-form');
      await Promise.all([
        staff.waitForURL(/\/console\/campaigns\/\d+\?done=campaign_drafted/),
        staff.click('#campaign-form button[type=submit]'),
      ]);
      const url = staff.url().replace(/\?.*$/, '');
      const cell = (page: Page, table: string, channel: string, key: string) =>
        page
          .locator(
            `#${table} tr[data-channel=${channel}] [data-${table === 'preview' ? 'rule' : 'state'}=${key}]`,
          )
          .textContent();
      await expect(cell(staff, 'preview', 'messenger', 'toSend')).resolves.toBe('1');
      await expect(cell(staff, 'preview', 'messenger', 'outsideWindow')).resolves.toBe('1');
      await expect(cell(staff, 'preview', 'web', 'toSend')).resolves.toBe('1');
      await expect(cell(staff, 'preview', 'web', 'notSubscribed')).resolves.toBe('1');
      await expect(staff.locator('#approval-note').textContent()).resolves.toContain('chờ quản trị viên');
      await expect(staff.locator('#promotion-quota').textContent()).resolves.toContain(
        'chưa đăng ký gói tin truyền thông Zalo',
      );
      await shot(staff, '21-campaign-draft');

      const admin = await signIn('admin@example.org');
      await admin.goto(url);
      await admin.check('#approve-form input[name=when][value=now]');
      await Promise.all([
        admin.waitForURL(/done=campaign_approved/),
        admin.click('#approve-form button[type=submit]'),
      ]);
      // The page reloads itself (meta refresh) until the campaign is done.
      await admin.waitForSelector('#campaign-status[data-status=done]', { timeout: 30_000 });
      await expect(cell(admin, 'progress', 'messenger', 'sent')).resolves.toBe('1');
      await expect(cell(admin, 'progress', 'messenger', 'outside_window')).resolves.toBe('1');
      await expect(cell(admin, 'progress', 'web', 'sent')).resolves.toBe('1');
      await expect(cell(admin, 'progress', 'web', 'not_subscribed')).resolves.toBe('1');
      await expect(admin.locator('#campaign-approved-by').textContent()).resolves.toContain(
        'admin@example.org',
      );
      await shot(admin, '22-campaign-done');

      // Messenger got it as an update (never a tag), only for the citizen inside the window.
      const sends = graph
        .on('POST /v25.0/me/messages')
        .map((r) => r.body as SendBody)
        .filter((b) => b.message?.text?.includes('VNeID mức 2'));
      expect(sends.map((b) => [b.recipient.id, b.messaging_type, b.tag])).toEqual([
        ['PSID_CAMPAIGN_RECENT', 'UPDATE', undefined],
      ]);
      // The open web chat page shows it at its next check.
      await citizen.page.waitForFunction(
        () => (document.querySelector('#log')?.textContent ?? '').includes('VNeID mức 2'),
        undefined,
        { timeout: 15_000 },
      );
      await shot(citizen.page, '23-citizen-campaign');

      await staff.goto(`${base}/console/campaigns`);
      await expect(staff.locator('#campaigns tbody tr').first().textContent()).resolves.toMatch(/2 \/ 4/);
      await staff.goto(`${base}/console/audit`);
      await expect(staff.locator('#audit').textContent()).resolves.toContain('Phê duyệt chiến dịch');
    });

    it('should tell staff on the ticket page whether the citizen was notified of the reply', async () => {
      const complaint =
        'I want to complain: the guard at the gate shouted at my father and refused to help him';
      const steps = [
        { payload: 'CONSENT_YES' },
        { text: complaint },
        { payload: 'complaint:file:skip' },
        { text: 'last Monday afternoon' },
        { payload: 'complaint:file:contact_no' },
      ];
      // One complaint from the web chat (always reachable), one on Messenger from a citizen silent for 10 days.
      for (const body of steps)
        await t
          .http()
          .post('/api/chat')
          .send({ sessionId: 'ticket-web', unit: A, ...body })
          .expect(200);
      for (const say of steps) {
        await messengerCitizen('PSID_TICKET_OLD', say);
        await settle(t.db);
      }
      const webConversation = await t.db.manager.findOneByOrFail(ConversationEntity, {
        userId: 'ticket-web',
      });
      const messengerConversation = await t.db.manager.findOneByOrFail(ConversationEntity, {
        userId: 'PSID_TICKET_OLD',
      });
      const webTicket = await eventually(() =>
        t.db.manager.findOneBy(ComplaintTicketEntity, { conversationId: webConversation.id }),
      );
      const oldTicket = await eventually(() =>
        t.db.manager.findOneBy(ComplaintTicketEntity, { conversationId: messengerConversation.id }),
      );
      await t.db.manager.update(
        ConversationEntity,
        { id: messengerConversation.id },
        { lastUserMessageAt: new Date(Date.now() - 10 * 86_400_000) },
      );

      const staff = await signIn('staff@example.org');
      const replyTo = async (ticketId: number, text: string) => {
        await staff.goto(`${base}/console/complaints/${ticketId}`);
        await staff.fill('#reply-form textarea[name=text]', text);
        await Promise.all([staff.waitForURL(/done=reply_/), staff.click('#reply-form button')]);
      };
      await replyTo(webTicket.id, 'Bệnh viện xin lỗi ông/bà và đã nhắc nhở nhân viên bảo vệ.');
      // The notice goes through the outbox; the page says so once its delivery is recorded.
      await eventually(async () => {
        await staff.reload();
        return (await staff.locator('#ticket-notice').getAttribute('data-status')) === 'sent';
      }, 15_000);
      await expect(staff.locator('#ticket-notice').textContent()).resolves.toContain('Đã gửi tới người dân');
      await shot(staff, '24-ticket-notice-sent');

      await replyTo(oldTicket.id, 'Bệnh viện đã tiếp nhận và sẽ trả lời ông/bà sớm.');
      await expect(staff.locator('#ticket-notice').getAttribute('data-status')).resolves.toBe(
        'window_closed',
      );
      await expect(staff.locator('#ticket-notice').textContent()).resolves.toContain(
        'Không báo được: đã hết thời hạn nhắn tin của nền tảng',
      );
      await shot(staff, '25-ticket-notice-window-closed');
    });
  },
);
