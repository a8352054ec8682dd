import { Random, cumulative } from './random.ts';
import type { ScenarioParams } from './params.ts';
import { destinationShares, haversineKm } from './travel.ts';

export { haversineKm };

/** A city as the simulator needs it (from the built-in geography). */
export interface SynthCity {
  code: string;
  name: string;
  population: number;
  lon: number;
  lat: number;
}

/** A county: where people live and where cells stand. */
export interface SynthCounty {
  code: string;
  city: string;
  province: string;
  population: number;
  lon: number;
  lat: number;
}

/** A synthetic cell tower. */
export interface SynthCell {
  id: number;
  county: number;
  lon: number;
  lat: number;
}

/** Splits `total` over `weights` exactly (largest remainder, ties by index). */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const quotas = weights.map((w) => (sum > 0 ? (total * w) / sum : 0));
  const out = quotas.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = quotas
    .map((q, i) => [q - Math.floor(q), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    out[i]! += 1;
  }
  return out;
}

/** Deterministic per-province operator market share in [min, max]: synthetic regional variation. */
export function operatorShare(province: string, p: ScenarioParams): number {
  const u = new Random(Number(province), 0x5eed).next();
  return p.operatorShareMin + (p.operatorShareMax - p.operatorShareMin) * u;
}

/** What the itinerary builder and the signalling need to know about the simulated country. */
export interface Country {
  cities: SynthCity[];
  counties: SynthCounty[];
  /** City index of each county. */
  countyCity: Int32Array;
  /** Simulated residents of each county. */
  residents: number[];
  cells: SynthCell[];
  /** County index of each cell id (index = cell id). */
  cellCounty: Int32Array;
  /** The nearest other cell of the same county (ping-pong partner), by cell id. */
  neighbour: Int32Array;
  cellsOfCounty: number[][];
  epicentre: number;
  /** Draws a destination city for a trip from `origin` (the travel model). */
  destination(origin: number, rng: Random): number;
  /** Draws a cell to stay at in a city (county by population). */
  cellInCity(city: number, rng: Random): number;
  /** Travel time in seconds between two cities. */
  travelSeconds(from: number, to: number): number;
}

/**
 * Places people on counties by census population (the epicentre city gets
 * `epicentreShare` of them), cells around each county centre, and trip destinations drawn from the fitted
 * travel model (params.travel, src/synth/travel.ts).
 */
export function buildCountry(
  cities: SynthCity[],
  counties: SynthCounty[],
  params: ScenarioParams,
  place: (county: number, rng: Random) => [number, number] | null = (i, rng) => [
    counties[i]!.lon + rng.range(-0.02, 0.02),
    counties[i]!.lat + rng.range(-0.015, 0.015),
  ],
): Country {
  const epicentre = cities.findIndex((c) => c.code === params.epicentre);
  if (epicentre < 0) throw new Error(`epicentre ${params.epicentre} is not among the cities`);
  const cityIndex = new Map(cities.map((c, i) => [c.code, i]));
  const countyCity = Int32Array.from(counties, (c) => cityIndex.get(c.city) ?? -1);
  const inEpi = counties.map((_, i) => countyCity[i] === epicentre);
  const epiPeople = params.epicentreShare > 0 ? Math.round(params.people * params.epicentreShare) : 0;
  let residents: number[];
  if (epiPeople > 0) {
    const epi = apportion(
      epiPeople,
      counties.map((c, i) => (inEpi[i] ? c.population : 0)),
    );
    const rest = apportion(
      params.people - epiPeople,
      counties.map((c, i) => (inEpi[i] ? 0 : c.population)),
    );
    residents = epi.map((n, i) => n + rest[i]!);
  } else {
    residents = apportion(
      params.people,
      counties.map((c) => c.population),
    );
  }
  const rng = new Random(params.seed, 0x7fffffff);
  const cells: SynthCell[] = [];
  const cellsOfCounty = counties.map((c, i) => {
    const n = Math.max(params.minCellsPerCounty, Math.ceil(residents[i]! / params.peoplePerCell));
    const ids: number[] = [];
    for (let k = 0; k < n; k++) {
      const at = place(i, rng);
      if (!at) throw new Error(`no point found inside county ${c.code}`);
      cells.push({ id: cells.length + 1, county: i, lon: at[0], lat: at[1] });
      ids.push(cells.length);
    }
    return ids;
  });
  const cellCounty = new Int32Array(cells.length + 1).fill(-1);
  for (const c of cells) cellCounty[c.id] = c.county;
  const neighbour = new Int32Array(cells.length + 1);
  for (const ids of cellsOfCounty) {
    for (const a of ids) {
      let best = a;
      let bestD = Infinity;
      for (const b of ids) {
        if (b === a) continue;
        const d = (cells[a - 1]!.lon - cells[b - 1]!.lon) ** 2 + (cells[a - 1]!.lat - cells[b - 1]!.lat) ** 2;
        if (d < bestD) [best, bestD] = [b, d];
      }
      neighbour[a] = best;
    }
  }
  const countiesOfCity = cities.map(() => [] as number[]);
  counties.forEach((_, i) => {
    if (countyCity[i]! >= 0) countiesOfCity[countyCity[i]!]!.push(i);
  });
  const countyWeights = countiesOfCity.map((ids) => cumulative(ids.map((i) => counties[i]!.population || 1)));
  const gravity = new Map<number, Float64Array>();
  const weightsFrom = (i: number): Float64Array => {
    let w = gravity.get(i);
    if (!w) {
      w = cumulative([...destinationShares(cities, i, params.travel, (j) => countiesOfCity[j]!.length > 0)]);
      gravity.set(i, w);
    }
    return w;
  };
  return {
    cities,
    counties,
    countyCity,
    residents,
    cells,
    cellCounty,
    neighbour,
    cellsOfCounty,
    epicentre,
    destination: (origin, r) => r.pick(weightsFrom(origin)),
    cellInCity: (city, r) => {
      const county = countiesOfCity[city]![r.pick(countyWeights[city]!)]!;
      const ids = cellsOfCounty[county]!;
      return ids[r.int(ids.length)]!;
    },
    // One hour to the station plus 250 km/h: China's 2020 high-speed rail averages about that.
    travelSeconds: (a, b) => {
      const ca = cities[a]!;
      const cb = cities[b]!;
      return Math.round(3600 + (haversineKm(ca.lon, ca.lat, cb.lon, cb.lat) / 250) * 3600);
    },
  };
}
