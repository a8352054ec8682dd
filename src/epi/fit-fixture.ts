/**
 * Test data simulated by the model itself (for the filter and forecast tests
 * and nothing else): regions of 100,000-500,000 people coupled by balanced
 * random flows, an outbreak seeded in region 0, daily confirmed from a
 * stochastic run with known parameters, rounded to whole cases.
 */
import { integrateStochastic, type DailySeries } from './integrate.ts';
import { seededState, type DailyFlows } from './model.ts';
import type { EpiParams } from './params.ts';
import type { EpiData } from './types.ts';
import { Random } from '../synth/random.ts';

/** The parameters the fixture's data are simulated with (inside Li et al.'s prior ranges). */
export const FIXTURE_TRUTH: Readonly<EpiParams> = {
  beta: 1.1,
  mu: 0.5,
  theta: 1.3,
  latentDays: 3.5,
  infectiousDays: 3.5,
  alpha: 0.3,
};

/** `regions` regions, `days` days of simulated confirmed cases; each pair linked with probability 1/2, 0.2% of the smaller population a day each way. */
export function simulatedData(
  regions: number,
  days: number,
  seed: number,
): { data: EpiData; truth: DailySeries } {
  const rng = new Random(5);
  const population = Array.from({ length: regions }, () => Math.round(rng.range(1e5, 5e5)));
  const origin: number[] = [];
  const dest: number[] = [];
  const people: number[] = [];
  for (let a = 0; a < regions; a++)
    for (let b = a + 1; b < regions; b++) {
      if (rng.next() >= 0.5) continue;
      const v = Math.min(population[a]!, population[b]!) * 0.002;
      origin.push(a, b);
      dest.push(b, a);
      people.push(v, v);
    }
  const flows: DailyFlows[] = [
    { origin: Int32Array.from(origin), dest: Int32Array.from(dest), people: Float64Array.from(people) },
  ];
  const truth = integrateStochastic(
    {
      params: FIXTURE_TRUTH,
      initial: seededState(
        population,
        population.map((_, i) => (i === 0 ? 50 : 0)),
      ),
      days,
      flows,
    },
    new Random(seed),
  );
  return {
    data: {
      regions: population.map((p, i) => ({
        code: String(110100 + i * 100),
        name: `region ${i}`,
        population: p,
      })),
      start: '2020-01-10',
      days,
      confirmed: truth.newConfirmed.map(Math.round),
      flows,
      synthetic: true,
    },
    truth,
  };
}
