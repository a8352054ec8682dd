import { Random, cumulative } from './random.ts';
import type { ScenarioParams } from './params.ts';
import type { World } from './itinerary.ts';

/** A city as the simulator needs it (from the built-in geography). */
export interface SynthCity {
  code: string;
  name: string;
  population: number;
  lon: number;
  lat: number;
}

/** A synthetic cell tower. */
export interface SynthCell {
  id: number;
  city: number;
  lon: number;
  lat: number;
}

/** Great-circle distance in km. */
export function haversineKm(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const r = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * r) / 2) ** 2 +
    Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(a));
}

/** The simulated country: residents per city, cells, gravity destinations. */
export interface Country extends World {
  cities: SynthCity[];
  cells: SynthCell[];
  residents: number[];
  epicentre: number;
}

/**
 * Places people by census population (the epicentre gets `epicentreShare`),
 * cells around each city centre, and a gravity model for trip destinations:
 * weight(i -> j) = population(j) / max(distance, 50 km)^2.
 */
export function buildCountry(cities: SynthCity[], params: ScenarioParams): Country {
  const epicentre = cities.findIndex((c) => c.code === params.epicentre);
  if (epicentre < 0) throw new Error(`epicentre ${params.epicentre} is not among the cities`);
  const rng = new Random(params.seed, 0x7fffffff);
  const nonEpiPop = cities.reduce((s, c, i) => s + (i === epicentre ? 0 : c.population), 0);
  const epiPeople = Math.round(params.people * params.epicentreShare);
  // Largest-remainder apportionment so residents sum exactly to `people`.
  const quotas = cities.map((c, i) =>
    i === epicentre ? epiPeople : ((params.people - epiPeople) * c.population) / nonEpiPop,
  );
  const residents = quotas.map(Math.floor);
  let left = params.people - residents.reduce((a, b) => a + b, 0);
  const order = quotas
    .map((q, i) => [q - Math.floor(q), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    residents[i]! += 1;
  }
  const cells: SynthCell[] = [];
  const cellsOfCity: number[][] = cities.map((c, i) => {
    const n = Math.max(params.minCellsPerCity, Math.ceil(residents[i]! / params.peoplePerCell));
    const ids: number[] = [];
    for (let k = 0; k < n; k++) {
      // Within ~5 km of the centre: inside the city polygon for every prefecture city.
      const cell = {
        id: cells.length + 1,
        city: i,
        lon: c.lon + rng.range(-0.05, 0.05),
        lat: c.lat + rng.range(-0.04, 0.04),
      };
      cells.push(cell);
      ids.push(cell.id);
    }
    return ids;
  });
  const gravity = new Map<number, Float64Array>();
  const weightsFrom = (i: number): Float64Array => {
    let w = gravity.get(i);
    if (!w) {
      const o = cities[i]!;
      w = cumulative(
        cities.map((c, j) =>
          j === i ? 0 : c.population / Math.max(50, haversineKm(o.lon, o.lat, c.lon, c.lat)) ** 2,
        ),
      );
      gravity.set(i, w);
    }
    return w;
  };
  return {
    cities,
    cells,
    residents,
    epicentre,
    cellsOfCity,
    destination: (origin, r) => r.pick(weightsFrom(origin)),
    // One hour to the station plus 250 km/h: China's 2020 high-speed rail averages about that.
    travelSeconds: (a, b) => {
      const ca = cities[a]!;
      const cb = cities[b]!;
      return Math.round(3600 + (haversineKm(ca.lon, ca.lat, cb.lon, cb.lat) / 250) * 3600);
    },
  };
}
