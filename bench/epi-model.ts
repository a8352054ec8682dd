/**
 * Speed of the forecast model core (issue 13): deterministic RK4 runs of the
 * Li et al. model, 375 regions x 60 days x 300 ensemble members, each member
 * with its own parameters drawn from Li et al.'s prior ranges. Baselines in
 * the same run: the same integration without travel, and a naive dense OD
 * matrix (every one of the 375^2 pairs visited, as a dense matrix product
 * would, timed on fewer members). Flows are synthetic (seeded) with as many
 * non-zero pairs a day as Li et al.'s 375-city matrix (about 6,600). Figures
 * only; not a test.
 *
 *   npx tsx bench/epi-model.ts [--regions 375] [--days 60] [--members 300] [--pairs 6600] [--steps 4] [--dense-members 10] [--stochastic-members 10]
 */
import { parseArgs } from 'node:util';
import { integrateDeterministic, integrateStochastic } from '../src/epi/integrate.ts';
import { seededState, type DailyFlows } from '../src/epi/model.ts';
import { LI2020_PRIOR_RANGE, type EpiParams } from '../src/epi/params.ts';
import { Random } from '../src/synth/random.ts';

process.env.TZ = 'UTC';
const { values } = parseArgs({
  options: {
    regions: { type: 'string', default: '375' },
    days: { type: 'string', default: '60' },
    members: { type: 'string', default: '300' },
    pairs: { type: 'string', default: '6600' },
    steps: { type: 'string', default: '4' },
    'dense-members': { type: 'string', default: '10' },
    'stochastic-members': { type: 'string', default: '10' },
  },
});
const n = Number(values.regions);
const days = Number(values.days);
const members = Number(values.members);
const pairsPerDay = Number(values.pairs);
const stepsPerDay = Number(values.steps);
const rng = new Random(13);

// Populations log-uniform between 0.2 and 20 million; 50 exposed in region 0.
const population = Array.from({ length: n }, () => Math.exp(rng.range(Math.log(2e5), Math.log(2e7))));
const exposed = population.map((_, i) => (i === 0 ? 50 : 0));
// Pairs come both ways with equal numbers, as real daily OD roughly does
// (the model takes flows as given: a region whose outflow keeps exceeding its
// inflow empties, see README). Each direction carries 0.1-1% of the smaller
// population a day, so a region sends a few per cent of its people a day.
const sparseDays: DailyFlows[] = Array.from({ length: 14 }, () => {
  const chosen = new Map<number, number>();
  while (chosen.size < pairsPerDay) {
    const o = rng.int(n);
    const d = rng.int(n);
    if (o === d || chosen.has(o * n + d)) continue;
    const people = Math.min(population[o]!, population[d]!) * rng.range(1e-3, 1e-2);
    chosen.set(o * n + d, people).set(d * n + o, people);
  }
  const keys = [...chosen.keys()];
  return {
    origin: Int32Array.from(keys, (k) => Math.floor(k / n)),
    dest: Int32Array.from(keys, (k) => k % n),
    people: Float64Array.from(keys, (k) => chosen.get(k)!),
  };
});
// The same flows as full n x n matrices, zeros included.
const denseDays: DailyFlows[] = sparseDays.map((f) => {
  const m = new Float64Array(n * n);
  f.people.forEach((p, k) => (m[f.origin[k]! * n + f.dest[k]!] = p));
  return {
    origin: Int32Array.from({ length: n * n }, (_, k) => Math.floor(k / n)),
    dest: Int32Array.from({ length: n * n }, (_, k) => k % n),
    people: m,
  };
});
const ensemble: EpiParams[] = Array.from({ length: members }, () => {
  const draw = (key: keyof EpiParams): number => rng.range(...LI2020_PRIOR_RANGE[key]);
  return {
    beta: draw('beta'),
    mu: draw('mu'),
    theta: draw('theta'),
    latentDays: draw('latentDays'),
    infectiousDays: draw('infectiousDays'),
    alpha: draw('alpha'),
  };
});
const initial = seededState(population, exposed);

function time(label: string, count: number, run: (p: EpiParams, m: number) => number): number {
  const t0 = performance.now();
  let check = 0;
  for (let m = 0; m < count; m++) check += run(ensemble[m % members]!, m);
  const ms = performance.now() - t0;
  console.log(
    `${label.padEnd(44)} ${String(count).padStart(4)} members ${(ms / 1000).toFixed(2).padStart(7)} s  ` +
      `${(ms / count).toFixed(1).padStart(7)} ms/member  (infections ${check.toExponential(3)})`,
  );
  return ms / count;
}
const totalInfections = (x: Float64Array): number => x.reduce((a, b) => a + b, 0);

console.log(
  `${n} regions, ${days} days, ${pairsPerDay} OD pairs a day (14 days, last one carried forward), RK4 ${stepsPerDay} steps a day`,
);
const withTravel = time('deterministic, sparse OD', members, (params) =>
  totalInfections(
    integrateDeterministic({ params, initial, days, stepsPerDay, flows: sparseDays }).newInfections,
  ),
);
const noTravel = time('baseline: deterministic, no travel', members, (params) =>
  totalInfections(integrateDeterministic({ params, initial, days, stepsPerDay, flows: [] }).newInfections),
);
const denseCount = Number(values['dense-members']);
const dense = time('baseline: deterministic, dense OD (all pairs)', denseCount, (params) =>
  totalInfections(
    integrateDeterministic({ params, initial, days, stepsPerDay, flows: denseDays }).newInfections,
  ),
);
const stochasticCount = Number(values['stochastic-members']);
const stochastic = time('stochastic (midpoint tau-leaping), sparse OD', stochasticCount, (params, m) =>
  totalInfections(
    integrateStochastic({ params, initial, days, stepsPerDay, flows: sparseDays }, new Random(7, m))
      .newInfections,
  ),
);
console.log(
  `travel costs ${(withTravel / noTravel).toFixed(2)}x no travel; dense OD would cost ${(dense / withTravel).toFixed(1)}x sparse ` +
    `(${((dense * members) / 1000).toFixed(0)} s for ${members} members); ${members} stochastic members would take ` +
    `${((stochastic * members) / 1000).toFixed(0)} s`,
);
