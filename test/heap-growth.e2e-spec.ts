import { spawnSync } from 'node:child_process';
import { fromRoot } from '../src/common/project-root';
import { ensureBuilt } from './support/app-process';

/**
 * The bound on V8's heap growth, in a real process: the same allocation pattern (a live set of
 * about 50 MB, and garbage that lives long enough to be promoted before it dies, as under a burst
 * of turns) reaches a much smaller heap with the bound than without it.
 */
const CHILD = `
const { boundHeapGrowth } = require(${JSON.stringify(fromRoot('dist/src/common/heap-growth.js'))});
const bounded = process.argv[1] === 'bound' ? boundHeapGrowth() : false;
const v8 = require('node:v8');
const chunk = () => Array.from({ length: 4096 }, (_, i) => ({ i, s: 'x' + i }));
const live = Array.from({ length: 150 }, chunk);
const ring = new Array(100);
let peak = 0;
for (let n = 0; n < 3000; n++) {
  ring[n % ring.length] = chunk();
  if (n % 50 === 0) peak = Math.max(peak, v8.getHeapStatistics().total_heap_size);
}
console.log(JSON.stringify({ bounded, live: live.length, peakMb: peak / 2 ** 20 }));
`;

function run(nodeArgs: string[], mode: string): { bounded: boolean; peakMb: number } {
  const child = spawnSync(process.execPath, [...nodeArgs, '-e', CHILD, mode], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`child failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as { bounded: boolean; peakMb: number };
}

describe('boundHeapGrowth', () => {
  beforeAll(() => ensureBuilt());

  it('keeps the heap of a churning process far below what V8 allows by default', () => {
    const free = run([], 'free');
    const bounded = run([], 'bound');
    expect(free.bounded).toBe(false);
    expect(bounded.bounded).toBe(true);
    // Here: about 335 MB without the bound, 195 MB with it.
    expect(bounded.peakMb).toBeLessThan(free.peakMb * 0.7);
  }, 60_000);

  it('leaves a growth setting given on the command line alone', () => {
    const given = run(['--heap-growing-percent=300'], 'bound');
    expect(given.bounded).toBe(false);
  }, 60_000);
});
