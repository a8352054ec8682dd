/**
 * Scoring of quantile forecasts and the naive baseline they are compared to.
 *
 * WIS: Bracher, Ray, Gneiting & Reich, "Evaluating epidemic forecasts in an
 * interval format", PLoS Comput Biol 17(2): e1008618 (2021), eq. 2-4:
 *   IS_alpha(F, y) = (u - l) + 2/alpha (l - y) 1{y < l} + 2/alpha (y - u) 1{y > u}
 *   WIS(F, y) = 1/(K + 1/2) (w0 |y - m| + sum_k w_k IS_alpha_k(F, y)),  w0 = 1/2, w_k = alpha_k / 2
 * for the median m and K central intervals [l, u] of level 1 - alpha_k. With
 * the 23 Forecast Hub quantiles, K = 11. The same paper shows WIS equals the
 * mean quantile (pinball) loss times 2 up to the factor, which the tests check.
 */
import nbQuantile from '@stdlib/stats-base-dists-negative-binomial-quantile';
import poissonQuantile from '@stdlib/stats-base-dists-poisson-quantile';

/** One predictive quantile: level in (0, 1) and its value. */
export interface QuantileValue {
  level: number;
  value: number;
}

// Levels are compared after rounding: 1 - 0.975 is 0.025000000000000022 in floating point.
const key = (level: number): number => Math.round(level * 1e6);

/** The median and the central intervals of a quantile set, or an Error for a set without them (a bug). */
function intervals(q: readonly QuantileValue[]): {
  median: number;
  pairs: { alpha: number; l: number; u: number }[];
} {
  const byLevel = new Map(q.map((x) => [key(x.level), x.value]));
  const median = byLevel.get(key(0.5));
  if (median === undefined) throw new Error('wis: the quantile set has no median (level 0.5)');
  const pairs: { alpha: number; l: number; u: number }[] = [];
  for (const x of q) {
    if (x.level >= 0.5) continue;
    const u = byLevel.get(key(1 - x.level));
    if (u === undefined) throw new Error(`wis: level ${x.level} has no matching upper level ${1 - x.level}`);
    pairs.push({ alpha: 2 * x.level, l: x.value, u });
  }
  return { median, pairs };
}

/** Interval score of the central (1 - alpha) interval [l, u] for observation y (Bracher et al. 2021, eq. 2). */
export function intervalScore(alpha: number, l: number, u: number, y: number): number {
  return u - l + (2 / alpha) * Math.max(0, l - y) + (2 / alpha) * Math.max(0, y - u);
}

/** Weighted interval score (Bracher et al. 2021, eq. 4) of a symmetric quantile set with a median. */
export function wis(quantiles: readonly QuantileValue[], observed: number): number {
  const { median, pairs } = intervals(quantiles);
  let sum = 0.5 * Math.abs(observed - median);
  for (const p of pairs) sum += (p.alpha / 2) * intervalScore(p.alpha, p.l, p.u, observed);
  return sum / (pairs.length + 0.5);
}

/** Whether the central interval of `coverage` (e.g. 0.9 = 5%..95%) contains the observation. */
export function covers(quantiles: readonly QuantileValue[], observed: number, coverage: number): boolean {
  const lo = key((1 - coverage) / 2);
  const hi = key(1 - (1 - coverage) / 2);
  const l = quantiles.find((q) => key(q.level) === lo);
  const u = quantiles.find((q) => key(q.level) === hi);
  if (!l || !u) throw new Error(`covers: no ${coverage} central interval in the quantile set`);
  return l.value <= observed && observed <= u.value;
}

/** Empirical quantile (type 7, linear between order statistics) of sorted values. */
export function quantileOf(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo]!;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)]!;
  return a + (h - lo) * (b - a);
}

/** The mean of the last `k` observed (not NaN) values of `series` up to index `end` (inclusive). */
function recentMean(series: ArrayLike<number>, end: number, k: number): number {
  let s = 0;
  let c = 0;
  for (let t = end; t >= 0 && t > end - k; t--) {
    const v = series[t]!;
    if (!Number.isNaN(v)) {
      s += v;
      c++;
    }
  }
  return c ? s / c : NaN;
}

/** Options of the naive baseline. */
export interface BaselineOptions {
  /** Days averaged for the point forecast (default 7: "last week's average", issue 13). */
  window?: number;
  /** Fewest past errors needed at a horizon before borrowing from a shorter one (default 5). */
  minErrors?: number;
}

/**
 * Naive baseline: the average of the last 7 days' daily counts, carried forward flat, with quantiles from
 * the same rule's own past errors at the same horizon, on the log scale and symmetrised, added to it:
 *   e_t(h) = log(1 + y_{t+h}) - log(1 + mean(y_{t-6..t})),  for all t + h <= origin,
 *   q_tau(h) = exp(log(1 + m) + Q_tau({e_t(h)} U {-e_t(h)})) - 1,   m = mean(y_{origin-6..origin}).
 * The symmetrisation makes m the median, as in the COVIDhub-baseline of the US Forecast Hub (Cramer et al.,
 * PNAS 119(15): e2113561119, 2022), which symmetrises past first differences; using the rule's own h-day
 * errors instead gives an interval that widens with the horizon as much as the series has moved in the past.
 * The log scale keeps intervals proportional to the level of a growing or falling epidemic. When fewer than
 * `minErrors` errors exist at h (short histories), those of the longest horizon with enough are used,
 * widened by sqrt(h / h') (a random walk's growth).
 * `series`: daily counts, NaN = unobserved; `origin`: index of the last day used.
 */
export function naiveBaseline(
  series: ArrayLike<number>,
  origin: number,
  horizon: number,
  levels: readonly number[],
  options: BaselineOptions = {},
): QuantileValue[][] {
  const window = options.window ?? 7;
  const minErrors = options.minErrors ?? 5;
  const m = recentMean(series, origin, window);
  const errorsAt = (h: number): number[] => {
    const e: number[] = [];
    for (let t = window - 1; t + h <= origin; t++) {
      const y = series[t + h]!;
      const a = recentMean(series, t, window);
      if (Number.isNaN(y) || Number.isNaN(a)) continue;
      const x = Math.log1p(y) - Math.log1p(a);
      e.push(x, -x);
    }
    return e.sort((a, b) => a - b);
  };
  const out: QuantileValue[][] = [];
  let borrowed: { h: number; e: number[] } | null = null;
  for (let h = 1; h <= horizon; h++) {
    let e = errorsAt(h);
    let scale = 1;
    if (e.length / 2 >= minErrors) borrowed = { h, e };
    else if (borrowed) {
      scale = Math.sqrt(h / borrowed.h);
      e = borrowed.e;
    }
    out.push(
      levels.map((level) => ({
        level,
        value: Number.isNaN(m)
          ? NaN
          : Math.max(0, Math.expm1(Math.log1p(m) + scale * (e.length ? quantileOf(e, level) : 0))),
      })),
    );
  }
  return out;
}

/**
 * Second naive baseline, flat in the horizon: daily counts negative binomial around m, the last 7 days'
 * mean, with the variance of the last 14 days' counts around the mean of the 7 days before each
 * (method of moments: size k = m^2 / (v - m); Poisson when v <= m). It does not widen with the horizon,
 * so it is hard to beat where an epidemic has levelled off and easy where it grows.
 */
export function negbinBaseline(
  series: ArrayLike<number>,
  origin: number,
  horizon: number,
  levels: readonly number[],
): QuantileValue[][] {
  const m = recentMean(series, origin, 7);
  let ss = 0;
  let c = 0;
  for (let t = origin; t > origin - 14 && t >= 7; t--) {
    const y = series[t]!;
    const a = recentMean(series, t - 1, 7);
    if (Number.isNaN(y) || Number.isNaN(a)) continue;
    ss += (y - a) ** 2;
    c++;
  }
  const v = c ? ss / c : m;
  const one = levels.map((level) => ({
    level,
    value: !(m > 0)
      ? 0
      : v > m
        ? nbQuantile(level, (m * m) / (v - m), m / v) // p = k / (k + m) = m / v
        : poissonQuantile(level, m),
  }));
  return Array.from({ length: horizon }, () => one.map((x) => ({ ...x })));
}
