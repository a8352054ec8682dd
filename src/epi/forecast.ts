/**
 * Ensemble forecasts from a fitted ensemble (issue 13): every member runs
 * `horizon` stochastic days from its fitted state with its own parameters,
 * per scenario; confirmed cases continue the delay convolution of the
 * member's reported infections (fit.reported, then the forecast's), deaths
 * follow confirmed through the fatality ratio and the death delay, and
 * observation noise is drawn on top, so the quantiles are of predicted
 * counts, not of their expectations. See the README, "Forecasts and scenarios".
 */
import { UserError } from '../errors.ts';
import { Random } from '../synth/random.ts';
import { discreteGamma } from './delay.ts';
import { sortedQuantile } from './eakf.ts';
import { ENSEMBLE_STEPS_PER_DAY, TRAVEL_DRAWS } from './fit.ts';
import { flowsOn, StochasticStepper } from './integrate.ts';
import { poisson } from './poisson.ts';
import { addDays, scenarioFlows } from './scenario.ts';
import {
  HUB_QUANTILES,
  type EpiData,
  type FitResult,
  type ForecastOptions,
  type ForecastRow,
  type Quantity,
  type Scenario,
} from './types.ts';

/**
 * Dispersion of the predictive counts: negative binomial with size 4, i.e.
 * variance = mean + mean^2 / 4, which for large counts is Li et al.'s
 * observation error variance obs^2 / 4 (inference.m: OEV = max(4, obs^2/4))
 * and for small counts Poisson rather than their floor of 4.
 */
export const NOISE_SIZE = 4;

/** One negative binomial draw (gamma-Poisson mixture; the gamma of integer shape NOISE_SIZE as a sum of exponentials). */
export function noisyCount(rng: Random, mean: number): number {
  if (!(mean > 0)) return 0;
  let rate = 0;
  for (let k = 0; k < NOISE_SIZE; k++) rate += rng.exp(mean / NOISE_SIZE);
  return poisson(rng, rate);
}

/** Forecast rows for every scenario (baseline first), region and group (see the file comment). */
export function forecastEnsemble(fit: FitResult, data: EpiData, options: ForecastOptions): ForecastRow[] {
  const { horizon } = options;
  if (!Number.isInteger(horizon) || horizon < 1)
    throw new UserError(`horizon must be an integer >= 1, got ${horizon}`);
  const n = fit.regions.length;
  const codes = fit.regions.map((r) => r.code);
  const groups = (options.groups ?? []).map((g) => ({
    code: g.code,
    indexes: g.members.map((code) => {
      const i = codes.indexOf(code);
      if (i < 0) throw new UserError(`group ${g.code}: unknown region ${code}`);
      return i;
    }),
  }));
  const scenarios: Scenario[] = [{ name: 'baseline' }, ...(options.scenarios ?? [])];
  const names = new Set<string>();
  for (const s of scenarios) {
    if (names.has(s.name)) throw new UserError(`scenario ${s.name} given twice ('baseline' is always run)`);
    names.add(s.name);
  }
  const origin = addDays(fit.start, fit.days - 1);
  const baseFlows = options.flows ?? (data.flows.length > 0 ? [flowsOn(data.flows, fit.days - 1)!] : []);
  const quantities: Quantity[] = options.ratios
    ? ['confirmed', 'deaths', 'contacts', 'suspected']
    : ['confirmed', 'deaths'];
  const rows: ForecastRow[] = [];
  scenarios.forEach((scenario, s) => {
    const flows = scenarioFlows(baseFlows, fit.regions, scenario, addDays(origin, 1), horizon);
    // Noise streams under a different seed, so they never coincide with a member's dynamics stream.
    const draws = simulate(fit, flows, horizon, new Random(options.seed ^ 0x5bd1e995, s), options.seed, s);
    const emit = (region: string, h: number, get: (m: number) => [number, number]): void => {
      const confirmed = new Float64Array(fit.members);
      const deaths = new Float64Array(fit.members);
      for (let m = 0; m < fit.members; m++) [confirmed[m], deaths[m]] = get(m);
      confirmed.sort();
      deaths.sort();
      for (const quantity of quantities) {
        const sorted = quantity === 'deaths' ? deaths : confirmed;
        const factor =
          quantity === 'contacts'
            ? options.ratios!.contactsPerCase
            : quantity === 'suspected'
              ? options.ratios!.suspectedPerConfirmed
              : 1;
        const base = {
          scenario: scenario.name,
          origin,
          target: addDays(origin, h),
          horizon: h,
          region,
          quantity,
        };
        for (const level of HUB_QUANTILES)
          rows.push({ ...base, quantile: level, value: factor * sortedQuantile(sorted, level) });
        rows.push({ ...base, quantile: null, value: factor * sortedQuantile(sorted, 0.5) });
      }
    };
    const at = (h: number, i: number, m: number): number => ((h - 1) * n + i) * fit.members + m;
    for (let i = 0; i < n; i++)
      for (let h = 1; h <= horizon; h++)
        emit(codes[i]!, h, (m) => [draws.confirmed[at(h, i, m)]!, draws.deaths[at(h, i, m)]!]);
    for (const g of groups)
      for (let h = 1; h <= horizon; h++)
        emit(g.code, h, (m) => {
          let c = 0;
          let d = 0;
          for (const i of g.indexes) {
            c += draws.confirmed[at(h, i, m)]!;
            d += draws.deaths[at(h, i, m)]!;
          }
          return [c, d];
        });
  });
  return rows;
}

/**
 * Each member's predictive draws of daily confirmed and deaths over the
 * horizon, laid out [(day * regions + region) * members + member].
 */
function simulate(
  fit: FitResult,
  flows: ReturnType<typeof scenarioFlows>,
  horizon: number,
  noiseRng: Random,
  seed: number,
  scenario: number,
): { confirmed: Float64Array; deaths: Float64Array } {
  const n = fit.regions.length;
  const members = fit.members;
  const total = fit.days + horizon;
  const confirmPmf = discreteGamma(fit.observation.confirmDelay);
  const deathPmf = discreteGamma(fit.observation.deathDelay);
  const stepper = new StochasticStepper(n, ENSEMBLE_STEPS_PER_DAY, TRAVEL_DRAWS);
  const confirmed = new Float64Array(horizon * n * members);
  const deaths = new Float64Array(horizon * n * members);
  const reported = new Float64Array(total * n);
  const expected = new Float64Array(total * n);
  const previous = new Float64Array(n);
  for (let m = 0; m < members; m++) {
    // A stream per (scenario, member): scenarios differ only where their flows do.
    const rng = new Random(seed, 1 + scenario * members + m);
    reported.fill(0);
    reported.set(fit.reported[m]!);
    const y = Float64Array.from(fit.states[m]!);
    for (let d = 0; d < horizon; d++) {
      previous.set(y.subarray(6 * n, 7 * n));
      stepper.day(y, fit.params[m]!, flowsOn(flows, d), rng);
      const at = (fit.days + d) * n;
      for (let i = 0; i < n; i++) reported[at + i] = y[6 * n + i]! - previous[i]!;
    }
    // Expected confirmed for every day (history and forecast), so deaths see the whole past.
    convolveInto(reported, expected, n, confirmPmf, 1, 0, total);
    for (let d = 0; d < horizon; d++) {
      const t = fit.days + d;
      for (let i = 0; i < n; i++) {
        let death = 0;
        for (let k = 1; k < deathPmf.length && k <= t; k++)
          death += deathPmf[k]! * expected[(t - k) * n + i]!;
        const out = (d * n + i) * members + m;
        confirmed[out] = noisyCount(noiseRng, expected[t * n + i]!);
        deaths[out] = noisyCount(noiseRng, fit.observation.fatalityRatio * death);
      }
    }
  }
  return { confirmed, deaths };
}

/** out[d] = factor sum_{k>=1} pmf[k] events[d - k], per region, for days from..to-1. */
function convolveInto(
  events: Float64Array,
  out: Float64Array,
  n: number,
  pmf: Float64Array,
  factor: number,
  from: number,
  to: number,
): void {
  for (let d = from; d < to; d++) {
    for (let i = 0; i < n; i++) out[d * n + i] = 0;
    const maxK = Math.min(d, pmf.length - 1);
    for (let k = 1; k <= maxK; k++) {
      const w = factor * pmf[k]!;
      const src = (d - k) * n;
      for (let i = 0; i < n; i++) out[d * n + i] = out[d * n + i]! + w * events[src + i]!;
    }
  }
}
