/**
 * Integrators for the model in model.ts: classical fourth-order Runge-Kutta
 * with a fixed sub-daily step (deterministic), and Poisson tau-leaping with a
 * seeded generator (stochastic). Both return the same daily series per region.
 */
import type { Random } from '../synth/random.ts';
import { convolveDaily, discreteGamma } from './delay.ts';
import { derivatives, prepare, type DailyFlows, VALUES_PER_REGION } from './model.ts';
import {
  DEFAULT_OBSERVATION,
  DEFAULT_STEPS_PER_DAY,
  DEFAULT_STOCHASTIC_STEPS_PER_DAY,
  type EpiParams,
  type ObservationParams,
} from './params.ts';
import { poisson } from './poisson.ts';

/** What to run. */
export interface RunOptions {
  params: EpiParams;
  /** Start state (model.ts layout, e.g. from `seededState`). */
  initial: Float64Array;
  days: number;
  /** Flows per day; day d uses `flows[min(d, flows.length - 1)]` (the last day carries forward); empty = no travel. */
  flows: readonly DailyFlows[];
  stepsPerDay?: number;
  observation?: ObservationParams;
}

/**
 * Daily series, day-major (`x[d * regions + i]`): flows during day d
 * (new infections S -> E, new reported E -> I^r, new confirmed, deaths) and
 * compartments at the end of day d. Confirmed and deaths only count reported
 * infections that arose during the run.
 */
export interface DailySeries {
  days: number;
  regions: number;
  newInfections: Float64Array;
  newReported: Float64Array;
  newConfirmed: Float64Array;
  deaths: Float64Array;
  S: Float64Array;
  E: Float64Array;
  Ir: Float64Array;
  Iu: Float64Array;
  R: Float64Array;
}

/** Deterministic run: RK4, `stepsPerDay` equal steps a day (default 4, see params.ts). */
export function integrateDeterministic(options: RunOptions): DailySeries {
  const n = regionsOf(options.initial);
  const h = 1 / (options.stepsPerDay ?? DEFAULT_STEPS_PER_DAY);
  const steps = Math.round(1 / h);
  const size = options.initial.length;
  const y = Float64Array.from(options.initial);
  const [k1, k2, k3, k4, tmp, scratch] = [0, 1, 2, 3, 4, 5].map(() => new Float64Array(size)) as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const recorder = new Recorder(n, options.days, y);
  for (let day = 0; day < options.days; day++) {
    const flows = flowsOn(options.flows, day);
    for (let s = 0; s < steps; s++) {
      derivatives(y, k1, n, options.params, flows, scratch);
      for (let j = 0; j < size; j++) tmp[j] = y[j]! + 0.5 * h * k1[j]!;
      derivatives(tmp, k2, n, options.params, flows, scratch);
      for (let j = 0; j < size; j++) tmp[j] = y[j]! + 0.5 * h * k2[j]!;
      derivatives(tmp, k3, n, options.params, flows, scratch);
      for (let j = 0; j < size; j++) tmp[j] = y[j]! + h * k3[j]!;
      derivatives(tmp, k4, n, options.params, flows, scratch);
      for (let j = 0; j < size; j++) y[j] = y[j]! + (h / 6) * (k1[j]! + 2 * k2[j]! + 2 * k3[j]! + k4[j]!);
    }
    recorder.endOfDay(day, y);
  }
  return recorder.finish(options.observation ?? DEFAULT_OBSERVATION);
}

/**
 * Stochastic run: every event of a step (infection, E -> I^r, E -> I^u,
 * recoveries, and each OD pair's travellers of S, E, I^u, R) is a Poisson
 * draw with mean rate x step, the rate taken at the deterministic midpoint of
 * the step (midpoint tau-leaping, Gillespie, J Chem Phys 115, 1716, 2001); a draw
 * larger than what is left in its compartment is cut to it (as Li et al.'s
 * code bounds its draws), so counts stay whole and non-negative and every
 * traveller leaves one region and enters another. Default 4 steps a day
 * (see params.ts). Confirmed and deaths are the expected values given the
 * simulated reported infections.
 */
export function integrateStochastic(options: RunOptions, rng: Random): DailySeries {
  const n = regionsOf(options.initial);
  const stepper = new StochasticStepper(n, options.stepsPerDay);
  const y = Float64Array.from(options.initial, Math.round);
  const recorder = new Recorder(n, options.days, y);
  for (let day = 0; day < options.days; day++) {
    stepper.day(y, options.params, flowsOn(options.flows, day), rng);
    recorder.endOfDay(day, y);
  }
  return recorder.finish(options.observation ?? DEFAULT_OBSERVATION);
}

/**
 * Day-stepping form of `integrateStochastic` (the same draws in the same
 * order), for the ensemble filter and forecasts, which advance each member one
 * day, look at it and adjust it between days. Holds its work buffers, so one
 * stepper serves every member of an ensemble of the same regions.
 */
export class StochasticStepper {
  private readonly h: number;
  private readonly steps: number;
  private readonly next: Float64Array;
  private readonly left: Float64Array;
  private readonly perMover: Float64Array;
  private readonly mid: Float64Array;
  private readonly slope: Float64Array;

  /**
   * `travel`: 'pairs' draws each OD pair's travellers (as `integrateStochastic`,
   * every traveller leaves one region and enters another); 'regions' draws one
   * Poisson number of arrivals and one of departures per region and
   * compartment, as Li et al.'s SEIR.m does, conserving the population only
   * on average but costing 9x less on their 375-city data (bench/epi-fit.ts).
   */
  constructor(
    private readonly n: number,
    stepsPerDay = DEFAULT_STOCHASTIC_STEPS_PER_DAY,
    private readonly travel: 'pairs' | 'regions' = 'pairs',
  ) {
    this.h = 1 / stepsPerDay;
    this.steps = Math.round(stepsPerDay);
    const size = VALUES_PER_REGION * n;
    this.next = new Float64Array(size);
    this.left = new Float64Array(size);
    this.perMover = new Float64Array(n);
    this.mid = new Float64Array(size);
    this.slope = new Float64Array(size);
  }

  /**
   * Advances `y` (model.ts layout, whole counts) in place by one day with
   * parameters `p` and the day's flows (undefined = no travel). The day's new
   * infections and new reported are the growth of the running totals in `y`.
   */
  day(y: Float64Array, p: EpiParams, flows: DailyFlows | undefined, rng: Random): void {
    const { n, h, next, left, perMover, mid, slope } = this;
    for (let s = 0; s < this.steps; s++) {
      // Midpoint tau-leaping: event rates are taken at the deterministic
      // half-step state, which removes the first-order bias of plain
      // tau-leaping in the mean (measured in integrate.test.ts).
      derivatives(y, slope, n, p, flows, perMover);
      for (let j = 0; j < y.length; j++) mid[j] = Math.max(0, y[j]! + 0.5 * h * slope[j]!);
      next.set(y);
      for (let i = 0; i < n; i++) {
        const S = y[i]!;
        const E = y[n + i]!;
        const Ir = y[2 * n + i]!;
        const Iu = y[3 * n + i]!;
        const R = y[4 * n + i]!;
        const mS = mid[i]!;
        const mE = mid[n + i]!;
        const mIr = mid[2 * n + i]!;
        const mIu = mid[3 * n + i]!;
        const mR = mid[4 * n + i]!;
        const pop = mS + mE + mIr + mIu + mR;
        const inf = Math.min(S, poisson(rng, pop > 0 ? (h * p.beta * mS * (mIr + p.mu * mIu)) / pop : 0));
        const toR = Math.min(E, poisson(rng, (h * p.alpha * mE) / p.latentDays));
        const toU = Math.min(E - toR, poisson(rng, (h * (1 - p.alpha) * mE) / p.latentDays));
        const recR = Math.min(Ir, poisson(rng, (h * mIr) / p.infectiousDays));
        const recU = Math.min(Iu, poisson(rng, (h * mIu) / p.infectiousDays));
        next[i] = S - inf;
        next[n + i] = E + inf - toR - toU;
        next[2 * n + i] = Ir + toR - recR;
        next[3 * n + i] = Iu + toU - recU;
        next[4 * n + i] = R + recR + recU;
        next[5 * n + i] = y[5 * n + i]! + inf;
        next[6 * n + i] = y[6 * n + i]! + toR;
        // What may still leave by travel this step: the start-of-step content less local exits.
        left[i] = S - inf;
        left[n + i] = E - toR - toU;
        left[3 * n + i] = Iu - recU;
        left[4 * n + i] = R;
        perMover[i] = pop - mIr > 0 ? (h * p.theta) / (pop - mIr) : 0;
      }
      if (flows && this.travel === 'pairs') travelDraws(mid, next, left, perMover, n, flows, rng);
      else if (flows) regionTravelDraws(mid, next, left, perMover, n, flows, rng);
      y.set(next);
    }
  }
}

/** Li et al.'s form: per region and compartment (S, E, I^u, R) one Poisson draw of arrivals and one of departures (bounded by what is left). */
function regionTravelDraws(
  rateState: Float64Array,
  next: Float64Array,
  left: Float64Array,
  perMover: Float64Array,
  n: number,
  flows: DailyFlows,
  rng: Random,
): void {
  const { outflow, rowStart, origin, people } = prepare(flows, n);
  const [e, u, r] = [n, 3 * n, 4 * n];
  for (let d = 0; d < n; d++) {
    // One pass over the incoming pairs for all four compartments.
    let aS = 0;
    let aE = 0;
    let aU = 0;
    let aR = 0;
    for (let k = rowStart[d]!; k < rowStart[d + 1]!; k++) {
      const o = origin[k]!;
      const rate = people[k]! * perMover[o]!;
      aS += rate * rateState[o]!;
      aE += rate * rateState[e + o]!;
      aU += rate * rateState[u + o]!;
      aR += rate * rateState[r + o]!;
    }
    const leaving = outflow[d]! * perMover[d]!;
    next[d] = next[d]! - Math.min(left[d]!, poisson(rng, leaving * rateState[d]!)) + poisson(rng, aS);
    next[e + d] =
      next[e + d]! - Math.min(left[e + d]!, poisson(rng, leaving * rateState[e + d]!)) + poisson(rng, aE);
    next[u + d] =
      next[u + d]! - Math.min(left[u + d]!, poisson(rng, leaving * rateState[u + d]!)) + poisson(rng, aU);
    next[r + d] =
      next[r + d]! - Math.min(left[r + d]!, poisson(rng, leaving * rateState[r + d]!)) + poisson(rng, aR);
  }
}

/** Poisson travellers per OD pair and compartment (S, E, I^u, R) at rates from `rateState`, bounded by what is left at the origin. */
function travelDraws(
  rateState: Float64Array,
  next: Float64Array,
  left: Float64Array,
  perMover: Float64Array,
  n: number,
  flows: DailyFlows,
  rng: Random,
): void {
  for (let k = 0; k < flows.people.length; k++) {
    const o = flows.origin[k]!;
    const d = flows.dest[k]!;
    const rate = flows.people[k]! * perMover[o]!;
    for (const block of [0, 1, 3, 4]) {
      const at = block * n;
      const moved = Math.min(left[at + o]!, poisson(rng, rate * rateState[at + o]!));
      left[at + o] = left[at + o]! - moved;
      next[at + o] = next[at + o]! - moved;
      next[at + d] = next[at + d]! + moved;
    }
  }
}

function regionsOf(initial: Float64Array): number {
  if (initial.length % VALUES_PER_REGION !== 0)
    throw new Error(`state length ${initial.length} is not a multiple of ${VALUES_PER_REGION}`);
  return initial.length / VALUES_PER_REGION;
}

/** The flows of day `day`: the last day's carry forward; undefined when there are none. */
export function flowsOn(flows: readonly DailyFlows[], day: number): DailyFlows | undefined {
  return flows.length === 0 ? undefined : flows[Math.min(day, flows.length - 1)];
}

/** Collects the end-of-day state and turns running totals into daily flows. */
class Recorder {
  private readonly series: DailySeries;
  private readonly lastInfections: Float64Array;
  private readonly lastReported: Float64Array;

  constructor(
    private readonly n: number,
    days: number,
    initial: Float64Array,
  ) {
    const block = (): Float64Array => new Float64Array(days * n);
    this.series = {
      days,
      regions: n,
      newInfections: block(),
      newReported: block(),
      newConfirmed: block(),
      deaths: block(),
      S: block(),
      E: block(),
      Ir: block(),
      Iu: block(),
      R: block(),
    };
    this.lastInfections = initial.slice(5 * n, 6 * n);
    this.lastReported = initial.slice(6 * n, 7 * n);
  }

  endOfDay(day: number, y: Float64Array): void {
    const { n, series } = this;
    const at = day * n;
    for (let i = 0; i < n; i++) {
      series.S[at + i] = y[i]!;
      series.E[at + i] = y[n + i]!;
      series.Ir[at + i] = y[2 * n + i]!;
      series.Iu[at + i] = y[3 * n + i]!;
      series.R[at + i] = y[4 * n + i]!;
      series.newInfections[at + i] = y[5 * n + i]! - this.lastInfections[i]!;
      series.newReported[at + i] = y[6 * n + i]! - this.lastReported[i]!;
      this.lastInfections[i] = y[5 * n + i]!;
      this.lastReported[i] = y[6 * n + i]!;
    }
  }

  finish(observation: ObservationParams): DailySeries {
    const { n, series } = this;
    series.newConfirmed = convolveDaily(series.newReported, n, discreteGamma(observation.confirmDelay));
    series.deaths = convolveDaily(
      series.newConfirmed,
      n,
      discreteGamma(observation.deathDelay),
      observation.fatalityRatio,
    );
    return series;
  }
}
