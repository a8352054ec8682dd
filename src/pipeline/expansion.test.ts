import { describe, expect, it } from 'vitest';
import { cityFactor, expandPublished, monthsOf } from './expansion.ts';
import { scaleIndex } from './scale.ts';

describe('expansion factors and expanded figures (decision 2)', () => {
  it('gives a city factor with its 95% bounds, none below k residents or without a census count', () => {
    const f = cityFactor(1_000_000, 400, 15)!;
    expect(f.f).toBe(2500);
    expect(f.lo).toBeCloseTo(1_000_000 / (400 + 1.96 * 20), 9);
    expect(f.hi).toBeCloseTo(1_000_000 / (400 - 1.96 * 20), 9);
    expect(cityFactor(1_000_000, 14, 15)).toBeNull();
    expect(cityFactor(0, 400, 15)).toBeNull();
    // n - 1.96 sqrt n <= 0 (n = 3: 3 - 3.39): no upper bound.
    expect(cityFactor(1000, 3, 1)!.hi).toBeNull();
    expect(cityFactor(1000, 4, 1)!.hi).toBeCloseTo(1000 / (4 - 3.92), 6);
  });

  it('sums count x F over published cells, rounded; null when suppressed or a cell has no factor', () => {
    const a = cityFactor(1_000_000, 400, 15)!;
    const b = cityFactor(500_000, 100, 15)!;
    const e = expandPublished([
      { count: 20, suppressed: false, factor: a },
      { count: null, suppressed: true, factor: a },
      { count: 17, suppressed: false, factor: b },
    ])!;
    expect(e.value).toBe(Math.round(20 * 2500 + 17 * 5000));
    expect(e.lo).toBe(Math.round(20 * a.lo + 17 * b.lo));
    expect(e.hi).toBe(Math.round(20 * a.hi! + 17 * b.hi!));
    expect(expandPublished([{ count: null, suppressed: true, factor: a }])).toBeNull();
    expect(expandPublished([{ count: 20, suppressed: false, factor: null }])).toBeNull();
    expect(expandPublished([])).toEqual({ value: 0, lo: 0, hi: 0 });
    const noHi = cityFactor(1000, 3, 1)!;
    expect(
      expandPublished([
        { count: 20, suppressed: false, factor: a },
        { count: 16, suppressed: false, factor: noHi },
      ])!.hi,
    ).toBeNull();
  });

  it('lists the months of a range, across a year end', () => {
    expect(monthsOf('2019-12-30', '2020-02-01')).toEqual(['2019-12', '2020-01', '2020-02']);
    expect(monthsOf('2020-01-16', '2020-01-22')).toEqual(['2020-01']);
  });

  it('gives the scale index to one decimal, null without a published day or mean', () => {
    expect(scaleIndex(30, 20)).toBe(150);
    expect(scaleIndex(1, 3)).toBe(33.3);
    expect(scaleIndex(null, 20)).toBeNull();
    expect(scaleIndex(30, null)).toBeNull();
    expect(scaleIndex(30, 0)).toBeNull();
  });
});
