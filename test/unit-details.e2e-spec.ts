import { InteractionRecordEntity } from '../src/interactions/interaction-record.entity';
import { UnitDetailsVersionEntity } from '../src/unit-details/unit-details-version.entity';
import { UnitsService } from '../src/units/units.service';
import { addConsoleUser, consoleLogin, type ConsoleSession } from './support/console-helpers';
import { eventually, startTestApp, testDatabases, type TestApp } from './support/test-app';

const UNIT = 'bvdkkv-ninh-hoa';
const OTHER = 'ttyt-vinh-thanh';

const unescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The fields of the unit form as a browser would submit them. */
function formFields(html: string): Record<string, string> {
  const form = /<form[^>]*id="unit-form"[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input\b[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(m[0])?.[1];
    if (name) fields[name] = unescape(/value="([^"]*)"/.exec(m[0])?.[1] ?? '');
  }
  for (const m of form.matchAll(/<textarea\b[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g))
    fields[m[1]] = unescape(m[2]);
  for (const m of form.matchAll(/<select\b[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g))
    fields[m[1]] = unescape(/<option value="([^"]*)"\s+selected/.exec(m[2])?.[1] ?? '');
  return fields;
}

describe.each(testDatabases())('Unit details kept by the unit in the console (%s)', (database) => {
  let t: TestApp;
  let admin: ConsoleSession;
  let staff: ConsoleSession;
  let stranger: ConsoleSession;

  beforeAll(async () => {
    t = await startTestApp({ database, env: { UNIT_DETAILS_SYNC_MS: '200' } });
    await addConsoleUser(t, 'admin@ninhhoa.vn', UNIT, 'admin');
    await addConsoleUser(t, 'staff@ninhhoa.vn', UNIT, 'staff');
    await addConsoleUser(t, 'admin@vinhthanh.vn', OTHER, 'admin');
    admin = await consoleLogin(t, 'admin@ninhhoa.vn');
    staff = await consoleLogin(t, 'staff@ninhhoa.vn');
    stranger = await consoleLogin(t, 'admin@vinhthanh.vn');
  });
  afterAll(() => t?.close());

  const get = (s: ConsoleSession, path: string) => t.http().get(path).set('cookie', s.cookie);
  const post = (s: ConsoleSession, path: string, fields: Record<string, string>) =>
    t
      .http()
      .post(path)
      .set('cookie', s.cookie)
      .type('form')
      .send({ ...fields, _csrf: s.csrf });
  const form = async (s: ConsoleSession = admin) =>
    formFields((await get(s, `/console/units/${UNIT}`).expect(200)).text);
  const ask = async (text: string) =>
    (
      await t
        .http()
        .post('/api/chat')
        .send({ sessionId: `ud-${database}-${Math.random().toString(36).slice(2)}`, text, unit: UNIT })
        .expect(200)
    ).body as { replies: { text: string }[] };
  const versions = () => t.db.manager.count(UnitDetailsVersionEntity, { where: { unitId: UNIT } });

  it('should list what is missing in words a clerk understands', async () => {
    const page = await get(admin, `/console/units/${UNIT}`).expect(200);
    expect(page.text).toContain('id="setup-checklist"');
    expect(page.text).toContain('Địa chỉ của đơn vị');
    expect(page.text).toContain('Số đường dây nóng');
  });

  it('should save nothing when the form comes back unchanged', async () => {
    const res = await post(admin, `/console/units/${UNIT}`, await form()).expect(303);
    expect(res.headers.location).toContain('done=unit_unchanged');
    expect(await versions()).toBe(0);
  });

  it('should answer citizens with the details an admin saves, at once, and keep the version in the audit', async () => {
    const before = await ask('số điện thoại đường dây nóng của bệnh viện');
    expect(JSON.stringify(before.replies)).not.toContain('0258 3 630 115');
    const fields = await form();
    fields['hotlines.0.phone'] = '0258 3 630 115';
    fields['address.vi'] = 'Số 1 Trần Quý Cáp, Ninh Hiệp, Khánh Hòa';
    fields['address.en'] = '1 Tran Quy Cap Street, Ninh Hiep, Khanh Hoa';
    fields['officeHours.mon'] = '07:00-11:30, 13:30-17:00';
    fields['plan.number'] = '45/KH-BVNH';
    fields['plan.date'] = '2026-01-20';
    const saved = await post(admin, `/console/units/${UNIT}`, fields).expect(303);
    expect(saved.headers.location).toContain('done=unit_saved');

    const after = await ask('số điện thoại đường dây nóng của bệnh viện');
    expect(JSON.stringify(after.replies)).toContain('0258 3 630 115');
    const where = await ask('địa chỉ bệnh viện ở đâu');
    expect(JSON.stringify(where.replies)).toContain('Trần Quý Cáp');

    // The evidence names the details the answer used.
    const unit = t.app.get(UnitsService).get(UNIT)!;
    expect(unit.detailsVersion).toBe(1);
    const last = await t.db.manager.find(InteractionRecordEntity, {
      where: { unitId: UNIT },
      order: { seq: 'DESC' },
      take: 1,
    });
    expect(last[0].contentVersion).toMatch(new RegExp(`^[0-9a-f]{8}\\.${unit.detailsHash.slice(0, 7)}$`));

    const page = await get(admin, `/console/units/${UNIT}`).expect(200);
    expect(page.text).toContain('id="unit-history"');
    expect(page.text).toMatch(/v1 · [^<]* · admin@ninhhoa\.vn/);
    expect(page.text).not.toContain('Địa chỉ của đơn vị');
    const audit = await get(admin, '/console/audit').expect(200);
    expect(audit.text).toContain('Sửa thông tin đơn vị');
    expect(audit.text).toContain('v1');
  });

  it('should refuse an invalid phone, a bad link or half a translation with a clear message, and save nothing', async () => {
    const count = await versions();
    const cases: [string, string, string][] = [
      ['hotlines.0.phone', 'gọi tôi nhé', 'hotlines[0].phone'],
      ['website', 'http://benhvien.vn', 'website'],
      ['website', 'https://example.com', 'website'],
      ['officeHours.tue', '7h-11h', 'officeHours.tue'],
      ['plan.date', '20/01/2026', 'plan.date'],
    ];
    for (const [name, value, path] of cases) {
      const fields = await form();
      fields[name] = value;
      const res = await post(admin, `/console/units/${UNIT}`, fields).expect(400);
      expect(res.text).toContain(path);
      // What was typed is still in the form.
      expect(res.text).toContain(value.replace(/&/g, '&amp;'));
    }
    const half = await form();
    half['visitingHours.vi'] = 'Từ 11:00 đến 13:00';
    half['visitingHours.en'] = '';
    const res = await post(admin, `/console/units/${UNIT}`, half).expect(400);
    expect(res.text).toContain('visitingHours.en');
    expect(await versions()).toBe(count);
  });

  it('should let only the unit admin change them, and hide them from another unit', async () => {
    const fields = await form(staff);
    fields['switchboard'] = '0258 3 000 000';
    await post(staff, `/console/units/${UNIT}`, fields).expect(403);
    await get(stranger, `/console/units/${UNIT}`).expect(404);
    await post(stranger, `/console/units/${UNIT}`, fields).expect(404);
    await get(stranger, `/console/units/${UNIT}/export`).expect(404);
    expect(t.app.get(UnitsService).get(UNIT)!.switchboard).not.toBe('0258 3 000 000');
  });

  it("should import the unit's entry from a units-file text, and refuse one for another unit or touching the operator's fields", async () => {
    const exported = (await get(admin, `/console/units/${UNIT}/export`).expect(200)).text;
    const edited = exported.replace(/switchboard: .*/, 'switchboard: 0258 3 111 222');
    const count = await versions();
    const done = await post(admin, `/console/units/${UNIT}/import`, { yaml: edited }).expect(303);
    expect(done.headers.location).toContain('done=unit_saved');
    expect(t.app.get(UnitsService).get(UNIT)!.switchboard).toBe('0258 3 111 222');
    expect(await versions()).toBe(count + 1);
    const wrongUnit = exported.replace(`id: ${UNIT}`, 'id: ttyt-vinh-thanh');
    expect(
      (await post(admin, `/console/units/${UNIT}/import`, { yaml: wrongUnit }).expect(400)).text,
    ).toContain('no entry with id');
    const webChat = exported.replace(/webChat: .*/, 'webChat: public');
    expect(
      (await post(admin, `/console/units/${UNIT}/import`, { yaml: webChat }).expect(400)).text,
    ).toContain('webChat');
    const broken = (await post(admin, `/console/units/${UNIT}/import`, { yaml: 'units: [ {' }).expect(400))
      .text;
    expect(broken).toContain('not a units file');
    await post(staff, `/console/units/${UNIT}/import`, { yaml: edited }).expect(403);
    expect(await versions()).toBe(count + 1);
  });

  it('should reach another instance within the sync interval, and a restart', async () => {
    const other = await startTestApp({ database, env: { UNIT_DETAILS_SYNC_MS: '200' }, sharing: t });
    try {
      const fields = await form();
      fields['switchboard'] = '0258 3 845 845';
      await post(admin, `/console/units/${UNIT}`, fields).expect(303);
      await eventually(async () => other.app.get(UnitsService).get(UNIT)!.switchboard === '0258 3 845 845');
      const exported = await get(admin, `/console/units/${UNIT}/export`).expect(200);
      expect(exported.text).toContain('0258 3 845 845');
      expect(exported.text).toContain('id: bvdkkv-ninh-hoa');
    } finally {
      await other.app.close();
    }
    // An instance that starts later begins with the saved details.
    const restarted = await startTestApp({ database, sharing: t });
    try {
      expect(restarted.app.get(UnitsService).get(UNIT)!.switchboard).toBe('0258 3 845 845');
    } finally {
      await restarted.app.close();
    }
  });
});
