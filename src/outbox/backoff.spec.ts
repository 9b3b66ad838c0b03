import { backoffDelay } from './backoff';

describe('#backoffDelay', () => {
  it('should double per attempt within [d/2, d] and stop at the cap', () => {
    expect(backoffDelay(1, () => 0)).toBe(500);
    expect(backoffDelay(1, () => 1)).toBe(1000);
    expect(backoffDelay(4, () => 1)).toBe(8000);
    expect(backoffDelay(4, () => 0)).toBe(4000);
    expect(backoffDelay(30, () => 1)).toBe(300_000);
  });

  it('should spread retries (jitter) instead of synchronising them', () => {
    const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(5)));
    expect(delays.size).toBeGreaterThan(1);
  });
});
