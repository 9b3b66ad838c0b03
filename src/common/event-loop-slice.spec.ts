import { EventLoopSlice } from './event-loop-slice';
import { GroupCommit } from './group-commit';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe(EventLoopSlice.name, () => {
  it('should let work go on without a break while its slice lasts', async () => {
    const slice = new EventLoopSlice(50, 4);
    await new Promise((resolve) => setImmediate(resolve));
    expect(slice.yieldSlice()).toBeUndefined();
  });

  it('should hold work once the slice is spent until what the event loop queued meanwhile has run', async () => {
    const slice = new EventLoopSlice(1, 4);
    const order: string[] = [];
    busy(3);
    setImmediate(() => order.push('queued before'));
    const worker = (async () => {
      await slice.yieldSlice();
      order.push('work');
    })();
    // Queued after the worker began to wait, as a webhook's group commit is during a poll.
    setImmediate(() => order.push('queued after'));
    await worker;
    expect(order).toEqual(['queued before', 'queued after', 'work']);
  });

  it('should let at most perTurn waiting units go on per turn of the event loop, in order', async () => {
    const slice = new EventLoopSlice(1, 2);
    busy(3);
    const started: [number, number][] = [];
    let loop = 0;
    const counter = setInterval(() => loop++, 0);
    await Promise.all(
      Array.from({ length: 6 }, async (_, n) => {
        await slice.yieldSlice();
        started.push([n, loop]);
        busy(2);
      }),
    );
    clearInterval(counter);
    expect(started.map(([n]) => n)).toEqual([0, 1, 2, 3, 4, 5]);
    const turns = started.map(([, at]) => at);
    expect(turns[0]).toBe(turns[1]);
    expect(turns[2]).toBeGreaterThan(turns[1]);
    expect(turns[4]).toBeGreaterThan(turns[3]);
    expect(slice.waiting).toBe(0);
  });

  it('should let work that finishes something go before work that starts something', async () => {
    const slice = new EventLoopSlice(1, 2);
    busy(3);
    const order: string[] = [];
    await Promise.all([
      ...['turn 1', 'turn 2', 'turn 3'].map(async (name) => {
        await slice.yieldSlice();
        order.push(name);
        busy(2);
      }),
      ...['send 1', 'send 2'].map(async (name) => {
        await slice.yieldSlice(true);
        order.push(name);
        busy(2);
      }),
    ]);
    expect(order).toEqual(['send 1', 'send 2', 'turn 1', 'turn 2', 'turn 3']);
  });

  it('should hold a release until work registered to go first has ended, though it was queued later', async () => {
    const slice = new EventLoopSlice(1, 4);
    const order: string[] = [];
    const door = new GroupCommit<string, void>((items) => {
      order.push(...items);
      return Promise.resolve(items.map(() => ({ ok: true as const, value: undefined })));
    });
    const unregister = slice.goesFirst(() => door.settled());
    busy(3);
    const worker = (async () => {
      await slice.yieldSlice();
      order.push('work');
    })();
    // The slice's release is queued now, in this check phase; a webhook's commit comes a poll later
    // and is queued behind it, yet it goes first.
    await new Promise((resolve) => setImmediate(resolve));
    const acknowledged = door.add('door');
    await Promise.all([worker, acknowledged]);
    expect(order).toEqual(['door', 'work']);
    unregister();
    expect(slice.urgentEnded()).toBeUndefined();
  });

  it('should resume a background loop in its loop turn only after the urgent work queued there', async () => {
    const slice = new EventLoopSlice();
    const order: string[] = [];
    const door = new GroupCommit<string, void>((items) => {
      order.push(...items);
      return Promise.resolve(items.map(() => ({ ok: true as const, value: undefined })));
    });
    const unregister = slice.goesFirst(() => door.settled());
    const claim = slice.nextLoopTurn().then(() => order.push('claim'));
    // Queued after the loop's hop, as a webhook read in the next poll is.
    const acknowledged = door.add('door');
    await Promise.all([claim, acknowledged]);
    expect(order).toEqual(['door', 'claim']);
    unregister();
  });
});
