/** Exponential backoff with jitter: attempt 1 → ~1 s, 2 → ~2 s, … capped; random in [d/2, d]. */
export function backoffDelay(
  attempt: number,
  random: () => number = Math.random,
  baseMs = 1000,
  capMs = 300_000,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export const MAX_SEND_ATTEMPTS = 6;
