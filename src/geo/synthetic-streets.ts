/**
 * SYNTHETIC streets (街道) for the demo: the synthetic communities of each county grouped by k-means on
 * their label points (in the Albers equal-area plane) into about one street per COMMUNITIES_PER_STREET
 * communities, then re-coded as the national division code does it: street = county code + 3 digits,
 * community = street code + 3 digits. Used by scripts/build-geo.ts; geometry of a street is the union
 * of its communities (scripts/geo-communities.ts merges their arcs).
 */
import { clustersKmeans } from '@turf/clusters-kmeans';
import type { Feature, FeatureCollection, MultiPolygon, Point } from 'geojson';
import { CHINA_ALBERS, albers } from './albers.ts';
import type { CommunityProps, VoronoiProps } from './community-voronoi.ts';
import { labelPoint } from './label-point.ts';

/**
 * Communities per street aimed at. The issue suggested ~10–20; 8 gives the 249 demo communities ~30 streets and
 * most counties more than one, so a street map says more than the county map.
 */
export const COMMUNITIES_PER_STREET = 8;

/** Properties of one synthetic street. */
export interface StreetProps {
  code: string;
  name: string;
  county: string;
  synthetic: true;
  population: number;
  /** Codes of its communities (after re-coding). */
  communities: string[];
}

/** A voronoi community before grouping (code = county + 3 digits, no street yet). */
export type UngroupedCommunity = Feature<MultiPolygon, VoronoiProps>;

/** Communities re-coded into streets, and the streets. */
export interface Grouped {
  communities: Feature<MultiPolygon, CommunityProps>[];
  streets: StreetProps[];
}

const pad = (n: number) => String(n).padStart(3, '0');

/** Groups the communities of one county; streets and their communities numbered north to south. */
function groupCounty(countyName: string, members: UngroupedCommunity[]): Grouped {
  const proj = albers(CHINA_ALBERS);
  const points = members.map((m) => proj.forward(labelPoint(m.geometry)) as [number, number]);
  const k = Math.max(1, Math.round(members.length / COMMUNITIES_PER_STREET));
  // turf seeds k-means with the first k points: put k points spread north to south first, so the
  // result is deterministic and the seeds are not bunched (members come sorted north to south).
  const seeds = Array.from({ length: k }, (_, i) => Math.floor(((i + 0.5) * members.length) / k));
  const order = [...seeds, ...members.map((_, i) => i).filter((i) => !seeds.includes(i))];
  const collection: FeatureCollection<Point, { member: number; cluster?: number }> = {
    type: 'FeatureCollection',
    features: order.map((i) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: points[i] ?? [NaN, NaN] },
      properties: { member: i },
    })),
  };
  const clustered = clustersKmeans(collection, { numberOfClusters: k });
  const cluster = new Map(clustered.features.map((f) => [f.properties.member, f.properties.cluster ?? 0]));
  const groups = new Map<number, number[]>();
  members.forEach((_, i) => {
    const c = cluster.get(i) ?? 0;
    groups.set(c, [...(groups.get(c) ?? []), i]);
  });
  // Streets numbered by their mean label point, north to south then west to east (empty clusters drop out).
  const mean = (idx: number[], axis: 0 | 1) =>
    idx.reduce((s, i) => s + (points[i]?.[axis] ?? 0), 0) / idx.length;
  const sorted = [...groups.values()].sort((a, b) => mean(b, 1) - mean(a, 1) || mean(a, 0) - mean(b, 0));
  const out: Grouped = { communities: [], streets: [] };
  sorted.forEach((idx, s) => {
    const first = members[idx[0] ?? 0]!.properties;
    const street = `${first.county}${pad(s + 1)}`;
    const streetName = `${countyName} 合成街道 ${pad(s + 1)}`;
    const recoded = idx.map((i, c) => {
      const m = members[i]!;
      return {
        ...m,
        properties: {
          ...m.properties,
          code: `${street}${pad(c + 1)}`,
          name: `${streetName} 社区 ${pad(c + 1)} (synthetic)`,
          street,
        },
      };
    });
    out.communities.push(...recoded);
    out.streets.push({
      code: street,
      name: `${streetName} (synthetic)`,
      county: first.county,
      synthetic: true,
      population: recoded.reduce((sum, c) => sum + c.properties.population, 0),
      communities: recoded.map((c) => c.properties.code),
    });
  });
  return out;
}

/**
 * Groups voronoi communities (codes county + 3 digits, numbered north to south) into synthetic streets
 * per county and re-codes them to 12 digits; `countyName` names a county by its code.
 */
export function syntheticStreets(
  communities: readonly UngroupedCommunity[],
  countyName: (code: string) => string,
): Grouped {
  const byCounty = new Map<string, UngroupedCommunity[]>();
  for (const c of communities)
    byCounty.set(c.properties.county, [...(byCounty.get(c.properties.county) ?? []), c]);
  const out: Grouped = { communities: [], streets: [] };
  for (const [county, members] of byCounty) {
    const g = groupCounty(countyName(county), members);
    out.communities.push(...g.communities);
    out.streets.push(...g.streets);
  }
  return out;
}
