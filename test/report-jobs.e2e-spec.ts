import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fromRoot } from '../src/common/project-root';
import { ConsoleAuditEntity } from '../src/console/console-audit.entity';
import { ReportJobEntity } from '../src/reports/report-job.entity';
import { ReportJobRepository } from '../src/reports/report-job.repository';
import { REPORT_JOB_ENTRY } from '../src/reports/report-job.runner';
import { addConsoleUser, consoleLogin, type ConsoleSession } from './support/console-helpers';
import { ensureBuilt } from './support/app-process';
import { eventually, startTestApp, testDatabases, type TestApp } from './support/test-app';

const A = 'so-y-te-khanh-hoa';
const B = 'bvdkkv-ninh-hoa';
const C = 'cd-y-te-khanh-hoa';
// Enough records that the export is still running while the test talks to the app.
const BIG = 120_000;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe.each(testDatabases())('console report exports as jobs (%s)', (database) => {
  let t: TestApp;
  let staffA: ConsoleSession;
  let viewerB: ConsoleSession;

  // Through the app's write queue: on SQLite the app and the test share one connection.
  const insertJob = (row: ReportJobEntity) => t.db.transaction((m) => m.insert(ReportJobEntity, row));
  const job = (id: string) => t.db.manager.findOneByOrFail(ReportJobEntity, { id });
  const finished = (id: string, timeoutMs = 180_000) =>
    eventually(async () => {
      const j = await job(id);
      return j.status === 'done' || j.status === 'failed' ? j : null;
    }, timeoutMs);

  async function requestExport(s: ConsoleSession, unit: string, period: string): Promise<string> {
    const res = await t
      .http()
      .post('/console/reports')
      .set('cookie', s.cookie)
      .type('form')
      .send({ _csrf: s.csrf, unit, period, language: 'vi' })
      .expect(303);
    return res.headers.location;
  }

  function download(s: ConsoleSession, path: string) {
    return t
      .http()
      .get(path)
      .set('cookie', s.cookie)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
  }

  /** Every file of a done job: streamed bytes equal to what the job stored and the manifest states. */
  async function expectFilesMatchManifest(id: string, s: ConsoleSession): Promise<void> {
    const j = await job(id);
    expect(j.status).toBe('done');
    expect(j.files!.map((f) => f.name)).toEqual([
      'report.xlsx',
      'report.docx',
      'interactions.csv',
      'manifest.json',
    ]);
    const manifestRes = await download(s, `/console/reports/${id}/manifest.json`).expect(200);
    const manifest = JSON.parse((manifestRes.body as Buffer).toString('utf8')) as {
      files: { name: string; bytes: number; sha256: string }[];
    };
    for (const f of j.files!) {
      const res = await download(s, `/console/reports/${id}/${f.name}`).expect(200);
      const body = res.body as Buffer;
      expect(body.length).toBe(f.bytes);
      expect(Number(res.headers['content-length'])).toBe(f.bytes);
      expect(sha256(body)).toBe(f.sha256);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${j.period}-${f.name}"`);
      if (f.name !== 'manifest.json')
        expect(manifest.files.find((m) => m.name === f.name)).toEqual({
          name: f.name,
          bytes: f.bytes,
          sha256: f.sha256,
        });
    }
    expect((await download(s, `/console/reports/${id}/interactions.csv`)).headers['content-type']).toBe(
      'text/csv; charset=utf-8',
    );
  }

  beforeAll(async () => {
    ensureBuilt();
    t = await startTestApp({ database });
    await addConsoleUser(t, 'staff-a@example.org', A, 'staff');
    await addConsoleUser(t, 'viewer-b@example.org', B, 'viewer');
    staffA = await consoleLogin(t, 'staff-a@example.org');
    viewerB = await consoleLogin(t, 'viewer-b@example.org');
    for (const text of ['quên mật khẩu vneid', 'thẻ bhyt hết hạn làm lại ở đâu'])
      await t.http().post('/api/chat').send({ sessionId: 'job-1', unit: A, text }).expect(200);
    await t.http().post('/api/chat').send({ sessionId: 'job-2', unit: B, text: 'xin chào' }).expect(200);
    const generated = spawnSync(
      process.execPath,
      [
        fromRoot('dist/src/cli/evidence-generate.js'),
        '--unit',
        A,
        '--count',
        String(BIG),
        '--period',
        '2026-Q3',
      ],
      { env: { ...process.env, ...t.databaseEnv }, encoding: 'utf8' },
    );
    if (generated.status !== 0) throw new Error(`evidence:generate failed: ${generated.stderr}`);
  }, 600_000);
  afterAll(() => t?.close());

  it('should queue an export, answer at once with its page, and end with files whose sha256 match the manifest', async () => {
    const location = await requestExport(staffA, A, '2026-Q4');
    const id = /^\/console\/reports\/([0-9a-f-]{36})$/.exec(location)![1];
    const first = await t.http().get(location).set('cookie', staffA.cookie).expect(200);
    expect(first.text).toContain('id="job-status"');
    const done = await finished(id);
    expect(done).toMatchObject({
      status: 'done',
      unitId: A,
      period: '2026-Q4',
      requestedBy: 'staff-a@example.org',
    });
    expect(done.verification).toEqual([expect.objectContaining({ unitId: A, broken: null })]);
    const page = await t.http().get(location).set('cookie', staffA.cookie).expect(200);
    expect(page.text).toContain('id="files"');
    expect(page.text).toContain('Toàn vẹn');
    expect(page.text).not.toContain('http-equiv="refresh"');
    await expectFilesMatchManifest(id, staffA);
    const audit = await t.db.manager.findBy(ConsoleAuditEntity, { action: 'export' });
    expect(audit.map((a) => a.detail)).toEqual(expect.arrayContaining(['requested', 'download']));
  });

  it('should keep answering /health and web chat while a big export runs, and refuse a second export of the unit', async () => {
    const location = await requestExport(staffA, A, '2026-Q3');
    const id = location.split('/').pop()!;
    await eventually(async () => {
      const j = await job(id);
      return j.status === 'running' && j.phase === 'records' && j.processed > 0;
    }, 60_000);
    const running = await t.http().get(location).set('cookie', staffA.cookie).expect(200);
    expect(running.text).toContain('http-equiv="refresh"');
    await t.http().get('/health').expect(200);
    const turn = await t
      .http()
      .post('/api/chat')
      .send({ sessionId: 'during-export', unit: A, text: 'quên mật khẩu vneid' })
      .expect(200);
    expect((turn.body as { replies: unknown[] }).replies.length).toBeGreaterThan(0);
    // The turn and the health check came back while the export was still at work.
    expect((await job(id)).status).toBe('running');

    const again = await requestExport(staffA, A, '2026-Q4');
    expect(again).toBe(`/console/reports/${id}?busy=1`);
    const busy = await t.http().get(again).set('cookie', staffA.cookie).expect(200);
    expect(busy.text).toContain('đang có một báo cáo đang lập');
    expect(await t.db.manager.countBy(ReportJobEntity, { unitId: A, status: 'running' })).toBe(1);
    expect(await t.db.manager.countBy(ReportJobEntity, { unitId: A, status: 'queued' })).toBe(0);

    const done = await finished(id);
    expect(done.status).toBe('done');
    const csv = done.files!.find((f) => f.name === 'interactions.csv')!;
    expect(csv.chunks).toBeGreaterThan(1);
    await expectFilesMatchManifest(id, staffA);
  }, 300_000);

  it('should take back a job left running by an instance that died', async () => {
    const now = Date.now();
    const id = '00000000-0000-4000-8000-00000000dead';
    await insertJob({
      id,
      unitId: B,
      period: '2026-Q4',
      language: 'en',
      requestedBy: 'viewer-b@example.org',
      requestedById: null,
      status: 'running',
      phase: 'records',
      processed: 5000,
      error: null,
      attempts: 1,
      owner: 'a-dead-instance',
      leaseUntil: new Date(now - 1000),
      createdAt: new Date(now - 120_000),
      startedAt: new Date(now - 110_000),
      updatedAt: new Date(now - 100_000),
      finishedAt: null,
      files: null,
      verification: null,
    });
    const done = await finished(id);
    expect(done).toMatchObject({ status: 'done', attempts: 2 });
    expect(done.owner).toBeNull();
    const page = await t.http().get(`/console/reports/${id}`).set('cookie', viewerB.cookie).expect(200);
    expect(page.text).toContain('bị gián đoạn');
    await expectFilesMatchManifest(id, viewerB);
  }, 300_000);

  it('should fail a job whose instance died too many times, with a clear message', async () => {
    const now = Date.now();
    const id = '00000000-0000-4000-8000-0000000dead3';
    await insertJob({
      id,
      unitId: C,
      period: '2026-Q4',
      language: 'vi',
      requestedBy: 'staff-a@example.org',
      requestedById: null,
      status: 'running',
      phase: 'records',
      processed: 0,
      error: null,
      attempts: 3,
      owner: 'a-dead-instance',
      leaseUntil: new Date(now - 1000),
      createdAt: new Date(now - 120_000),
      startedAt: new Date(now - 110_000),
      updatedAt: new Date(now - 100_000),
      finishedAt: null,
      files: null,
      verification: null,
    });
    const failed = await finished(id, 30_000);
    expect(failed).toMatchObject({ status: 'failed', owner: null });
    expect(failed.error).toMatch(/instance running it stopped/);
  });

  it('should let exactly one claimer run a queued job (instances racing for it)', async () => {
    const repository = t.app.get(ReportJobRepository);
    const queued = await repository.insertQueued({
      id: '00000000-0000-4000-8000-00000000c1a1',
      unitId: C,
      period: '2026-Q4',
      language: 'vi',
      requestedBy: 'staff-a@example.org',
      requestedById: null,
      createdAt: new Date(),
    });
    expect(queued).not.toBeNull();
    // Two more instances race this app's own runner for the same row.
    const claims = await Promise.all([
      repository.claim('instance-x', new Date(), 60_000),
      repository.claim('instance-y', new Date(), 60_000),
    ]);
    const won = claims.filter((c) => c?.id === queued!.id);
    expect(won.length).toBeLessThanOrEqual(1);
    // Whoever won, the job was started once; a racer's win is ended here (it has no report process).
    if (won[0]) await repository.fail(queued!.id, won[0].owner!, 'test racer', new Date());
    const end = await finished(queued!.id);
    expect(end.attempts).toBe(1);
    expect(end.status).toBe(won[0] ? 'failed' : 'done');
  });

  it('should stop the report process when the instance that started it dies, leaving the job to its lease', async () => {
    const id = '00000000-0000-4000-8000-0000000000a1';
    const now = Date.now();
    await insertJob({
      id,
      unitId: A,
      period: '2026-Q3',
      language: 'vi',
      requestedBy: 'staff-a@example.org',
      requestedById: null,
      status: 'running',
      phase: 'starting',
      processed: 0,
      error: null,
      attempts: 1,
      owner: 'doomed-instance',
      leaseUntil: new Date(now + 3_600_000),
      createdAt: new Date(now),
      startedAt: new Date(now),
      updatedAt: new Date(now),
      finishedAt: null,
      files: null,
      verification: null,
    });
    // A stand-in for an instance: starts the report process as the runner does, then is killed.
    const instance = spawn(
      process.execPath,
      [
        '-e',
        `const c = require('node:child_process').spawn(process.execPath, [${JSON.stringify(REPORT_JOB_ENTRY)}, '--job', '${id}', '--owner', 'doomed-instance'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
         process.stdout.write(c.pid + '\\n'); setInterval(() => {}, 1000);`,
      ],
      { env: { ...process.env }, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const pid = await new Promise<number>((resolve) =>
      instance.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
    );
    await eventually(async () => (await job(id)).processed > 0, 60_000);
    instance.kill('SIGKILL');
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await eventually(async () => !alive(), 30_000);
    // Stopped mid-way: neither done nor failed, it waits for its lease to lapse and another instance.
    expect(await job(id)).toMatchObject({ status: 'running', owner: 'doomed-instance' });
    await t.app.get(ReportJobRepository).fail(id, 'doomed-instance', 'test cleanup', new Date());
  }, 120_000);

  it("should not let another unit's account see, download or ask for a unit's export", async () => {
    const [own] = await t.db.manager.find(ReportJobEntity, {
      where: { unitId: A, status: 'done' },
      take: 1,
    });
    await t.http().get(`/console/reports/${own.id}`).set('cookie', viewerB.cookie).expect(404);
    for (const name of ['report.xlsx', 'interactions.csv', 'manifest.json'])
      await t.http().get(`/console/reports/${own.id}/${name}`).set('cookie', viewerB.cookie).expect(404);
    const list = await t.http().get('/console/reports').set('cookie', viewerB.cookie).expect(200);
    expect(list.text).not.toContain(own.id);
    await t
      .http()
      .post('/console/reports')
      .set('cookie', viewerB.cookie)
      .type('form')
      .send({ _csrf: viewerB.csrf, unit: A, period: '2026-Q4' })
      .expect(404);
    // The owner still can.
    await t.http().get(`/console/reports/${own.id}/manifest.json`).set('cookie', staffA.cookie).expect(200);
  });
});
