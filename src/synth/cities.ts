import { loadDivisions } from '../geo/divisions.ts';
import { loadRegionIndex } from '../geo/regions.ts';
import type { Random } from './random.ts';
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

/**
 * Places a point inside a county's polygon: tries around its centre, widening
 * the search, since 80 county centres fall outside their own (ring-shaped or
 * island counties). The ingest assigns cells by the same polygons, so a cell
 * placed here is assigned back to its county. Null if none was found.
 */
export function insidePlacer(
  counties: readonly SynthCounty[],
): (county: number, rng: Random) => [number, number] | null {
  const index = loadRegionIndex();
  return (i, rng) => {
    const c = counties[i]!;
    // Rounded as the registry writes them (6 decimals, ~0.1 m), so the ingest sees the very same point.
    const at = (lon: number, lat: number): [number, number] | null => {
      const p: [number, number] = [Number(lon.toFixed(6)), Number(lat.toFixed(6))];
      return index.locate(p[0], p[1])?.county === c.code ? p : null;
    };
    for (let tries = 0; tries < 50; tries++) {
      const p = at(c.lon + rng.range(-0.02, 0.02), c.lat + rng.range(-0.015, 0.015));
      if (p) return p;
    }
    // Island and ring-shaped counties: anywhere in the county's bounding box.
    const box = index.boxes.get(c.code);
    for (let tries = 0; box && tries < 5000; tries++) {
      const p = at(rng.range(box[0], box[2]), rng.range(box[1], box[3]));
      if (p) return p;
    }
    return null;
  };
}
