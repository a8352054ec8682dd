/**
 * Whole-day delays: a gamma distribution discretised as Li et al. do in their
 * code (a delay drawn from the gamma and rounded up), so P(k days) =
 * F(k) - F(k - 1) for k >= 1, and the convolution that turns a daily series
 * of events into the daily series of their delayed consequences.
 */
// Regularised lower incomplete gamma P(s, x); in the tree through
// @stdlib/stats-base-dists-t-quantile (see the README's forecast section).
import gammainc from '@stdlib/math-base-special-gammainc';
import type { GammaDelay } from './params.ts';

/** Probability mass of the rounded-up gamma delay on 0..K days (index 0 is always 0), K covering all but 1e-9 of the mass. */
export function discreteGamma(delay: GammaDelay, tailMass = 1e-9): Float64Array {
  const scale = delay.meanDays / delay.shape;
  const cdf = (x: number): number => gammainc(x / scale, delay.shape);
  const pmf: number[] = [0];
  let previous = 0;
  for (let k = 1; previous < 1 - tailMass && k < 10_000; k++) {
    const c = cdf(k);
    pmf.push(c - previous);
    previous = c;
  }
  return Float64Array.from(pmf);
}

/**
 * out[d] = factor * sum_k pmf[k] * events[d - k], per region, for day-major
 * series of `regions` columns (events before day 0 are taken as none).
 */
export function convolveDaily(
  events: Float64Array,
  regions: number,
  pmf: Float64Array,
  factor = 1,
): Float64Array {
  const days = events.length / regions;
  const out = new Float64Array(events.length);
  for (let d = 0; d < days; d++) {
    const maxK = Math.min(d, pmf.length - 1);
    for (let k = 0; k <= maxK; k++) {
      const w = factor * pmf[k]!;
      if (w === 0) continue;
      const src = (d - k) * regions;
      const dst = d * regions;
      for (let i = 0; i < regions; i++) out[dst + i] = out[dst + i]! + w * events[src + i]!;
    }
  }
  return out;
}
