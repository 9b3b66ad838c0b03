/// <reference lib="dom" />
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ComplaintTicketEntity } from '../src/complaints/complaint-ticket.entity';
import { ensureBuilt } from './support/app-process';
import { addConsoleUser, PASSWORD } from './support/console-helpers';
import { startTestApp, type TestApp } from './support/test-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(__dirname, '..', 'test-artifacts', 'console');
const A = 'so-y-te-khanh-hoa';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(`console browser tests skipped: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);

(haveChromium ? describe : describe.skip)('the staff console in a real browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let staff: BrowserContext;

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  async function signIn(context: BrowserContext, email: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${base}/console`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForURL(`${base}/console`), page.click('button[type=submit]')]);
    return page;
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ensureBuilt(); // the report export runs in the compiled report process
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    const address = t.app.getHttpServer().address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
    await addConsoleUser(t, 'staff@example.org', A, 'staff');
    await addConsoleUser(t, 'viewer@example.org', A, 'viewer');
    await addConsoleUser(t, 'admin@example.org', 'all', 'admin');
    await addConsoleUser(t, 'other@example.org', 'bvdkkv-ninh-hoa', 'staff');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    staff = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('should show the login page and refuse a wrong password', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/console/login`);
    await page.fill('input[name=email]', 'staff@example.org');
    await page.fill('input[name=password]', 'wrong-password-1');
    await page.click('button[type=submit]');
    await expect(page.locator('.flash.error').textContent()).resolves.toContain('không đúng');
    await shot(page, '01-login');
    await context.close();
  });

  it('should take a complaint in the web chat, let staff answer it, and show the answer to the citizen', async () => {
    const citizen = await browser.newContext({ viewport: { width: 390, height: 800 } });
    await citizen.addInitScript(() => {
      localStorage.setItem('chat.session.so-y-te-khanh-hoa', 'browser-citizen');
      localStorage.setItem('chat.unit', 'so-y-te-khanh-hoa');
    });
    const chatPage = await citizen.newPage();
    await chatPage.goto(`${base}/`);
    await chatPage.waitForSelector('#log .msg.bot');
    const say = async (text: string) => {
      const before = await chatPage.locator('#log .msg.bot').count();
      await chatPage.fill('#text', text);
      await chatPage.click('#send');
      await chatPage.waitForFunction((n) => document.querySelectorAll('#log .msg.bot').length > n, before);
    };
    const tap = async (index: number) => {
      const before = await chatPage.locator('#log .msg.bot').count();
      await chatPage.locator('#quick button').nth(index).click();
      await chatPage.waitForFunction((n) => document.querySelectorAll('#log .msg.bot').length > n, before);
    };
    await say('I want to complain: the guard at the gate shouted at my father and refused to help him');
    await tap(0); // skip the department
    await say('last Monday afternoon');
    await tap(1); // no contact
    const log = await chatPage.locator('#log').textContent();
    const code = /PA-\d{4}-\d{6}/.exec(log ?? '')?.[0];
    expect(code).toBeDefined();
    await shot(chatPage, '02-citizen-complaint');

    const page = await signIn(staff, 'staff@example.org');
    await page.goto(`${base}/console/complaints`);
    await expect(page.locator('#tickets').textContent()).resolves.toContain(code);
    await shot(page, '04-complaints');
    await page.click(`text=${code}`);
    await page.waitForSelector('#reply-form');
    await shot(page, '05-complaint-detail');
    await page.selectOption('#status-form select[name=status]', 'in_progress');
    await page.fill('#status-form textarea[name=note]', 'Đã chuyển phòng Hành chính');
    await Promise.all([page.waitForURL(/done=status_saved/), page.click('#status-form button')]);
    await page.fill(
      '#reply-form textarea[name=text]',
      'Bệnh viện xin lỗi ông/bà và đã nhắc nhở nhân viên bảo vệ.',
    );
    await Promise.all([page.waitForURL(/done=reply_sent/), page.click('#reply-form button')]);
    await expect(page.locator('.flash.ok').textContent()).resolves.toContain('Đã gửi');

    await chatPage.waitForSelector('#log .msg.staff', { timeout: 15_000 });
    await expect(chatPage.locator('#log .msg.staff').textContent()).resolves.toContain(
      'đã nhắc nhở nhân viên bảo vệ',
    );
    await shot(chatPage, '06-citizen-sees-reply');
    const ticket = await t.db.manager.findOneByOrFail(ComplaintTicketEntity, { code: code! });
    expect(ticket.status).toBe('in_progress');
    await citizen.close();
  });

  it('should show the dashboard with its charts, on a laptop and on a phone', async () => {
    const page = await staff.newPage();
    await page.goto(`${base}/console`);
    // Every chart drawn by Chart.js, with a real size.
    await page.waitForFunction(() => {
      const chart = (window as unknown as { Chart?: { getChart(c: Element): unknown } }).Chart;
      const canvases = Array.from(document.querySelectorAll('canvas[data-kind]'));
      return (
        !!chart &&
        canvases.length === 7 &&
        canvases.every((c) => !!chart.getChart(c) && (c as HTMLCanvasElement).clientHeight > 100)
      );
    });
    await expect(page.locator('#total').textContent()).resolves.toMatch(/\d/);
    await shot(page, '03-dashboard');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await shot(page, '03-dashboard-phone');
    await page.close();
  });

  it('should filter conversations and open a transcript', async () => {
    const page = await staff.newPage();
    await page.goto(`${base}/console/conversations`);
    await page.selectOption('select[name=outcome]', 'ticket');
    await Promise.all([page.waitForURL(/outcome=ticket/), page.click('form.filters button')]);
    const rows = page.locator('#turns tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    await shot(page, '07-conversations-filtered');
    await Promise.all([
      page.waitForURL(/\/console\/conversations\/[\w-]+/),
      rows.first().locator('a').click(),
    ]);
    await expect(page.locator('.transcript').textContent()).resolves.toContain(
      'đã nhắc nhở nhân viên bảo vệ',
    );
    await shot(page, '08-transcript');
    await page.close();
  });

  it('should show hand-offs, unanswered questions and the audit log', async () => {
    const page = await staff.newPage();
    for (const [path, name] of [
      ['/console/handoffs', '09-handoffs'],
      ['/console/unanswered', '10-unanswered'],
      ['/console/audit', '11-audit'],
    ]) {
      const res = await page.goto(`${base}${path}`);
      expect(res?.status()).toBe(200);
      await shot(page, name);
    }
    await expect(page.locator('#audit').textContent()).resolves.toContain('Trả lời phản ánh');
    await page.close();
  });

  it('should export a report and show the chain verification', async () => {
    const page = await staff.newPage();
    await page.goto(`${base}/console/reports`);
    await shot(page, '12-reports');
    await Promise.all([
      page.waitForURL(/\/console\/reports\/[0-9a-f-]{36}$/),
      page.click('#report-form button'),
    ]);
    await expect(page.locator('#job-status').textContent()).resolves.toMatch(
      /Đang chờ lập|Đang lập|Đã lập xong/,
    );
    // The job page reloads itself while the report is made, then shows the files.
    await page.waitForSelector('#verification', { timeout: 60_000 });
    await expect(page.locator('#verification').textContent()).resolves.toContain('Toàn vẹn');
    await shot(page, '13-report');
    for (const name of ['report.xlsx', 'report.docx', 'interactions.csv', 'manifest.json']) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click(`#files a:text("${name}")`),
      ]);
      const path = await download.path();
      expect(statSync(path).size).toBeGreaterThan(0);
    }
    await page.close();
  });

  it('should not give a viewer the forms that change a ticket', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, 'viewer@example.org');
    await page.goto(`${base}/console/complaints`);
    await page.locator('#tickets a').first().click();
    await page.waitForSelector('#ticket-code');
    expect(await page.locator('#status-form').count()).toBe(0);
    expect(await page.locator('#reply-form').count()).toBe(0);
    await shot(page, '14-viewer-ticket');
    const status = await page.evaluate(async () => {
      const csrf = (document.querySelector('input[name=_csrf]') as HTMLInputElement).value;
      const id = location.pathname.split('/').pop();
      const res = await fetch(`/console/complaints/${id}/status`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, status: 'resolved' }).toString(),
        redirect: 'manual',
      });
      return res.status;
    });
    expect(status).toBe(403);
    await context.close();
  });

  it("should not show unit A's data to a user of unit B, even by direct URL", async () => {
    const ticket = (await t.db.manager.find(ComplaintTicketEntity, { where: { unitId: A } }))[0];
    const context = await browser.newContext();
    const page = await signIn(context, 'other@example.org');
    await page.goto(`${base}/console/complaints`);
    expect(await page.locator('body').textContent()).not.toContain(ticket.code);
    const res = await page.goto(`${base}/console/complaints/${ticket.id}`);
    expect(res?.status()).toBe(404);
    await shot(page, '15-other-unit-404');
    expect((await page.goto(`${base}/console/conversations/${ticket.conversationId}`))?.status()).toBe(404);
    expect((await page.goto(`${base}/console?unit=${A}`))?.status()).toBe(404);
    await context.close();
  });

  it('should refuse a cross-site form and send an expired session back to the login page', async () => {
    const page = await staff.newPage();
    await page.goto(`${base}/console/handoffs`);
    const status = await page.evaluate(async () => {
      const res = await fetch('/console/unanswered/train', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'recordId=1&target=vneid:forgot_password',
        redirect: 'manual',
      });
      return res.status;
    });
    expect(status).toBe(403);
    await staff.clearCookies();
    await page.goto(`${base}/console/audit`);
    expect(page.url()).toContain('/console/login');
    await page.close();
  });

  it('should give an administrator the accounts page, in English too', async () => {
    const context = await browser.newContext();
    const page = await signIn(context, 'admin@example.org');
    await page.goto(`${base}/console/users`);
    await page.click('a.lang');
    await page.waitForURL(/\/console\/users/);
    await expect(page.locator('h1').textContent()).resolves.toBe('Accounts');
    await shot(page, '16-users-en');
    await page.goto(`${base}/console`);
    await shot(page, '17-dashboard-all-units-en');
    await context.close();
  });
});
