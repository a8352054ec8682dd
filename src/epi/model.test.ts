import { describe, expect, it } from 'vitest';
import { Random } from '../synth/random.ts';
import { integrateDeterministic } from './integrate.ts';
import { flowsFromDense, seededState, type DailyFlows } from './model.ts';
import { LI2020_PARAMS, type EpiParams } from './params.ts';

/** Root in (0, 1] of z = 1 - exp(-R0 z) (methods.md, "Closed forms for tests"), by Newton from 1. */
function finalSize(r0: number): number {
  let z = 1;
  for (let i = 0; i < 100; i++) z -= (z - 1 + Math.exp(-r0 * z)) / (1 - r0 * Math.exp(-r0 * z));
  return z;
}

/** Positive root r of (r + sigma)(r + gamma) = sigma beta (methods.md). */
function growthRate(beta: number, latentDays: number, infectiousDays: number): number {
  const sigma = 1 / latentDays;
  const gamma = 1 / infectiousDays;
  return (-(sigma + gamma) + Math.sqrt((sigma + gamma) ** 2 + 4 * sigma * (beta - gamma))) / 2;
}

/** With both infectious classes lasting D, the model is an SEIR with beta (alpha + mu (1 - alpha)). */
function effectiveBeta(p: EpiParams): number {
  return p.beta * (p.alpha + p.mu * (1 - p.alpha));
}

const last = (x: Float64Array, regions: number, region: number): number => x[x.length - regions + region]!;
const sum = (x: ArrayLike<number>): number => {
  let total = 0;
  for (let k = 0; k < x.length; k++) total += x[k]!;
  return total;
};

describe('closed forms (one region, no travel)', () => {
  it.each([
    ['SIR-like, all reported', { ...LI2020_PARAMS, beta: 0.6, infectiousDays: 5, alpha: 1 }],
    ['Li et al. defaults (mu, alpha in play)', LI2020_PARAMS],
  ])('final size z = 1 - exp(-R0 z) to 1e-6 relative: %s', (_name, params) => {
    const population = 1e6;
    const series = integrateDeterministic({
      params,
      initial: seededState([population], [1e-6]), // 1e-12 of the population: the relation holds as the seed -> 0
      days: 600,
      flows: [],
    });
    const z = 1 - last(series.S, 1, 0) / population;
    const r0 = effectiveBeta(params) * params.infectiousDays;
    expect(Math.abs(z / finalSize(r0) - 1)).toBeLessThan(1e-6);
  });

  it.each([
    ['SEIR, all reported', { ...LI2020_PARAMS, alpha: 1 }],
    ['Li et al. defaults', LI2020_PARAMS],
  ])('early growth rate of E matches the SEIR root to 1e-6 relative: %s', (_name, params) => {
    // A seed of 1e-15 of the population keeps depletion below 1e-9 by day 60;
    // the other eigenmode has decayed by e^-30 or more by day 40.
    const series = integrateDeterministic({
      params,
      initial: seededState([1], [1e-15]),
      days: 60,
      flows: [],
    });
    const slope = (Math.log(series.E[59]!) - Math.log(series.E[39]!)) / 20;
    const r = growthRate(effectiveBeta(params), params.latentDays, params.infectiousDays);
    expect(Math.abs(slope / r - 1)).toBeLessThan(1e-6);
  });
});

/** Random sparse flows between `regions` regions for `days` days, seeded. */
function randomFlows(regions: number, days: number, seed: number): DailyFlows[] {
  const rng = new Random(seed);
  return Array.from({ length: days }, () =>
    flowsFromDense(
      Array.from({ length: regions }, () =>
        Array.from({ length: regions }, () => (rng.chance(0.5) ? rng.range(0, 50_000) : 0)),
      ),
    ),
  );
}

describe('travel', () => {
  const populations = [11e6, 3e6, 2e6, 5e5, 8e6];
  const flows = randomFlows(populations.length, 60, 7);
  const series = integrateDeterministic({
    params: LI2020_PARAMS,
    initial: seededState(populations, [500, 0, 0, 0, 0]),
    days: 60,
    flows,
  });
  const n = populations.length;
  const regionTotal = (d: number, i: number): number =>
    series.S[d * n + i]! +
    series.E[d * n + i]! +
    series.Ir[d * n + i]! +
    series.Iu[d * n + i]! +
    series.R[d * n + i]!;

  it('conserves the total population to 1e-9 relative every day', () => {
    const total0 = sum(populations);
    for (let d = 0; d < 60; d++) {
      let total = 0;
      for (let i = 0; i < n; i++) total += regionTotal(d, i);
      expect(Math.abs(total / total0 - 1)).toBeLessThan(1e-9);
    }
  });

  it('moves each region by theta x (inflow - outflow) people a day', () => {
    const net = new Float64Array(n);
    for (let d = 0; d < 60; d++) {
      const f = flows[d]!;
      for (let k = 0; k < f.people.length; k++) {
        net[f.dest[k]!]! += LI2020_PARAMS.theta * f.people[k]!;
        net[f.origin[k]!]! -= LI2020_PARAMS.theta * f.people[k]!;
      }
      for (let i = 0; i < n; i++) {
        expect(Math.abs(regionTotal(d, i) / (populations[i]! + net[i]!) - 1)).toBeLessThan(1e-9);
      }
    }
    expect(net.some((x) => Math.abs(x) > 1e5)).toBe(true); // the check has something to see
  });

  it('infects a second region only through travel, and only in the travel direction', () => {
    const run = (matrix: number[][]) =>
      integrateDeterministic({
        params: LI2020_PARAMS,
        initial: seededState([1e6, 1e6], [100, 0]),
        days: 30,
        flows: [flowsFromDense(matrix)],
      });
    const none = run([
      [0, 0],
      [0, 0],
    ]);
    const outward = run([
      [0, 0],
      [20_000, 0], // 20,000 a day from region 0 to region 1
    ]);
    const inward = run([
      [0, 20_000], // from region 1 to region 0 only
      [0, 0],
    ]);
    const infectionsIn1 = (s: typeof none): number => sum(s.newInfections.filter((_, k) => k % 2 === 1));
    expect(sum(none.newInfections)).toBeGreaterThan(1000);
    expect(infectionsIn1(none)).toBe(0);
    expect(infectionsIn1(inward)).toBe(0);
    expect(infectionsIn1(outward)).toBeGreaterThan(100);
  });
});
