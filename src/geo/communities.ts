/**
 * Point -> SYNTHETIC community of the focal city, over data/communities-<city>.topo.json (Voronoi cells
 * made by scripts/build-geo.ts with community-voronoi.ts; every community carries synthetic: true).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { MultiPolygon, Polygon } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { UserError } from '../errors.ts';
import type { CommunityProps } from './community-voronoi.ts';
import { polygonIndex } from './polygon-index.ts';
import { assertLonLat } from './regions.ts';

/** The demo's epicentre, Wuhan, whose communities are built by default. */
export const FOCAL_CITY = '420100';

/** One synthetic community: code = street code (county code + 3 digits) + 3 digits. */
export type Community = Readonly<CommunityProps>;

/** The communities of one city and the lookup over them. */
export interface CommunityIndex {
  city: string;
  list: readonly Community[];
  /** The community containing the point, or null outside the city's communities. */
  locate(lon: number, lat: number): Community | null;
}

/** Builds the index from a topology with object `communities` (properties as in `CommunityProps`). */
export function communityIndexFromTopology(topo: Topology, city: string): CommunityIndex {
  const object = topo.objects.communities as GeometryCollection<CommunityProps> | undefined;
  if (!object) throw new Error("community topology has no object 'communities'; rerun scripts/build-geo.ts");
  const items = feature(topo, object).features.flatMap((f) => {
    const g = f.geometry;
    if (g?.type !== 'Polygon' && g?.type !== 'MultiPolygon') return [];
    return [{ geometry: g as Polygon | MultiPolygon, value: Object.freeze({ ...f.properties }) }];
  });
  const index = polygonIndex(items);
  const list = Object.freeze(items.map((i) => i.value));
  return {
    city,
    list,
    locate(lon, lat) {
      assertLonLat(lon, lat);
      return index.find(lon, lat) ?? null;
    },
  };
}

const loaded = new Map<string, CommunityIndex>();

/** The built-in communities of `city`, read from ./data on first use; UserError when none were built. */
export function loadCommunityIndex(city = FOCAL_CITY): CommunityIndex {
  let index = loaded.get(city);
  if (!index) {
    if (!/^\d{6}$/.test(city)) throw new UserError(`city code '${city}' must be six digits, e.g. 420100`);
    const file = new URL(`./data/communities-${city}.topo.json`, import.meta.url);
    if (!existsSync(file)) {
      throw new UserError(
        `no community polygons for city ${city}; build them with \`npx tsx scripts/build-geo.ts --focal ${city}\``,
      );
    }
    index = communityIndexFromTopology(JSON.parse(readFileSync(file, 'utf8')) as Topology, city);
    loaded.set(city, index);
  }
  return index;
}

/** The synthetic community of the focal city (default Wuhan) containing the point, or null. */
export function locateCommunity(lon: number, lat: number, city = FOCAL_CITY): Community | null {
  return loadCommunityIndex(city).locate(lon, lat);
}
