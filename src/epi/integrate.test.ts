import { describe, expect, it } from 'vitest';
import { Random } from '../synth/random.ts';
import {
  integrateDeterministic,
  flowsOn,
  integrateStochastic,
  StochasticStepper,
  type DailySeries,
  type RunOptions,
} from './integrate.ts';
import { flowsFromDense, seededState } from './model.ts';
import { ENSEMBLE_STEPS_PER_DAY } from './fit.ts';
import { DEFAULT_OBSERVATION, LI2020_PARAMS } from './params.ts';

const sum = (x: ArrayLike<number>): number => {
  let total = 0;
  for (let k = 0; k < x.length; k++) total += x[k]!;
  return total;
};
const regionTotal = (x: Float64Array, regions: number, region: number): number =>
  sum(x.filter((_, k) => k % regions === region));

// Two regions, 200 exposed in the first, travel both ways; 30 days keep depletion small.
const scenario: RunOptions = {
  params: LI2020_PARAMS,
  initial: seededState([1e8, 5e7], [200, 0]),
  days: 30,
  flows: [
    flowsFromDense([
      [0, 5e5],
      [1e6, 0],
    ]),
  ],
};

describe('deterministic integrator', () => {
  it('default step (4 a day) matches 64 steps a day to 1e-6 relative in daily new infections after the first week', () => {
    const coarse = integrateDeterministic(scenario);
    const fine = integrateDeterministic({ ...scenario, stepsPerDay: 64 });
    let worstRelative = 0;
    let worstAbsolute = 0;
    coarse.newInfections.forEach((v, k) => {
      const f = fine.newInfections[k]!;
      worstAbsolute = Math.max(worstAbsolute, Math.abs(v - f));
      // The first days follow a seed put all in E (a kink at t = 0): measured 1e-4 relative there, on 0.1-15 people.
      if (k >= 7 * 2) worstRelative = Math.max(worstRelative, Math.abs(v / f - 1));
    });
    expect(worstRelative).toBeLessThan(1e-6); // measured 1.4e-7
    expect(worstAbsolute).toBeLessThan(1e-3); // people
  });

  it("carries the last day's flows forward", () => {
    const f = scenario.flows[0]!;
    const once = integrateDeterministic(scenario);
    const daily = integrateDeterministic({ ...scenario, flows: Array.from({ length: 30 }, () => f) });
    expect(once.newInfections).toEqual(daily.newInfections);
    const noneAfterDay0 = integrateDeterministic({ ...scenario, flows: [f, flowsFromDense([[0]])] });
    expect(noneAfterDay0.newInfections).not.toEqual(once.newInfections);
  });

  it('confirms reported infections after the delay; deaths are the fatality ratio of confirmed', () => {
    const long = integrateDeterministic({
      ...scenario,
      initial: seededState([1e6, 5e5], [200, 0]),
      days: 365,
      // Balanced flows: a region whose daily outflow rivals its population empties (see README).
      flows: [
        flowsFromDense([
          [0, 1e4],
          [1e4, 0],
        ]),
      ],
    });
    // Over a whole epidemic (and the delays' tails) nothing is lost between the stages.
    expect(Math.abs(sum(long.newConfirmed) / sum(long.newReported) - 1)).toBeLessThan(1e-6);
    expect(
      Math.abs(sum(long.deaths) / sum(long.newConfirmed) / DEFAULT_OBSERVATION.fatalityRatio - 1),
    ).toBeLessThan(1e-6);
    // Confirmation lags reporting: by the mean delay (9 days, rounded up) the cumulative curve is behind.
    const short = integrateDeterministic(scenario);
    expect(sum(short.newConfirmed)).toBeLessThan(0.5 * sum(short.newReported));
    expect(short.newConfirmed[0]).toBe(0);
  });
});

describe('stochastic integrator', () => {
  it('same seed gives identical output; another seed does not', () => {
    const a = integrateStochastic(scenario, new Random(42));
    const b = integrateStochastic(scenario, new Random(42));
    const c = integrateStochastic(scenario, new Random(43));
    for (const key of [
      'newInfections',
      'newReported',
      'newConfirmed',
      'deaths',
      'S',
      'E',
      'Ir',
      'Iu',
      'R',
    ] as const) {
      expect(b[key]).toEqual(a[key]);
    }
    expect(c.newInfections).not.toEqual(a.newInfections);
  });

  it('keeps whole, non-negative counts and the total population', () => {
    const run = integrateStochastic(scenario, new Random(5));
    const total0 = 1.5e8;
    for (let d = 0; d < run.days; d++) {
      let total = 0;
      for (let i = 0; i < 2; i++) {
        for (const x of [run.S, run.E, run.Ir, run.Iu, run.R]) {
          const v = x[d * 2 + i]!;
          expect(Number.isInteger(v) && v >= 0).toBe(true);
          total += v;
        }
      }
      expect(total).toBe(total0);
    }
  });

  it('mean of 1,000 runs is within 1.5% of the deterministic run (measured +0.5% and +0.1%, sampling error 0.4-0.5%; plain tau-leaping: 7% low)', () => {
    const det = integrateDeterministic(scenario);
    const runs = 1000;
    const mean = [0, 0];
    let sample: DailySeries | undefined;
    for (let m = 0; m < runs; m++) {
      sample = integrateStochastic(scenario, new Random(2026, m));
      for (const i of [0, 1]) mean[i] = mean[i]! + regionTotal(sample.newInfections, 2, i) / runs;
    }
    for (const i of [0, 1]) {
      const expected = regionTotal(det.newInfections, 2, i);
      expect(expected).toBeGreaterThan(5000); // the second region is infected through travel
      expect(Math.abs(mean[i]! / expected - 1)).toBeLessThan(0.015);
    }
    expect(sample?.regions).toBe(2);
  });
});

describe('day-stepping API', () => {
  it('StochasticStepper one day at a time gives integrateStochastic exactly (same seed), with daily flows read from the running totals', () => {
    const run = integrateStochastic(scenario, new Random(21));
    const stepper = new StochasticStepper(2);
    const y = Float64Array.from(scenario.initial, Math.round);
    const rng = new Random(21);
    for (let day = 0; day < scenario.days; day++) {
      const before = y.slice(5 * 2, 7 * 2);
      stepper.day(y, scenario.params, flowsOn(scenario.flows, day), rng);
      for (let i = 0; i < 2; i++) {
        expect(y[5 * 2 + i]! - before[i]!).toBe(run.newInfections[day * 2 + i]);
        expect(y[6 * 2 + i]! - before[2 + i]!).toBe(run.newReported[day * 2 + i]);
        expect(y[2 + i]).toBe(run.E[day * 2 + i]);
      }
    }
    expect(sum(run.newInfections)).toBeGreaterThan(1000);
  });
});

describe("travel drawn per region (Li et al.'s SEIR.m form)", () => {
  it('mean of 300 runs at the ensemble step (2 a day) follows the deterministic run, and the population is kept on average', () => {
    const det = integrateDeterministic(scenario);
    const stepper = new StochasticStepper(2, ENSEMBLE_STEPS_PER_DAY, 'regions');
    const runs = 300;
    const total = new Float64Array(2);
    let popDrift = 0;
    const start = sum(scenario.initial.subarray(0, 10));
    for (let r = 0; r < runs; r++) {
      const y = Float64Array.from(scenario.initial, Math.round);
      const rng = new Random(31, r);
      for (let day = 0; day < scenario.days; day++)
        stepper.day(y, scenario.params, flowsOn(scenario.flows, day), rng);
      for (let i = 0; i < 2; i++) total[i] = total[i]! + y[5 * 2 + i]! / runs;
      popDrift += (sum(y.subarray(0, 10)) - start) / runs;
    }
    for (let i = 0; i < 2; i++) {
      const expected = regionTotal(det.newInfections, 2, i);
      expect(Math.abs(total[i]! / expected - 1), `region ${i}`).toBeLessThan(0.03); // measured +1.2% and +1.7%
    }
    // Arrivals and departures are drawn apart, so the total of 1.5e8 only holds on average (sd of the mean ~700).
    expect(Math.abs(popDrift)).toBeLessThan(5000); // measured +430 (-2,100 at 4 steps a day)
  });
});
