/**
 * Resolves once a worker's loop has ended and then every task it started has settled. The loop
 * first: a claim under way when the worker stopped still starts its tasks, and those are waited for
 * too; `running` is read only then.
 */
export async function drained(
  loop: Promise<unknown> | undefined,
  running: () => Iterable<Promise<unknown>>,
): Promise<void> {
  await loop?.catch(() => undefined);
  await Promise.allSettled([...running()]);
}
