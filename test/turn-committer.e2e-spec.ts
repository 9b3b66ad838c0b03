import type { EntityManager } from 'typeorm';
import { ConcurrentTurnError } from '../src/conversation/conversation.repository';
import { TurnCommitter } from '../src/conversation/turn-committer';
import { startTestApp, testDatabases, type TestApp } from './support/test-app';

/**
 * Turns that finish together share one transaction; one that fails must fail alone, whether it
 * throws on its own or its statement fails in the database (which, on PostgreSQL, aborts the
 * whole transaction).
 */
describe.each(testDatabases())('turn committer (%s)', (database) => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp({ database });
    await t.db.dataSource.query('CREATE TABLE "committer_probe" ("n" integer PRIMARY KEY)');
  });
  afterEach(() => t.close());

  const probe = async () =>
    (await t.db.dataSource.query<{ n: number }[]>('SELECT "n" FROM "committer_probe" ORDER BY "n"')).map(
      (r) => Number(r.n),
    );

  it('commits a batch together and fails only the turn that fails, whichever way it fails', async () => {
    const committer = t.app.get(TurnCommitter);
    let writes = 0;
    const insert = (n: number) => ({
      record: null,
      write: async (manager: EntityManager) => {
        writes++;
        await manager.query(`INSERT INTO "committer_probe" ("n") VALUES (${n})`);
      },
    });
    const thrown = new ConcurrentTurnError('conversation changed during the turn');
    // Handed in together, so one batch: turn 3 writes, then throws; turn 5 breaks the primary key.
    const results = await Promise.allSettled([
      committer.commit(insert(1)),
      committer.commit(insert(2)),
      committer.commit({
        record: null,
        write: async (manager) => {
          await manager.query('INSERT INTO "committer_probe" ("n") VALUES (3)');
          throw thrown;
        },
      }),
      committer.commit(insert(4)),
      committer.commit(insert(1)),
      committer.commit(insert(6)),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect((results[2] as PromiseRejectedResult).reason).toBe(thrown);
    // Nothing of the failed turns stays, everything of the others does, each once.
    expect(await probe()).toEqual([1, 2, 4, 6]);
    // The batch was tried together, then each turn alone.
    expect(writes).toBeGreaterThan(6);

    // A batch where nothing fails is one try.
    writes = 0;
    await Promise.all([7, 8, 9].map((n) => committer.commit(insert(n))));
    expect(writes).toBe(3);
    expect(await probe()).toEqual([1, 2, 4, 6, 7, 8, 9]);
  });
});
