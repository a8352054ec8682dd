import { describe, expect, it } from 'vitest';
import { Random } from '../synth/random.ts';
import { poisson } from './poisson.ts';

describe('poisson', () => {
  // Both branches (multiplication below 10, PTRS from 10) and the switch point.
  it.each([0.3, 5, 9.99, 10, 30, 1e4, 1e7])(
    'mean %d: sample mean within 4 standard errors, variance within 2%',
    (mean) => {
      const rng = new Random(11);
      const n = 100_000;
      let s = 0;
      let sq = 0;
      for (let i = 0; i < n; i++) {
        const k = poisson(rng, mean);
        s += k;
        sq += k * k;
      }
      const m = s / n;
      const variance = sq / n - m * m;
      expect(Math.abs(m - mean)).toBeLessThan(4 * Math.sqrt(mean / n));
      expect(Math.abs(variance / mean - 1)).toBeLessThan(0.02);
    },
  );

  it('returns whole numbers, and 0 for a mean of 0', () => {
    const rng = new Random(1);
    expect(poisson(rng, 0)).toBe(0);
    for (let i = 0; i < 1000; i++) expect(Number.isInteger(poisson(rng, 37.5))).toBe(true);
  });
});
