/**
 * Pieces of the ensemble adjustment Kalman filter (Anderson, Mon Weather Rev
 * 129, 2884-2903, 2001) as Li et al. (Science 368, 489-493, 2020) use it in
 * their code (SenPei-CU/COVID-19, inference.m; read, not copied): the scalar
 * observation update, the observation error variance, inflation, parameter
 * bounds, and ensemble quantiles.
 */
import type { Random } from '../synth/random.ts';

/**
 * Observation error variance of a daily count, Li et al.'s inference.m:
 * OEV = max(4, obs^2 / 4), i.e. a standard deviation of half the count, at least 2.
 */
export function observationErrorVariance(observed: number): number {
  return Math.max(4, (observed * observed) / 4);
}

/**
 * The EAKF's scalar update of one observation: given the members' predicted
 * observations `predicted`, the observed value and its error variance, writes
 * into `shift` each member's adjustment of its predicted observation
 * (posterior mean + sqrt(R / (R + prior var)) x deviation - prediction) and
 * returns the prior variance (sample variance, n - 1); 0 means a degenerate
 * ensemble, which Li et al. leave unadjusted (their code regresses on a
 * variance of 1e-3 with zero covariance).
 */
export function observationShift(
  predicted: Float64Array,
  observed: number,
  errorVariance: number,
  shift: Float64Array,
): { mean: number; variance: number } {
  const m = predicted.length;
  let mean = 0;
  for (let k = 0; k < m; k++) mean += predicted[k]!;
  mean /= m;
  let variance = 0;
  for (let k = 0; k < m; k++) variance += (predicted[k]! - mean) ** 2;
  variance /= m - 1;
  if (!(variance > 0)) {
    shift.fill(0);
    return { mean, variance: 0 };
  }
  const postVariance = (variance * errorVariance) / (variance + errorVariance);
  const postMean = postVariance * (mean / variance + observed / errorVariance);
  const shrink = Math.sqrt(errorVariance / (errorVariance + variance));
  for (let k = 0; k < m; k++) shift[k] = postMean + shrink * (predicted[k]! - mean) - predicted[k]!;
  return { mean, variance };
}

/**
 * Adjusts one state variable of the ensemble (`x[k]`, member k) by regression
 * on the predicted observation: x += cov(x, y) / var(y) x shift.
 */
export function regressUpdate(
  x: Float64Array,
  predicted: Float64Array,
  predictedMean: number,
  predictedVariance: number,
  shift: Float64Array,
): void {
  const m = x.length;
  let xMean = 0;
  for (let k = 0; k < m; k++) xMean += x[k]!;
  xMean /= m;
  let cov = 0;
  for (let k = 0; k < m; k++) cov += (x[k]! - xMean) * (predicted[k]! - predictedMean);
  cov /= m - 1;
  const gain = cov / predictedVariance;
  if (gain === 0) return;
  for (let k = 0; k < m; k++) x[k] = x[k]! + gain * shift[k]!;
}

/** Multiplicative inflation around the ensemble mean: x = mean + lambda (x - mean) (Li et al. use lambda = 1.1 each day). */
export function inflate(x: Float64Array, lambda: number): void {
  let mean = 0;
  for (let k = 0; k < x.length; k++) mean += x[k]!;
  mean /= x.length;
  for (let k = 0; k < x.length; k++) x[k] = mean + lambda * (x[k]! - mean);
}

/**
 * Li et al.'s checkbound (inference.m): a parameter below its range is reset
 * to min x (1 + 0.1 u), above it to max x (1 - 0.1 u), u uniform in [0, 1), so
 * the members pushed out keep some spread instead of piling on the bound.
 */
export function checkBound(x: Float64Array, lo: number, hi: number, rng: Random): void {
  for (let k = 0; k < x.length; k++) {
    const v = x[k]!;
    if (v < lo || Number.isNaN(v)) x[k] = lo * (1 + 0.1 * rng.next());
    else if (v > hi) x[k] = hi * (1 - 0.1 * rng.next());
  }
}

/**
 * Latin hypercube sample of `count` values on [lo, hi): one value in each of
 * `count` equal strata, strata in random order (Li et al.'s initialize.m).
 */
export function latinHypercube(count: number, lo: number, hi: number, rng: Random): Float64Array {
  const order = Array.from({ length: count }, (_, k) => k);
  for (let k = count - 1; k > 0; k--) {
    const j = rng.int(k + 1);
    [order[k], order[j]] = [order[j]!, order[k]!];
  }
  return Float64Array.from(order, (stratum) => lo + ((stratum + rng.next()) / count) * (hi - lo));
}

/**
 * Quantile of sorted values by linear interpolation between order statistics
 * (Hyndman and Fan, Am Stat 50, 361-365, 1996, type 7, R's default).
 */
export function sortedQuantile(sorted: ArrayLike<number>, level: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * level;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
