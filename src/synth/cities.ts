import { loadDivisions } from '../geo/divisions.ts';
import type { SynthCity, SynthCounty } from './world.ts';

/** The built-in cities and counties with a centre and a census population, for the simulator. */
export function builtinGeo(): { cities: SynthCity[]; counties: SynthCounty[] } {
  const div = loadDivisions();
  const counties: SynthCounty[] = div
    .list('county')
    .filter((c) => c.lon !== undefined && c.lat !== undefined && c.population > 0)
    .map((c) => ({
      code: c.code,
      city: div.parentAt(c.code, 'city').code,
      province: c.province,
      population: c.population,
      lon: c.lon!,
      lat: c.lat!,
    }));
  const withCounties = new Set(counties.map((c) => c.city));
  const cities: SynthCity[] = div
    .list('city')
    .filter((c) => c.lon !== undefined && c.lat !== undefined && withCounties.has(c.code))
    .map((c) => ({ code: c.code, name: c.name, population: c.population, lon: c.lon!, lat: c.lat! }));
  return { cities, counties };
}
