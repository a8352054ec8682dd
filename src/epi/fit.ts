/**
 * Fitting the model to daily confirmed counts per region with the ensemble
 * adjustment Kalman filter (EAKF; Anderson, Mon Weather Rev 129, 2884-2903,
 * 2001) as Li et al. (Science 368, 489-493, 2020) use it; their reference code
 * SenPei-CU/COVID-19 (inference.m, initialize.m) was read, not copied. See the
 * README, "Forecast model", "Fitting", for every choice and where it departs
 * from theirs.
 */
import { UserError } from '../errors.ts';
import { Random } from '../synth/random.ts';
import { discreteGamma } from './delay.ts';
import {
  checkBound,
  inflate,
  latinHypercube,
  observationErrorVariance,
  observationShift,
  regressUpdate,
  sortedQuantile,
} from './eakf.ts';
import { flowsOn, StochasticStepper } from './integrate.ts';
import { newState } from './model.ts';
import { DEFAULT_OBSERVATION, FIT_BOUNDS, LI2020_PRIOR_RANGE, type EpiParams } from './params.ts';
import { addDays } from './scenario.ts';
import type { EpiData, FitOptions, FitResult, ParamSummary, ReportedParam } from './types.ts';

/** Ensemble size, Li et al. (inference.m: num_ens = 300). */
export const DEFAULT_MEMBERS = 300;
/** Multiplicative inflation of the infected compartments each day before the forecast step, Li et al. (inference.m: lambda = 1.1). */
export const INFLATION = 1.1;
/** Inflation of the parameters each day (see README "Fitting": Li et al.'s 1.1 with one pass keeps them at the prior's width). */
export const PARAM_INFLATION = 1.02;
/**
 * Inflation of beta each day: a random walk on the transmission rate, so the
 * filter can follow a fall in transmission (control measures) instead of
 * holding the pre-intervention value. 1.3 was chosen on the real-data backtest
 * (README "Fitting", "Backtest": 1.05, 1.1, 1.2, 1.3 tried); on constant-beta
 * data it costs identifiability (alpha narrows 1.9-fold instead of 3.3).
 */
export const BETA_INFLATION = 1.3;
/**
 * Seeding: E and I^u of region i start uniform in [0, SEED_FACTOR x C_i], C_i
 * its confirmed cases over the first SEED_WINDOW days (see earlyCases). Li et al.
 * (initialize.m) seed Wuhan only, E and I^u uniform in [0, 2000], when Wuhan
 * reported 454 cases in its first 14 days of their data (10-23 Jan 2020,
 * Incidence.csv rows 1-14): 2000 / 454 = 4.4, rounded to 4.
 */
export const SEED_FACTOR = 4;
export const SEED_WINDOW = 14;
/**
 * Travellers of the members' runs (fit and forecast) are drawn per region, as
 * Li et al.'s SEIR.m does, not per OD pair (see StochasticStepper).
 */
export const TRAVEL_DRAWS = 'regions';
/**
 * Steps a day of the members' runs: 2. The mean of 1,000 such runs of the
 * integrate.test.ts scenario is +0.8% above the deterministic run (+4-5% at 1
 * step, -0.2% at 4; measured), far inside the filter's observation error (a
 * standard deviation of half the count), at half the cost of 4 steps. Li et
 * al.'s SEIR.m takes one stochastic step a day.
 */
export const ENSEMBLE_STEPS_PER_DAY = 2;

const PARAM_KEYS = ['beta', 'mu', 'theta', 'latentDays', 'infectiousDays', 'alpha'] as const;

/** Ensemble adjustment Kalman filter over the observed daily confirmed per region (see the file comment). */
export function fitEnsemble(data: EpiData, options: FitOptions): FitResult {
  const members = options.members ?? DEFAULT_MEMBERS;
  if (!Number.isInteger(members) || members < 2)
    throw new UserError(`members must be an integer >= 2, got ${members}`);
  const days = options.originDay ?? data.days;
  if (!Number.isInteger(days) || days < 1 || days > data.days)
    throw new UserError(`originDay must be an integer in 1..${data.days}, got ${days}`);
  const observation = options.observation ?? DEFAULT_OBSERVATION;
  const n = data.regions.length;
  if (n === 0) throw new UserError('no regions to fit');
  if (data.confirmed.length !== data.days * n)
    throw new UserError(
      `confirmed has ${data.confirmed.length} values, expected days x regions = ${data.days * n}`,
    );
  const rng = new Random(options.seed, 0);
  const memberRng = Array.from({ length: members }, (_, m) => new Random(options.seed, m + 1));

  // Parameters as columns (one value per member), the augmented part of the state.
  const columns = Object.fromEntries(
    PARAM_KEYS.map((key) => [key, latinHypercube(members, ...LI2020_PRIOR_RANGE[key], rng)]),
  ) as Record<keyof EpiParams, Float64Array>;
  const states = initialStates(data, days, members, rng);
  const reported = Array.from({ length: members }, () => new Float64Array(days * n));
  const pmf = discreteGamma(observation.confirmDelay);
  const stepper = new StochasticStepper(n, ENSEMBLE_STEPS_PER_DAY, TRAVEL_DRAWS);
  const predicted = new Float64Array(n * members);
  const fittedConfirmed = new Float64Array(days * n);
  const column = new Float64Array(members);
  const shift = new Float64Array(members);
  const trajectory: FitResult['trajectory'] = [];
  const previous = new Float64Array(n);
  // Days before the first case anywhere are taken as before reporting began,
  // not as observed zeros (Li et al.'s series has six such days, 10-15 January
  // 2020): zeros there would pull the reporting fraction to its bound before
  // any case is seen, since every seeded member predicts some confirmations.
  let firstCaseDay = 0;
  while (firstCaseDay < days && !hasCase(data, firstCaseDay)) firstCaseDay++;

  for (let t = 0; t < days; t++) {
    // 1. Inflation of the infected compartments and the parameters (Li et al.), then bounds.
    for (const block of [1, 2, 3]) {
      for (let i = 0; i < n; i++) {
        gather(states, block * n + i, column);
        inflate(column, INFLATION);
        for (let m = 0; m < members; m++) states[m]![block * n + i] = Math.max(0, Math.round(column[m]!));
      }
    }
    for (const key of PARAM_KEYS) {
      inflate(columns[key], key === 'beta' ? BETA_INFLATION : PARAM_INFLATION);
      checkBound(columns[key], ...FIT_BOUNDS[key], rng);
    }
    // 2. Each member one stochastic day; its new reported infections; its expected confirmed today.
    const flows = flowsOn(data.flows, t);
    for (let m = 0; m < members; m++) {
      const y = states[m]!;
      previous.set(y.subarray(6 * n, 7 * n));
      stepper.day(y, paramsOf(columns, m), flows, memberRng[m]!);
      const rep = reported[m]!;
      for (let i = 0; i < n; i++) rep[t * n + i] = y[6 * n + i]! - previous[i]!;
      const maxK = Math.min(t, pmf.length - 1);
      for (let i = 0; i < n; i++) {
        let c = 0;
        for (let k = 1; k <= maxK; k++) c += pmf[k]! * rep[(t - k) * n + i]!;
        predicted[i * members + m] = c;
      }
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let m = 0; m < members; m++) s += predicted[i * members + m]!;
      fittedConfirmed[t * n + i] = s / members;
    }
    // 3. Sequential update, one observed region at a time, localised to that
    //    region's compartments and the global parameters.
    for (let i = 0; t >= firstCaseDay && i < n; i++) {
      const observed = data.confirmed[t * n + i]!;
      if (Number.isNaN(observed)) continue;
      const pred = predicted.subarray(i * members, (i + 1) * members);
      const { mean, variance } = observationShift(pred, observed, observationErrorVariance(observed), shift);
      if (variance === 0) continue;
      for (const block of [0, 1, 2, 3]) {
        gather(states, block * n + i, column);
        regressUpdate(column, pred, mean, variance, shift);
        for (let m = 0; m < members; m++) {
          const y = states[m]!;
          const pop = y[i]! + y[n + i]! + y[2 * n + i]! + y[3 * n + i]! + y[4 * n + i]!;
          y[block * n + i] = block === 0 ? Math.min(pop, Math.max(0, column[m]!)) : Math.max(0, column[m]!);
        }
      }
      // The member's recent reported infections are what the observation is a
      // sum of, so they are adjusted as well (lags 1..K of the delay).
      for (let k = 1; k <= Math.min(t, pmf.length - 1); k++) {
        const at = (t - k) * n + i;
        for (let m = 0; m < members; m++) column[m] = reported[m]![at]!;
        regressUpdate(column, pred, mean, variance, shift);
        for (let m = 0; m < members; m++) reported[m]![at] = Math.max(0, column[m]!);
      }
      for (const key of PARAM_KEYS) {
        regressUpdate(columns[key], pred, mean, variance, shift);
        checkBound(columns[key], ...FIT_BOUNDS[key], rng);
      }
    }
    // Whole counts again for the tau-leaping step.
    for (const y of states) for (let j = 0; j < 4 * n; j++) y[j] = Math.round(y[j]!);
    trajectory.push({ day: addDays(data.start, t), params: summarise(columns, states, n) });
  }

  return {
    regions: data.regions,
    start: data.start,
    days,
    members,
    states,
    params: Array.from({ length: members }, (_, m) => paramsOf(columns, m)),
    reported,
    trajectory,
    fittedConfirmed,
    observation,
  };
}

/**
 * Day-0 states: everyone susceptible but E and I^u of the regions with early
 * cases, drawn by Latin hypercube from [0, SEED_FACTOR x early cases].
 */
function initialStates(data: EpiData, days: number, members: number, rng: Random): Float64Array[] {
  const n = data.regions.length;
  const early = earlyCases(data, days);
  const states = Array.from({ length: members }, () => newState(n));
  for (let i = 0; i < n; i++) {
    const top = SEED_FACTOR * early[i]!;
    const e = top > 0 ? latinHypercube(members, 0, top, rng) : new Float64Array(members);
    const iu = top > 0 ? latinHypercube(members, 0, top, rng) : new Float64Array(members);
    const pop = Math.round(data.regions[i]!.population);
    for (let m = 0; m < members; m++) {
      const y = states[m]!;
      y[n + i] = Math.min(pop, Math.round(e[m]!));
      y[3 * n + i] = Math.min(pop - y[n + i]!, Math.round(iu[m]!));
      y[i] = pop - y[n + i]! - y[3 * n + i]!;
    }
  }
  return states;
}

/**
 * Confirmed per region over the first SEED_WINDOW days (Li et al.'s window of
 * their seed, see SEED_FACTOR), or, if there were none then, over the first
 * SEED_WINDOW days from the first day with any case.
 */
function earlyCases(data: EpiData, days: number): Float64Array {
  const n = data.regions.length;
  const cases = (t: number, i: number): number => {
    const v = data.confirmed[t * n + i]!;
    return Number.isNaN(v) ? 0 : v;
  };
  const sum = (from: number): Float64Array => {
    const early = new Float64Array(n);
    for (let t = from; t < Math.min(days, from + SEED_WINDOW); t++)
      for (let i = 0; i < n; i++) early[i] = early[i]! + cases(t, i);
    return early;
  };
  const first = sum(0);
  if (first.some((v) => v > 0)) return first;
  let start = 0;
  while (start < days && data.regions.every((_, i) => cases(start, i) === 0)) start++;
  return sum(start);
}

function hasCase(data: EpiData, t: number): boolean {
  const n = data.regions.length;
  for (let i = 0; i < n; i++) if (data.confirmed[t * n + i]! > 0) return true;
  return false;
}

function gather(states: Float64Array[], at: number, out: Float64Array): void {
  for (let m = 0; m < states.length; m++) out[m] = states[m]![at]!;
}

function paramsOf(columns: Record<keyof EpiParams, Float64Array>, m: number): EpiParams {
  return {
    beta: columns.beta[m]!,
    mu: columns.mu[m]!,
    theta: columns.theta[m]!,
    latentDays: columns.latentDays[m]!,
    infectiousDays: columns.infectiousDays[m]!,
    alpha: columns.alpha[m]!,
  };
}

/** Ensemble mean and 5%/95% quantiles of each parameter and of Rt. */
function summarise(
  columns: Record<keyof EpiParams, Float64Array>,
  states: Float64Array[],
  n: number,
): Record<ReportedParam, ParamSummary> {
  const members = states.length;
  const rt = new Float64Array(members);
  for (let m = 0; m < members; m++) rt[m] = reproductionNumber(paramsOf(columns, m), states[m]!, n);
  const out = { Rt: summary(rt) } as Record<ReportedParam, ParamSummary>;
  for (const key of PARAM_KEYS) out[key] = summary(columns[key]);
  return out;
}

/**
 * Effective reproduction number of one member: beta D (alpha + (1 - alpha) mu)
 * (Li et al.'s R_e, Science 2020, main text) times the population-weighted
 * susceptible fraction sum S / sum N.
 */
export function reproductionNumber(p: EpiParams, y: Float64Array, n: number): number {
  let s = 0;
  let pop = 0;
  for (let i = 0; i < n; i++) {
    s += y[i]!;
    pop += y[i]! + y[n + i]! + y[2 * n + i]! + y[3 * n + i]! + y[4 * n + i]!;
  }
  return p.beta * p.infectiousDays * (p.alpha + (1 - p.alpha) * p.mu) * (pop > 0 ? s / pop : 0);
}

function summary(values: Float64Array): ParamSummary {
  const sorted = Float64Array.from(values).sort();
  let mean = 0;
  for (const v of sorted) mean += v;
  return {
    mean: mean / sorted.length,
    lower: sortedQuantile(sorted, 0.05),
    upper: sortedQuantile(sorted, 0.95),
  };
}
