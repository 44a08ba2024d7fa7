import { describe, expect, it } from 'vitest';
import { backoffDelay, defaultBackoff } from './backoff.js';

describe('backoffDelay (exponential + jitter)', () => {
  it('doubles the ceiling per attempt and caps it', () => {
    const max = (n: number) => backoffDelay(n, defaultBackoff, () => 1);
    expect([0, 1, 2, 3, 4, 5, 6, 7, 50, 5000].map(max)).toEqual([
      1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000,
    ]);
  });

  it('keeps every delay inside [ceiling·(1−jitter), ceiling]', () => {
    for (let n = 0; n < 12; n++) {
      const ceiling = Math.min(60_000, 1000 * 2 ** n);
      for (let k = 0; k < 200; k++) {
        const d = backoffDelay(n);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
    expect(backoffDelay(3, defaultBackoff, () => 0)).toBe(4000);
  });

  it('spreads a fleet of agents (jitter actually varies) and tolerates odd input', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(6)));
    expect(delays.size).toBeGreaterThan(25);
    expect(backoffDelay(-3, defaultBackoff, () => 1)).toBe(1000);
    expect(backoffDelay(2.7, defaultBackoff, () => 1)).toBe(4000);
    expect(backoffDelay(1, { baseMs: 500, maxMs: 10_000, factor: 3, jitter: 0 })).toBe(1500);
  });
});
