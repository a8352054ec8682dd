/**
 * Speed of fitting and forecasting (issue 13): the ensemble filter over daily
 * confirmed of 375 regions, then a 30-day forecast, 300 members (Li et al.'s
 * ensemble size). Data: Li et al.'s 375 Chinese cities (../shared/data/epi/
 * li2020-375-cities: pop.csv, Mobility.csv days 1-14 with the Mobility Index
 * taken as travellers a day, as their code uses it, the last day carried
 * forward; Incidence.csv rows as days from 10 January 2020, its Date column
 * being corrupt) when present, else synthetic regions and cases (said so in
 * the output). Baseline in the same run: the same members' plain stochastic
 * runs over the same days (fit days + horizon) with no filter and no
 * forecast bookkeeping, i.e. the simulation cost the filter cannot avoid.
 * Figures only; not a test.
 *
 *   npx tsx bench/epi-fit.ts [--members 300] [--horizon 30] [--fit-days N] [--data ../shared/data/epi/li2020-375-cities] [--synthetic]
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { ENSEMBLE_STEPS_PER_DAY, fitEnsemble, TRAVEL_DRAWS } from '../src/epi/fit.ts';
import { forecastEnsemble } from '../src/epi/forecast.ts';
import { flowsOn, integrateStochastic, StochasticStepper } from '../src/epi/integrate.ts';
import { newState, seededState, type DailyFlows } from '../src/epi/model.ts';
import { LI2020_PARAMS } from '../src/epi/params.ts';
import type { EpiData } from '../src/epi/types.ts';
import { Random } from '../src/synth/random.ts';

process.env.TZ = 'UTC';
const { values } = parseArgs({
  options: {
    members: { type: 'string', default: '300' },
    horizon: { type: 'string', default: '30' },
    data: { type: 'string', default: join(import.meta.dirname, '../../shared/data/epi/li2020-375-cities') },
    synthetic: { type: 'boolean', default: false },
    'fit-days': { type: 'string' },
  },
});
const members = Number(values.members);
const horizon = Number(values.horizon);

function readCsv(path: string): string[][] {
  return parse(readFileSync(path, 'utf8'), { skipEmptyLines: true }) as string[][];
}

/** Li et al.'s 375 cities as EpiData (the names double as region codes where city_coordinates.csv has none). */
function liData(dir: string): EpiData {
  const pop = readCsv(join(dir, 'pop.csv')).slice(1);
  const codes = new Map(
    readCsv(join(dir, 'city_coordinates.csv'))
      .slice(1)
      .map((r) => [r[3]!, r[0]!]),
  );
  const index = new Map(pop.map((r, i) => [r[0]!, i]));
  const regions = pop.map(([name, population]) => ({
    code: codes.get(name!) ?? name!,
    name: name!,
    population: Number(population),
  }));
  const byDay = new Map<number, { origin: number[]; dest: number[]; people: number[] }>();
  for (const [day, o, d, v] of readCsv(join(dir, 'Mobility.csv')).slice(1)) {
    const list = byDay.get(Number(day)) ?? { origin: [], dest: [], people: [] };
    byDay.set(Number(day), list);
    list.origin.push(index.get(o!)!);
    list.dest.push(index.get(d!)!);
    list.people.push(Number(v));
  }
  const flows: DailyFlows[] = [...byDay.keys()]
    .sort((a, b) => a - b)
    .map((k) => {
      const l = byDay.get(k)!;
      return {
        origin: Int32Array.from(l.origin),
        dest: Int32Array.from(l.dest),
        people: Float64Array.from(l.people),
      };
    });
  const incidence = readCsv(join(dir, 'Incidence.csv'));
  const header = incidence[0]!.slice(1);
  if (header.some((name, i) => name !== pop[i]![0]))
    throw new Error('Incidence.csv columns differ from pop.csv');
  const rows = incidence.slice(1);
  const confirmed = new Float64Array(rows.length * regions.length);
  rows.forEach((r, t) => r.slice(1).forEach((v, i) => (confirmed[t * regions.length + i] = Number(v))));
  return { regions, start: '2020-01-10', days: rows.length, confirmed, flows, synthetic: false };
}

/** 375 synthetic regions and 30 days of cases simulated with Li et al.'s Table 1 parameters. */
function syntheticData(): EpiData {
  const n = 375;
  const rng = new Random(13);
  const population = Array.from({ length: n }, () =>
    Math.round(Math.exp(rng.range(Math.log(2e5), Math.log(2e7)))),
  );
  const chosen = new Map<number, number>();
  while (chosen.size < 6600) {
    const o = rng.int(n);
    const d = rng.int(n);
    if (o === d) continue;
    const people = Math.min(population[o]!, population[d]!) * rng.range(1e-3, 1e-2);
    chosen.set(o * n + d, people).set(d * n + o, people);
  }
  const keys = [...chosen.keys()];
  const flows: DailyFlows[] = [
    {
      origin: Int32Array.from(keys, (k) => Math.floor(k / n)),
      dest: Int32Array.from(keys, (k) => k % n),
      people: Float64Array.from(keys, (k) => chosen.get(k)!),
    },
  ];
  const run = integrateStochastic(
    {
      params: LI2020_PARAMS,
      initial: seededState(
        population,
        population.map((_, i) => (i === 0 ? 200 : 0)),
      ),
      days: 30,
      flows,
    },
    new Random(14),
  );
  return {
    regions: population.map((p, i) => ({ code: `S${i}`, name: `synthetic ${i}`, population: p })),
    start: '2020-01-10',
    days: 30,
    confirmed: run.newConfirmed.map(Math.round),
    flows,
    synthetic: true,
  };
}

const useLi = !values.synthetic && existsSync(join(values.data!, 'Incidence.csv'));
const data = useLi ? liData(values.data!) : syntheticData();
const n = data.regions.length;
console.log(
  `${useLi ? `Li et al.'s data (${values.data})` : 'SYNTHETIC regions and cases'}: ${n} regions, ${data.days} days fitted, ` +
    `${data.flows.length} days of flows (${data.flows[0]?.people.length ?? 0} OD pairs on day 1), ${members} members, ${horizon}-day forecast`,
);

const hubei = data.regions.filter((r) => r.code.startsWith('42')).map((r) => r.code);
// Li et al.'s cities: Hubei (division codes 42xxxx) and the rest of the country; synthetic: all regions.
const groups = useLi
  ? [
      { code: 'hubei', name: 'Hubei', members: hubei },
      {
        code: 'china-excl-hubei',
        name: 'China without Hubei',
        members: data.regions.map((r) => r.code).filter((c) => !hubei.includes(c)),
      },
    ]
  : [{ code: 'all', name: 'all synthetic regions', members: data.regions.map((r) => r.code) }];

const t0 = performance.now();
const originDay = values['fit-days'] === undefined ? undefined : Number(values['fit-days']);
const fit = fitEnsemble(data, { seed: 1, members, originDay });
const t1 = performance.now();
const rows = forecastEnsemble(fit, data, { horizon, seed: 2, groups });
const t2 = performance.now();

// Baseline: the same members' plain stochastic runs over fit days + horizon
// (the same day stepper and travel draws), no filter, no forecast bookkeeping.
const initial = newState(n);
for (let i = 0; i < n; i++) initial[i] = data.regions[i]!.population;
initial[n] = 100; // a seed, so that the runs carry an outbreak
const totalDays = fit.days + horizon;
const stepper = new StochasticStepper(n, ENSEMBLE_STEPS_PER_DAY, TRAVEL_DRAWS);
const t3 = performance.now();
for (let m = 0; m < members; m++) {
  const y = Float64Array.from(initial);
  const rng = new Random(3, m);
  for (let d = 0; d < totalDays; d++) stepper.day(y, fit.params[m]!, flowsOn(data.flows, d), rng);
}
const t4 = performance.now();
// For scale: per-pair travel draws (integrateStochastic) on a few members.
const pairMembers = Math.min(10, members);
const t5 = performance.now();
for (let m = 0; m < pairMembers; m++)
  integrateStochastic(
    { params: fit.params[m]!, initial, days: totalDays, flows: data.flows },
    new Random(4, m),
  );
const t6 = performance.now();

const s = (ms: number): string => (ms / 1000).toFixed(1);
const last = fit.trajectory.at(-1)!;
console.log(
  `fit ${s(t1 - t0)} s, forecast ${s(t2 - t1)} s (${rows.length} rows), fit + forecast ${s(t2 - t0)} s`,
);
console.log(
  `baseline: ${members} plain stochastic runs of ${totalDays} days (same stepper: travel drawn per region, ${ENSEMBLE_STEPS_PER_DAY} steps a day) ${s(t4 - t3)} s; ` +
    `fit + forecast / baseline = ${((t2 - t0) / (t4 - t3)).toFixed(2)}`,
);
console.log(
  `for scale: travel drawn per OD pair, 4 steps a day (integrateStochastic) would take ${(((t6 - t5) / pairMembers) * (members / 1000)).toFixed(1)} s ` +
    `for ${members} runs (timed on ${pairMembers})`,
);
console.log(
  `end of fit (${last.day}): ` +
    Object.entries(last.params)
      .map(([k, v]) => `${k} ${v.mean.toFixed(2)} [${v.lower.toFixed(2)}, ${v.upper.toFixed(2)}]`)
      .join(', '),
);
for (const g of groups) {
  const point = (h: number): number =>
    rows.find(
      (r) => r.region === g.code && r.quantity === 'confirmed' && r.horizon === h && r.quantile === null,
    )!.value;
  console.log(
    `${g.name}: median daily confirmed at horizon 1, 7, 14, 30: ${[1, 7, 14, 30]
      .map(point)
      .map((v) => v.toFixed(0))
      .join(', ')}`,
  );
}
