import { AsyncMutex } from './async-mutex';
import { GroupCommit } from './group-commit';
import { TurnTaking } from './turn-taking';
import { WakeUp } from './wake-up';
import { currentCorrelationId, withCorrelationId } from './correlation';
import { JsonLogger } from './json-logger';
import { scrubLogText } from './scrub';
import { SecretBox } from './secret-box';

describe('#scrubLogText', () => {
  it.each([
    ['call me 0905 123 456 now', 'call me [number] now'],
    ['+84 905.123.456', '[number]'],
    ['cccd 079123456789', 'cccd [number]'],
    ['the DN4797912345678 card', 'the [code] card'],
    ['mail an.nguyen@example.com', 'mail [email]'],
    ['GET /me/messages?access_token=EAAB123&x=1', 'GET /me/messages?access_token=[secret]&x=1'],
    ['{"refresh_token":"abc.def"}', '{"refresh_token":"[secret]"}'],
    ['ticket PA-2026-000123 on 12/03/2026', 'ticket PA-2026-000123 on 12/03/2026'],
  ])('%s → %s', (input, expected) => {
    expect(scrubLogText(input)).toBe(expected);
  });
});

describe(JsonLogger.name, () => {
  it('should write one scrubbed JSON line with level, context and correlation id', () => {
    const lines: string[] = [];
    const logger = new JsonLogger('info', (l) => lines.push(l));
    withCorrelationId('corr-1', () => logger.warn({ msg: 'sent to 0905123456', outboxId: 3 }, 'Outbox'));
    logger.debug('hidden at info level');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({
      level: 'warn',
      context: 'Outbox',
      correlationId: 'corr-1',
      msg: 'sent to [number]',
      outboxId: 3,
    });
  });
});

describe(SecretBox.name, () => {
  it('should round-trip, never store the clear text, and use a key per purpose', () => {
    const box = new SecretBox('server-secret-0123456789abcdef0123456789', 'inbox');
    const sealed = box.encrypt('số tôi 0905123456');
    expect(sealed).not.toContain('0905123456');
    expect(SecretBox.isSealed(sealed)).toBe(true);
    expect(box.decrypt(sealed)).toBe('số tôi 0905123456');
    expect(() =>
      new SecretBox('server-secret-0123456789abcdef0123456789', 'other').decrypt(sealed),
    ).toThrow();
    expect(box.decrypt('already plain')).toBe('already plain');
  });
});

/** Work that goes first: pending until `endAfter` ends it, which checks that nothing went before it. */
function urgentWork() {
  const order: string[] = [];
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  let under = true;
  return {
    order,
    pending: () => (under ? ended : undefined),
    async endAfter(ms: number) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      expect(order).toEqual([]);
      order.push('first');
      under = false;
      end();
    },
  };
}

describe('concurrency helpers', () => {
  it('should run AsyncMutex sections one at a time, in order', async () => {
    const mutex = new AsyncMutex();
    const log: string[] = [];
    const step = (name: string, ms: number) =>
      mutex.runExclusive(async () => {
        log.push(`${name}:in`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`${name}:out`);
      });
    await Promise.all([step('a', 20), step('b', 1), step('c', 5)]);
    expect(log).toEqual(['a:in', 'a:out', 'b:in', 'b:out', 'c:in', 'c:out']);
  });

  it('should let an urgent AsyncMutex waiter go before the others, and waiters of one kind in order', async () => {
    const mutex = new AsyncMutex();
    const log: string[] = [];
    const step = (name: string, urgent = false) =>
      mutex.runExclusive(async () => {
        log.push(name);
        await new Promise((r) => setTimeout(r, 2));
      }, urgent);
    await Promise.all([step('holder'), step('n1'), step('n2'), step('u1', true), step('u2', true)]);
    expect(log).toEqual(['holder', 'u1', 'u2', 'n1', 'n2']);
  });

  it('should commit items handed to GroupCommit during a flush together in the next one', async () => {
    const batches: number[][] = [];
    const group = new GroupCommit<number, number>(
      async (items) => {
        batches.push(items);
        await new Promise((r) => setTimeout(r, 5));
        return items.map((i) =>
          i === 13 ? { ok: false, error: new Error('thirteen') } : { ok: true, value: i * 2 },
        );
      },
      { maxBatch: 3 },
    );
    const first = group.add(1);
    await new Promise((r) => setImmediate(r));
    const rest = [2, 3, 13, 5].map((i) => group.add(i).catch((e: Error) => e.message));
    expect(await first).toBe(2);
    expect(await Promise.all(rest)).toEqual([4, 6, 'thirteen', 10]);
    // The first alone; the next four arrived while it ran: one batch up to the limit, then the rest.
    expect(batches).toEqual([[1], [2, 3, 13], [5]]);
    await group.idle();
    expect(group.size).toBe(0);
  });

  it('should hold a GroupCommit batch while `ready` says more is coming, and not past the hold limit', async () => {
    const batches: number[][] = [];
    let expected = 3;
    const group = new GroupCommit<number, number>(
      (items) => {
        batches.push(items);
        return Promise.resolve(items.map((value) => ({ ok: true as const, value })));
      },
      { maxBatch: 10, ready: () => pendingCount() >= expected, maxHoldMs: 50 },
    );
    let handed = 0;
    const pendingCount = () => handed - batches.flat().length;
    const add = (i: number) => (handed++, group.add(i));
    const first = add(1);
    await new Promise((r) => setTimeout(r, 5));
    const second = add(2);
    await new Promise((r) => setTimeout(r, 5));
    await Promise.all([first, second, add(3)]);
    // Held until the third arrived: one batch.
    expect(batches).toEqual([[1, 2, 3]]);
    // Nothing else is coming: the hold gives up after its limit and commits the one item.
    expected = 99;
    await add(4);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('should settle a GroupCommit round at the end of the flush queued or under way, not when idle', async () => {
    const ended: number[][] = [];
    const group = new GroupCommit<number, number>(async (items) => {
      await new Promise((r) => setTimeout(r, 5));
      ended.push(items);
      return items.map((value) => ({ ok: true, value }));
    });
    expect(group.settled()).toBeUndefined();
    const done = group.add(1);
    const queued = group.settled();
    await new Promise((r) => setImmediate(r));
    // Under way now; what arrives meanwhile is the next round's.
    const next = group.add(2);
    await queued;
    expect(ended).toEqual([[1]]);
    const underWay = group.settled();
    await Promise.all([done, next, underWay]);
    expect(ended).toEqual([[1], [2]]);
    expect(group.settled()).toBeUndefined();
  });

  it("should let a GroupCommit item's caller go on before those waiting for the round's end", async () => {
    const order: string[] = [];
    const group = new GroupCommit<number, number>((items) =>
      Promise.resolve(items.map((value) => ({ ok: true, value }))),
    );
    const caller = (async () => {
      await group.add(1);
      // A webhook's reply is several promise hops after its commit.
      for (let hop = 0; hop < 5; hop++) await Promise.resolve();
      order.push('caller');
    })();
    const waiter = group.settled()?.then(() => order.push('round waiter'));
    await Promise.all([caller, waiter]);
    expect(order).toEqual(['caller', 'round waiter']);
  });

  it('should start a GroupCommit flush only once the work it yields to has settled', async () => {
    const first = urgentWork();
    const group = new GroupCommit<number, number>(
      (items) => (first.order.push('flush'), Promise.resolve(items.map((value) => ({ ok: true, value })))),
      { maxBatch: 10, loopTurn: () => first.pending() ?? Promise.resolve() },
    );
    const added = group.add(1);
    await first.endAfter(5);
    await added;
    expect(first.order).toEqual(['first', 'flush']);
  });

  it('should fail every item of a GroupCommit batch whose flush throws, and go on with the next', async () => {
    let calls = 0;
    const group = new GroupCommit<number, number>(async (items) => {
      calls++;
      if (calls === 1) throw new Error('disk full');
      return items.map((value) => ({ ok: true, value }));
    });
    await expect(group.add(1)).rejects.toThrow('disk full');
    await expect(group.add(2)).resolves.toBe(2);
  });

  it('should give TurnTaking callers one loop iteration each, with I/O callbacks between them', async () => {
    const turns = new TurnTaking();
    const log: string[] = [];
    const take = async (name: string) => {
      await turns.next();
      log.push(name);
      // An I/O-phase callback queued during this turn runs before the next turn.
      setTimeout(() => log.push(`timer after ${name}`), 0);
      const until = Date.now() + 2;
      while (Date.now() < until); // a synchronous stretch, as a turn's classifier is
    };
    await Promise.all([take('a'), take('b'), take('c')]);
    await new Promise((r) => setTimeout(r, 5));
    expect(log.filter((l) => !l.startsWith('timer'))).toEqual(['a', 'b', 'c']);
    expect(log.indexOf('timer after a')).toBeLessThan(log.indexOf('b'));
    expect(log.indexOf('timer after b')).toBeLessThan(log.indexOf('c'));
  });

  it('should hand a TurnTaking turn over only once its loop turn has come', async () => {
    const first = urgentWork();
    const turns = new TurnTaking(() => first.pending() ?? Promise.resolve());
    const mine = turns.next().then(() => first.order.push('turn'));
    await first.endAfter(5);
    await mine;
    expect(first.order).toEqual(['first', 'turn']);
  });

  it('should keep a WakeUp nudge that came while awake, and end a sleep at a nudge or at the poll', async () => {
    const wake = new WakeUp();
    wake.begin();
    wake.nudge(); // arrived while the loop was claiming
    expect(await wake.sleep(10_000)).toBe(false);
    wake.begin();
    const sleeping = wake.sleep(10_000);
    wake.nudge();
    expect(await sleeping).toBe(false);
    wake.begin();
    expect(await wake.sleep(1)).toBe(true);
  });

  it('should keep the correlation id through awaits', async () => {
    const seen = await withCorrelationId('c-42', async () => {
      await new Promise((r) => setTimeout(r, 1));
      return currentCorrelationId();
    });
    expect(seen).toBe('c-42');
    expect(currentCorrelationId()).toBeUndefined();
  });
});
