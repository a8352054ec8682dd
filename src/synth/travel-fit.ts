/**
 * Fits the travel model (travel.ts) by maximum likelihood to Li's truncated city-pair mobility (conditional on
 * each origin-day's listed destinations) jointly with Baidu's full province distribution out of Wuhan.
 * Used by scripts/fit-travel.ts and src/synth/travel.test.ts.
 */
import type { OriginDay } from './travel-data.ts';
import { haversineKm, provinceOf } from './travel.ts';
import type { TravelCity, TravelParams } from './travel.ts';

/** Everything the fit reads, already mapped onto `cities`. */
export interface FitInput {
  cities: readonly TravelCity[];
  /** Li's origin-days to fit on. */
  originDays: readonly OriginDay[];
  /** Index of Wuhan in `cities`. */
  wuhan: number;
  /** Baidu's mean province shares of Wuhan's outflow over the fit dates (2-digit prefixes). */
  baidu: ReadonlyMap<string, number>;
}

/** The rule the simulator used before the fit: population / max(d, 50 km)^2, no province effect. */
export const OLD_RULE: TravelParams = {
  popExponent: 1,
  distanceExponent: 2,
  minKm: 50,
  farKm: 1e9,
  farDistanceExponent: 2,
  sameProvince: 0,
};

/** Candidate floors for the distance and starts of the far regime (km); the fit keeps the likeliest pair. */
export const MIN_KM_GRID = [20, 50, 80] as const;
export const FAR_KM_GRID = [300, 450, 600, 800] as const;

/**
 * Baidu's term counts 100 times as much as the mean over Li's origin-days. Li's lists are truncated and
 * irregular (Wuhan's omit Huangshi, Ezhou, Shanghai and Guangzhou but list Shenyang and Sanya), so they say
 * little about the in-province share; Baidu's is a full distribution. With weight 1 the fit sent 46% of
 * Wuhan's outflow to Hubei against Baidu's 67.7%; with 100 it matches within 0.1 points, while the Li pair
 * Spearman drops from 0.70 to 0.62 (measured by scripts/fit-travel.ts).
 */
export const BAIDU_WEIGHT = 100;

interface Design {
  logPop: Float64Array;
  logKm: Float64Array;
  same: Float64Array;
  /** Observed shares (Li: index / listed total), or the province slot of each city (Baidu). */
  y: Float64Array;
}

function design(input: FitInput, origin: number, dests: readonly number[], y: ArrayLike<number>): Design {
  const o = input.cities[origin]!;
  const at = (j: number) => input.cities[j]!;
  return {
    logPop: Float64Array.from(dests, (j) => Math.log(Math.max(at(j).population, 1))),
    logKm: Float64Array.from(dests, (j) =>
      Math.log(Math.max(haversineKm(o.lon, o.lat, at(j).lon, at(j).lat), 1e-3)),
    ),
    same: Float64Array.from(dests, (j) => (provinceOf(at(j).code) === provinceOf(o.code) ? 1 : 0)),
    y: Float64Array.from(y),
  };
}

/**
 * Log weights of a design under theta = [popExponent, distanceExponent, sameProvince, farDistanceExponent]
 * with log(minKm) and log(farKm) given (the same formula as logTravelWeight, over arrays).
 */
function logWeights(
  d: Design,
  theta: readonly number[],
  logMin: number,
  logFar: number,
  out: Float64Array,
): number {
  const [a, g, k, g2] = theta as [number, number, number, number];
  let top = -Infinity;
  for (let j = 0; j < out.length; j++) {
    const lk = d.logKm[j]!;
    out[j] =
      a * d.logPop[j]! - g * Math.max(lk, logMin) - (g2 - g) * Math.max(0, lk - logFar) + k * d.same[j]!;
    if (out[j]! > top) top = out[j]!;
  }
  return top;
}

/** The fit's log weights for trips from `origin` to `dests` (must equal travel.ts's logTravelWeight). */
export function fitLogWeights(
  cities: readonly TravelCity[],
  origin: number,
  dests: readonly number[],
  p: TravelParams,
): Float64Array {
  const d = design({ cities, originDays: [], wuhan: origin, baidu: new Map() }, origin, dests, []);
  const out = new Float64Array(dests.length);
  const theta = [p.popExponent, p.distanceExponent, p.sameProvince, p.farDistanceExponent];
  logWeights(d, theta, Math.log(p.minKm), Math.log(p.farKm), out);
  return out;
}

/** The joint log-likelihood as a function of theta for one (minKm, farKm). */
export function objective(
  input: FitInput,
  minKm: number,
  farKm: number,
): (theta: readonly number[]) => number {
  const li = input.originDays.map((od) => {
    const total = od.index.reduce((a, b) => a + b, 0);
    return design(
      input,
      od.origin,
      od.dests,
      od.index.map((x) => x / total),
    );
  });
  const all = input.cities.map((_, j) => j).filter((j) => j !== input.wuhan);
  const provinces = [...new Set(all.map((j) => provinceOf(input.cities[j]!.code)))];
  const slot = all.map((j) => provinces.indexOf(provinceOf(input.cities[j]!.code)));
  const baiduTotal = provinces.reduce((a, p) => a + (input.baidu.get(p) ?? 0), 0);
  const b = provinces.map((p) => (input.baidu.get(p) ?? 0) / baiduTotal);
  const wu = design(input, input.wuhan, all, slot);
  const logMin = Math.log(minKm);
  const logFar = Math.log(farKm);
  const buf = new Float64Array(Math.max(all.length, ...li.map((d) => d.y.length)));
  return (theta) => {
    let ll = 0;
    for (const d of li) {
      const w = buf.subarray(0, d.y.length);
      const top = logWeights(d, theta, logMin, logFar, w);
      let z = 0;
      for (let j = 0; j < w.length; j++) z += Math.exp(w[j]! - top);
      const lz = top + Math.log(z);
      for (let j = 0; j < w.length; j++) ll += d.y[j]! * (w[j]! - lz);
    }
    ll /= li.length;
    const w = buf.subarray(0, wu.y.length);
    const top = logWeights(wu, theta, logMin, logFar, w);
    const mass = new Float64Array(provinces.length);
    let z = 0;
    for (let j = 0; j < w.length; j++) {
      const e = Math.exp(w[j]! - top);
      mass[wu.y[j]!]! += e;
      z += e;
    }
    let lb = 0;
    b.forEach((bp, p) => {
      if (bp > 0) lb += bp * Math.log(mass[p]! / z);
    });
    return ll + BAIDU_WEIGHT * lb;
  };
}

/**
 * Damped Newton ascent with central finite differences (the objective is smooth in theta and has 4 unknowns):
 * a Newton step when the Hessian is negative definite, else a gradient step, halved until f improves.
 */
export function newtonMaximise(f: (x: readonly number[]) => number, x0: readonly number[]): number[] {
  let x = [...x0];
  let fx = f(x);
  const h = 1e-4;
  const n = x.length;
  const shift = (v: readonly number[], i: number, d: number) => v.map((xi, k) => (k === i ? xi + d : xi));
  const grad = (v: readonly number[]) => v.map((_, i) => (f(shift(v, i, h)) - f(shift(v, i, -h))) / (2 * h));
  for (let iter = 0; iter < 100; iter++) {
    const g = grad(x);
    // Forward differences of the central-difference gradient: n + 1 gradients per iteration.
    const H = x.map((_, i) => grad(shift(x, i, h)).map((v, k) => (v - g[k]!) / h));
    // Symmetrise, then solve -H step = g by Gaussian elimination; fall back to the gradient.
    const A = H.map((row, i) => row.map((v, k) => -(v + H[k]![i]!) / 2));
    let step = solve(A, g) ?? g;
    if (step.reduce((s, v, i) => s + v * g[i]!, 0) <= 0) step = g;
    let t = 1;
    let next = x.map((v, i) => v + t * step[i]!);
    let fn = f(next);
    while (fn < fx && t > 1e-8) {
      t /= 2;
      next = x.map((v, i) => v + t * step[i]!);
      fn = f(next);
    }
    if (fn < fx) break;
    const moved = Math.max(...next.map((v, i) => Math.abs(v - x[i]!)));
    x = next;
    fx = fn;
    if (moved < 1e-7 || n === 0) break;
  }
  return x;
}

/** Solves A x = b for a small positive definite A (Gaussian elimination); null when it is not. */
function solve(A: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    if (!(m[c]![c]! > 1e-12)) return null;
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * x[k]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

/** The fitted parameters and the log-likelihood at each candidate minKm. */
export interface FitResult {
  params: TravelParams;
  logLik: number;
  profile: { minKm: number; farKm: number; logLik: number }[];
}

/** Maximises the joint likelihood over theta for every (minKm, farKm) on the grids; keeps the best. */
export function fitTravel(input: FitInput): FitResult {
  let best: FitResult | null = null;
  const profile: FitResult['profile'] = [];
  // Each grid point starts from the previous optimum: a few Newton steps instead of a dozen.
  let start = [1, 2, 0, 2];
  for (const minKm of MIN_KM_GRID) {
    for (const farKm of FAR_KM_GRID) {
      const f = objective(input, minKm, farKm);
      const theta = newtonMaximise(f, start);
      start = theta;
      const [popExponent, distanceExponent, sameProvince, farDistanceExponent] = theta as [
        number,
        number,
        number,
        number,
      ];
      const logLik = f(theta);
      profile.push({ minKm, farKm, logLik });
      if (!best || logLik > best.logLik) {
        const params = { popExponent, distanceExponent, minKm, farKm, farDistanceExponent, sameProvince };
        best = { params, logLik, profile };
      }
    }
  }
  return best!;
}
