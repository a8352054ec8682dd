import { describe, expect, it } from 'vitest';
import { Random } from '../synth/random.ts';
import {
  checkBound,
  inflate,
  latinHypercube,
  observationErrorVariance,
  observationShift,
  regressUpdate,
  sortedQuantile,
} from './eakf.ts';

const mean = (x: Float64Array): number => x.reduce((a, b) => a + b, 0) / x.length;
const variance = (x: Float64Array): number => {
  const m = mean(x);
  return x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1);
};

describe('EAKF pieces', () => {
  it("observation error variance is Li et al.'s max(4, obs^2 / 4)", () => {
    expect(observationErrorVariance(0)).toBe(4);
    expect(observationErrorVariance(3)).toBe(4);
    expect(observationErrorVariance(100)).toBe(2500);
  });

  it('the adjusted predictions have exactly the Kalman posterior mean and variance', () => {
    const rng = new Random(1);
    const predicted = Float64Array.from({ length: 300 }, () => rng.range(50, 150));
    const shift = new Float64Array(300);
    const obs = 130;
    const r = observationErrorVariance(obs);
    const { mean: m, variance: v } = observationShift(predicted, obs, r, shift);
    const postVar = (v * r) / (v + r);
    const postMean = postVar * (m / v + obs / r);
    const adjusted = predicted.map((p, k) => p + shift[k]!);
    expect(mean(adjusted)).toBeCloseTo(postMean, 9);
    expect(variance(adjusted)).toBeCloseTo(postVar, 6);
  });

  it('a degenerate ensemble is left unadjusted; a state variable moves by its regression on the prediction', () => {
    const shift = new Float64Array(4);
    expect(observationShift(Float64Array.from([5, 5, 5, 5]), 9, 4, shift).variance).toBe(0);
    expect([...shift]).toEqual([0, 0, 0, 0]);
    // x = 2 y exactly: x must move by twice the predictions' shift.
    const y = Float64Array.from([1, 2, 3, 4]);
    const x = y.map((v) => 2 * v);
    const { mean: m, variance: v } = observationShift(y, 10, 1, shift);
    regressUpdate(x, y, m, v, shift);
    x.forEach((value, k) => expect(value).toBeCloseTo(2 * (y[k]! + shift[k]!), 12));
  });

  it('inflation keeps the mean and scales deviations; checkBound puts members back within 10% inside the range', () => {
    const x = Float64Array.from([1, 2, 3]);
    inflate(x, 1.1);
    expect([...x].map((v) => +v.toFixed(12))).toEqual([0.9, 2, 3.1]);
    const p = Float64Array.from([0.5, 0.9, 2, Number.NaN]);
    checkBound(p, 0.8, 1.5, new Random(2));
    expect(p[1]).toBe(0.9);
    for (const k of [0, 3]) {
      expect(p[k]).toBeGreaterThanOrEqual(0.8);
      expect(p[k]).toBeLessThan(0.88);
    }
    expect(p[2]).toBeGreaterThan(1.35);
    expect(p[2]).toBeLessThanOrEqual(1.5);
  });

  it('Latin hypercube has one value in each stratum; quantiles interpolate order statistics', () => {
    const x = latinHypercube(50, 2, 5, new Random(3));
    const strata = [...x].map((v) => Math.floor(((v - 2) / 3) * 50)).sort((a, b) => a - b);
    expect(strata).toEqual(Array.from({ length: 50 }, (_, k) => k));
    expect(sortedQuantile([1, 2, 3, 4, 5], 0.5)).toBe(3);
    expect(sortedQuantile([1, 2, 3, 4, 5], 0.05)).toBeCloseTo(1.2, 12);
    expect(sortedQuantile([1, 2, 3, 4, 5], 1)).toBe(5);
  });
});
