import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past its live size before the next full collection.
 * Left to itself V8 allows up to four times when collections are quick: under a burst the bot's
 * live heap stays near 50 MB, yet promoted garbage (settled promises, parsed bodies, rendered
 * answers) took the process past 400 MB resident before anything collected it. At twice the live
 * size it stays near 280 MB, with no loss of throughput measured (README, "Load"); 1.5 times kept
 * it near 250 MB but its more frequent full collections cost the acknowledgements' p99 a few ms.
 */
export const HEAP_GROWING_PERCENT = 100;

/**
 * Sets the growth bound unless the process was started with its own. V8 reads this flag each time
 * it recomputes its limits, so setting it at start-up takes effect; the heap's size limits, which
 * are fixed when the heap is made, are left alone (no new way to run out of memory).
 */
export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv): boolean {
  if (execArgv.some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg))) return false;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  return true;
}
