/// <reference lib="dom" />
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { addConsoleUser, PASSWORD } from './support/console-helpers';
import { startTestApp, type TestApp } from './support/test-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(__dirname, '..', 'test-artifacts', 'console');
const UNIT = 'bvdkkv-ninh-hoa';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(`unit details browser tests skipped: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);

(haveChromium ? describe : describe.skip)('unit details in a real browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;

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
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    const address = t.app.getHttpServer().address() as { port: number };
    base = `http://127.0.0.1:${address.port}`;
    await addConsoleUser(t, 'admin@ninhhoa.vn', UNIT, 'admin');
    await addConsoleUser(t, 'staff@vinhthanh.vn', 'ttyt-vinh-thanh', 'staff');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('should let the unit admin fill in the details, answer citizens with them at once, and audit the change', async () => {
    const admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await signIn(admin, 'admin@ninhhoa.vn');
    // The dashboard's checklist leads to the form.
    await expect(page.locator('#setup-checklist').textContent()).resolves.toContain('Số đường dây nóng');
    await Promise.all([page.waitForURL(`${base}/console/units/${UNIT}`), page.click('#setup-checklist a')]);
    await page.screenshot({ path: join(SHOTS, '20-unit-details-before.png'), fullPage: true });

    // A wrong phone is refused with the field named, and what was typed stays.
    await page.fill('input[name="hotlines.0.phone"]', 'gọi tổng đài');
    await page.click('#unit-form button[type=submit]');
    await expect(page.locator('.flash.error').textContent()).resolves.toContain('hotlines[0].phone');
    await expect(page.inputValue('input[name="hotlines.0.phone"]')).resolves.toBe('gọi tổng đài');

    await page.fill('input[name="hotlines.0.phone"]', '0258 3 630 115');
    await page.fill('input[name="address.vi"]', 'Số 1 Trần Quý Cáp, Ninh Hiệp, Khánh Hòa');
    await page.fill('input[name="address.en"]', '1 Tran Quy Cap Street, Ninh Hiep, Khanh Hoa');
    await page.fill('input[name="workingHours.vi"]', 'Thứ Hai đến Thứ Sáu, 7:00–17:00');
    await page.fill('input[name="workingHours.en"]', 'Monday to Friday, 7:00–17:00');
    await Promise.all([page.waitForURL(/done=unit_saved/), page.click('#unit-form button[type=submit]')]);
    await expect(page.locator('.flash.ok').textContent()).resolves.toContain('Đã lưu');
    await expect(page.locator('#unit-history').textContent()).resolves.toContain('admin@ninhhoa.vn');
    await page.screenshot({ path: join(SHOTS, '21-unit-details-saved.png'), fullPage: true });

    // A citizen asks the web chat of that unit: the answer has the new number.
    const citizen = await browser.newContext({ viewport: { width: 390, height: 800 } });
    await citizen.addInitScript((unit) => {
      localStorage.setItem(`chat.session.${unit}`, 'browser-unit-details');
      localStorage.setItem('chat.unit', unit);
    }, UNIT);
    const chat = await citizen.newPage();
    await chat.goto(`${base}/`);
    await chat.waitForSelector('#log .msg.bot');
    const before = await chat.locator('#log .msg.bot').count();
    await chat.fill('#text', 'số điện thoại đường dây nóng của bệnh viện');
    await chat.click('#send');
    await chat.waitForFunction((n) => document.querySelectorAll('#log .msg.bot').length > n, before);
    await expect(chat.locator('#log').textContent()).resolves.toContain('0258 3 630 115');
    await chat.screenshot({ path: join(SHOTS, '22-citizen-sees-new-hotline.png'), fullPage: true });
    await citizen.close();

    await page.goto(`${base}/console/audit`);
    await expect(page.locator('main').textContent()).resolves.toContain('Sửa thông tin đơn vị');
    await admin.close();
  });

  it('should neither show nor let change another unit’s details', async () => {
    const other = await browser.newContext();
    const page = await signIn(other, 'staff@vinhthanh.vn');
    const response = await page.goto(`${base}/console/units/${UNIT}`);
    expect(response?.status()).toBe(404);
    await page.goto(`${base}/console/units`);
    await expect(page.locator('main').textContent()).resolves.not.toContain('Ninh Hòa');
    await other.close();
  });
});
