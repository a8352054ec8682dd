import { describe, expect, it } from 'vitest';
import { convolveDaily, discreteGamma } from './delay.ts';

describe('discreteGamma', () => {
  it('shape 1 (exponential) rounded up: P(k) = exp(-(k-1)/m) - exp(-k/m), to 1e-12', () => {
    const m = 4;
    const pmf = discreteGamma({ meanDays: m, shape: 1 });
    expect(pmf[0]).toBe(0);
    for (let k = 1; k < pmf.length; k++) {
      expect(Math.abs(pmf[k]! - (Math.exp(-(k - 1) / m) - Math.exp(-k / m)))).toBeLessThan(1e-12);
    }
  });

  it("Li et al.'s reporting delay (mean 9, shape 1.85): mass 1, mean of the rounded-up delay 9 + about 1/2", () => {
    const pmf = discreteGamma({ meanDays: 9, shape: 1.85 });
    const mass = pmf.reduce((a, b) => a + b, 0);
    const mean = pmf.reduce((a, p, k) => a + k * p, 0);
    expect(Math.abs(mass - 1)).toBeLessThan(1e-8);
    // E[ceil X] = E[X] + 1/2 up to the density's roughness across a day (measured 9.49).
    expect(mean).toBeGreaterThan(9.45);
    expect(mean).toBeLessThan(9.55);
  });
});

describe('convolveDaily', () => {
  it('moves each day and region by the delay and scales by the factor', () => {
    const pmf = Float64Array.from([0, 0.25, 0.75]);
    // 2 regions, 4 days: 8 events on day 0 in region 0, 4 on day 1 in region 1.
    const events = Float64Array.from([8, 0, 0, 4, 0, 0, 0, 0]);
    expect(Array.from(convolveDaily(events, 2, pmf, 0.5))).toEqual([0, 0, 1, 0, 3, 0.5, 0, 1.5]);
  });
});
