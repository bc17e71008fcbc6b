import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../server/actions/webhook.ts';

describe('backoffDelay', () => {
  const policy = { timeoutMs: 1000, maxAttempts: 8, backoffMs: 100, maxBackoffMs: 2000 };
  it('grows exponentially up to the cap, with full jitter', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, { ...policy, random: () => 1 }))).toEqual([100, 200, 400, 800, 1600, 2000]);
    expect(backoffDelay(4, { ...policy, random: () => 0 })).toBe(0);
    expect(backoffDelay(4, { ...policy, random: () => 0.5 })).toBe(400);
  });
});
