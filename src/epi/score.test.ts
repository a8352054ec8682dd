import { describe, expect, it } from 'vitest';
import { covers, intervalScore, naiveBaseline, quantileOf, wis } from './score.ts';
import type { QuantileValue } from './score.ts';
import { HUB_QUANTILES } from './types.ts';

const q = (pairs: [number, number][]): QuantileValue[] => pairs.map(([level, value]) => ({ level, value }));

describe('weighted interval score (Bracher et al. 2021)', () => {
  it('matches a hand-computed example', () => {
    // Median 10, 50% interval [8, 13], 90% interval [5, 20]; observed 22.
    // IS_0.5 = 5 + 2/0.5 * (22 - 13) = 41; IS_0.1 = 15 + 2/0.1 * (22 - 20) = 55.
    // WIS = (0.5 * 12 + 0.25 * 41 + 0.05 * 55) / 2.5 = (6 + 10.25 + 2.75) / 2.5 = 7.6.
    const f = q([
      [0.05, 5],
      [0.25, 8],
      [0.5, 10],
      [0.75, 13],
      [0.95, 20],
    ]);
    expect(intervalScore(0.5, 8, 13, 22)).toBe(41);
    expect(intervalScore(0.1, 5, 20, 22)).toBe(55);
    expect(wis(f, 22)).toBeCloseTo(7.6, 12);
    // Inside both intervals: only the widths and the distance to the median count.
    // (0.5 * 1 + 0.25 * 5 + 0.05 * 15) / 2.5 = 1.0
    expect(wis(f, 11)).toBeCloseTo(1.0, 12);
    // Below: IS_0.5 = 5 + 4 * (8 - 6) = 13, IS_0.1 = 15 -> (2 + 3.25 + 0.75) / 2.5 = 2.4.
    expect(wis(f, 6)).toBeCloseTo(2.4, 12);
  });

  it('is the absolute error for a point mass, and the mean pinball loss x 2 for the 23 Hub quantiles', () => {
    const point = HUB_QUANTILES.map((level) => ({ level, value: 40 }));
    expect(wis(point, 47)).toBeCloseTo(7, 12);
    expect(wis(point, 31)).toBeCloseTo(9, 12);
    // Bracher et al. (2021) section 2.2: WIS = 2/(2K+1) sum over the quantile levels of the pinball loss.
    const f = HUB_QUANTILES.map((level) => ({ level, value: 100 * level ** 2 + 3 }));
    for (const y of [0, 20, 55, 120]) {
      const pinball = f.reduce((s, x) => s + ((y < x.value ? 1 : 0) - x.level) * (x.value - y), 0);
      expect(wis(f, y)).toBeCloseTo((2 / 23) * pinball, 10);
    }
    expect(() => wis(q([[0.25, 1]]), 1)).toThrow(/no median/);
  });

  it('counts coverage of central intervals, ends included', () => {
    const f = HUB_QUANTILES.map((level) => ({ level, value: level * 100 }));
    expect(covers(f, 25, 0.5)).toBe(true);
    expect(covers(f, 75, 0.5)).toBe(true);
    expect(covers(f, 24.9, 0.5)).toBe(false);
    expect(covers(f, 94, 0.9)).toBe(true);
    expect(covers(f, 95.1, 0.9)).toBe(false);
    expect(covers(f, 4.9, 0.9)).toBe(false);
  });
});

describe('naive baseline', () => {
  it("carries last week's average forward, its median, with intervals from its own past errors", () => {
    expect(quantileOf([1, 2, 3, 4], 0.5)).toBe(2.5);
    // A flat series: no past error, so every quantile is the last 7 days' mean.
    const flat = Array.from({ length: 20 }, (_, t) => (t < 13 ? 5 : 12));
    const b = naiveBaseline(flat, 19, 3, HUB_QUANTILES);
    expect(b.length).toBe(3);
    const median = b[0]!.find((x) => x.level === 0.5)!.value;
    expect(median).toBeCloseTo(12, 12);
    // Noisy series: the median is still the mean of the last 7 days, intervals widen with the horizon.
    const noisy = Array.from({ length: 40 }, (_, t) => 50 + 20 * Math.sin(t * 1.7));
    const c = naiveBaseline(noisy, 39, 28, HUB_QUANTILES);
    const mean7 = noisy.slice(33).reduce((s, v) => s + v, 0) / 7;
    for (const h of [0, 6, 27]) expect(c[h]!.find((x) => x.level === 0.5)!.value).toBeCloseTo(mean7, 9);
    expect(c[0]!.at(-1)!.value - c[0]![0]!.value).toBeGreaterThan(10);
    // 20 days: horizon h has 14 - h past errors (t = 6..19 - h), so h <= 9 has the 5 needed and h = 12
    // borrows h = 9's, widened by sqrt(12 / 9) on the log scale.
    const d = naiveBaseline(noisy.slice(0, 20), 19, 12, HUB_QUANTILES);
    const up = (h: number) => Math.log1p(d[h - 1]!.at(-2)!.value) - Math.log1p(d[h - 1]![11]!.value);
    expect(up(12)).toBeCloseTo(up(9) * Math.sqrt(12 / 9), 9);
    expect(up(9)).not.toBeCloseTo(up(8) * Math.sqrt(9 / 8), 3);
    for (const day of c)
      for (let k = 1; k < day.length; k++) expect(day[k]!.value).toBeGreaterThanOrEqual(day[k - 1]!.value);
    // The last 7 calendar days, unobserved (NaN) ones left out of the mean.
    const gaps = [NaN, 1, 2, 3, NaN, 4, 5, 6, 7];
    expect(naiveBaseline(gaps, 8, 1, [0.5])[0]![0]!.value).toBeCloseTo((2 + 3 + 4 + 5 + 6 + 7) / 6, 9);
  });
});
