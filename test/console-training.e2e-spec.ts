import { ConsoleAuditEntity } from '../src/console/console-audit.entity';
import { ConsoleRepository } from '../src/console/console.repository';
import { TrainingExampleEntity } from '../src/console/training-example.entity';
import { TrainingSync } from '../src/console/training-sync.service';
import { InteractionRecordEntity } from '../src/interactions/interaction-record.entity';
import { NluService } from '../src/nlu/nlu.service';
import { addConsoleUser, consoleLogin, type ConsoleSession } from './support/console-helpers';
import { eventually, startTestApp, testDatabases, type TestApp } from './support/test-app';

const A = 'so-y-te-khanh-hoa';
const B = 'bvdkkv-ninh-hoa';
const PHRASE = 'xyzzy plugh frobnicate';
const TARGET = 'vneid:forgot_password';

describe.each(testDatabases())('training from the console, on every instance (%s)', (database) => {
  // Two instances on one database, as behind a load balancer; staff use the first one only.
  let first: TestApp;
  let second: TestApp;
  let staffA: ConsoleSession;
  let staffB: ConsoleSession;
  let viewerA: ConsoleSession;
  let record: InteractionRecordEntity;

  const understood = (t: TestApp) => {
    const u = t.app.get(NluService).understand(PHRASE);
    return `${u.intent}:${u.topic}`;
  };
  /** Waits until the instance answers with the model of this training version (not a sleep). */
  const applied = (t: TestApp, version: number) =>
    eventually(async () => t.app.get(TrainingSync).appliedVersion() === version, 60_000);
  const version = () => first.app.get(ConsoleRepository).trainingVersion();
  const remove = (session: ConsoleSession, exampleId: number) =>
    first
      .http()
      .post('/console/unanswered/train/remove')
      .set('cookie', session.cookie)
      .type('form')
      .send({ _csrf: session.csrf, exampleId: String(exampleId) });

  beforeAll(async () => {
    first = await startTestApp({ database, env: { TRAINING_SYNC_MS: '200' } });
    second = await startTestApp({ sharing: first, env: { TRAINING_SYNC_MS: '200' } });
    await addConsoleUser(first, 'staff-a@example.org', A, 'staff');
    await addConsoleUser(first, 'staff-b@example.org', B, 'staff');
    await addConsoleUser(first, 'viewer-a@example.org', A, 'viewer');
    staffA = await consoleLogin(first, 'staff-a@example.org');
    staffB = await consoleLogin(first, 'staff-b@example.org');
    viewerA = await consoleLogin(first, 'viewer-a@example.org');
    const chat = (body: Record<string, string>) =>
      first
        .http()
        .post('/api/chat')
        .send({ sessionId: 'citizen-t', unit: A, ...body })
        .expect(200);
    await chat({ payload: 'CONSENT_YES' });
    await chat({ text: PHRASE });
    record = await first.db.manager.findOneByOrFail(InteractionRecordEntity, { userText: PHRASE });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('should retrain every instance on an added example, list it, then forget it everywhere once removed', async () => {
    expect(record.outcome).toBe('fallback');
    expect(understood(first)).not.toBe(TARGET);
    expect(understood(second)).not.toBe(TARGET);
    const before = await version();

    await first
      .http()
      .post('/console/unanswered/train')
      .set('cookie', staffA.cookie)
      .type('form')
      .send({ _csrf: staffA.csrf, recordId: String(record.id), target: TARGET })
      .expect(303)
      .expect('location', '/console/unanswered?done=trained');
    const added = await version();
    expect(added).toBe(before + 1);
    await applied(first, added);
    await applied(second, added);
    expect(understood(first)).toBe(TARGET);
    expect(understood(second)).toBe(TARGET);
    // Through the chat API of the instance no staff touched.
    const reply = await second
      .http()
      .post('/api/chat')
      .send({ sessionId: 'citizen-u', unit: A, text: PHRASE })
      .expect(200);
    expect((reply.body as { intent?: string }).intent).toBe('vneid');

    const [example] = await first.db.manager.find(TrainingExampleEntity);
    expect(example).toMatchObject({ intent: 'vneid', topic: 'forgot_password', text: PHRASE, unitId: A });
    const page = await first.http().get('/console/unanswered').set('cookie', staffA.cookie).expect(200);
    const listed = page.text.slice(page.text.indexOf('id="training-examples"'));
    expect(listed).toContain(PHRASE);
    expect(listed).toContain('staff-a@example.org');
    expect(listed).toContain(`name="exampleId" value="${example.id}"`);
    const viewed = await first.http().get('/console/unanswered').set('cookie', viewerA.cookie).expect(200);
    expect(viewed.text).toContain(PHRASE);
    expect(viewed.text).not.toContain('name="exampleId"');

    await remove(staffA, example.id)
      .expect(303)
      .expect('location', '/console/unanswered?done=training_removed');
    const removed = await version();
    expect(removed).toBe(added + 1);
    expect(await first.db.manager.count(TrainingExampleEntity)).toBe(0);
    await applied(first, removed);
    await applied(second, removed);
    expect(understood(first)).not.toBe(TARGET);
    expect(understood(second)).not.toBe(TARGET);
    // The question is unanswered again, so it is back in the list staff can teach from.
    const again = await first.http().get('/console/unanswered').set('cookie', staffA.cookie).expect(200);
    expect(again.text.slice(0, again.text.indexOf('id="training-examples"'))).toContain(PHRASE);

    const audit = await first.db.manager.find(ConsoleAuditEntity, {
      where: [{ action: 'training_add' }, { action: 'training_remove' }],
      order: { id: 'ASC' },
    });
    expect(audit.map((a) => [a.action, a.email, a.unitId, a.target, a.detail])).toEqual([
      ['training_add', 'staff-a@example.org', A, TARGET, PHRASE],
      ['training_remove', 'staff-a@example.org', A, TARGET, PHRASE],
    ]);
    const auditPage = await first.http().get('/console/audit').set('cookie', staffA.cookie).expect(200);
    expect(auditPage.text).toContain('Thêm câu mẫu huấn luyện');
    expect(auditPage.text).toContain('Gỡ câu mẫu huấn luyện');
  });

  it('should not let staff of another unit, or a viewer, remove an example', async () => {
    await first
      .http()
      .post('/console/unanswered/train')
      .set('cookie', staffA.cookie)
      .type('form')
      .send({ _csrf: staffA.csrf, recordId: String(record.id), target: TARGET })
      .expect(303);
    const [example] = await first.db.manager.find(TrainingExampleEntity);
    const current = await version();
    await remove(staffB, example.id).expect(404);
    await remove(viewerA, example.id).expect(403);
    // And not without the form token.
    await first
      .http()
      .post('/console/unanswered/train/remove')
      .set('cookie', staffA.cookie)
      .type('form')
      .send({ exampleId: String(example.id) })
      .expect(403);
    expect(await first.db.manager.count(TrainingExampleEntity)).toBe(1);
    expect(await version()).toBe(current);
    expect(await first.db.manager.countBy(ConsoleAuditEntity, { action: 'training_remove' })).toBe(1);
    await remove(staffA, 999_999).expect(404);
  });
});
