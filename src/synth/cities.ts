import { loadDivisions } from '../geo/divisions.ts';
import type { SynthCity } from './world.ts';

/** The built-in city-level units with a centre and a census population, for the simulator. */
export function builtinCities(): SynthCity[] {
  return loadDivisions()
    .list('city')
    .filter((c) => c.lon !== undefined && c.lat !== undefined && c.population > 0)
    .map((c) => ({ code: c.code, name: c.name, population: c.population, lon: c.lon!, lat: c.lat! }));
}
