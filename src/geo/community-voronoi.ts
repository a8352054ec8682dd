/**
 * SYNTHETIC communities for the demo: each county of a focal city cut into Voronoi cells around seeded
 * random points (about one per `peoplePerCommunity` residents), clipped to the county. Real community
 * boundaries are not public; these only give the risk map a level below the county. Used by
 * scripts/build-geo.ts; the runtime lookup is communities.ts.
 */
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import { Delaunay } from 'd3-delaunay';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import polygonClipping from 'polygon-clipping';
import type { Pair } from 'polygon-clipping';
import { Random } from '../synth/random.ts';
import { CHINA_ALBERS, albers } from './albers.ts';

/** A county to subdivide: lon/lat geometry and census population. */
export interface CountyShape {
  code: string;
  name: string;
  population: number;
  geometry: Polygon | MultiPolygon;
}

/**
 * Properties of one synthetic community; `share` is its part of the county's area and population.
 * `street` is the synthetic street it was grouped into (synthetic-streets.ts; code = street + 3 digits).
 */
export interface CommunityProps {
  code: string;
  name: string;
  county: string;
  street: string;
  synthetic: true;
  share: number;
  population: number;
}

/** A community as the Voronoi step makes it: code = county + 3 digits, before grouping into streets. */
export type VoronoiProps = Omit<CommunityProps, 'street'>;

/** How many communities and which random stream. */
export interface VoronoiOptions {
  seed: number;
  /** Residents per community; real Wuhan communities are smaller, this keeps the demo map readable. */
  peoplePerCommunity: number;
  minPerCounty: number;
}

/** The committed communities' settings (data/PROVENANCE.md). */
export const DEFAULT_VORONOI: VoronoiOptions = { seed: 2020, peoplePerCommunity: 50_000, minPerCounty: 3 };

/** Codes are county code + 3 digits. */
const MAX_PER_COUNTY = 999;
/** Rejection sampling gives up after this many misses per wanted point (a county that is mostly sea). */
const MAX_TRIES = 10_000;

type Rings = Pair[][];

/** Signed-area sum over polygons with holes (exterior and hole areas by absolute value). */
function area(polys: Rings[]): number {
  let total = 0;
  for (const rings of polys) {
    rings.forEach((ring, r) => {
      let a = 0;
      for (let i = 0; i + 1 < ring.length; i++) {
        const [x0, y0] = ring[i] ?? [0, 0];
        const [x1, y1] = ring[i + 1] ?? [0, 0];
        a += x0 * y1 - x1 * y0;
      }
      total += (r === 0 ? 1 : -1) * Math.abs(a / 2);
    });
  }
  return total;
}

/** Subdivides one county; communities are numbered north to south, then west to east. */
function subdivide(county: CountyShape, opts: VoronoiOptions): Feature<MultiPolygon, VoronoiProps>[] {
  // Voronoi cells and areas in the equal-area plane, so cells are not stretched east-west.
  const proj = albers(CHINA_ALBERS);
  const toPair = (p: Position): Pair => {
    const [x = NaN, y = NaN] = proj.forward(p);
    return [x, y];
  };
  const parts =
    county.geometry.type === 'Polygon' ? [county.geometry.coordinates] : county.geometry.coordinates;
  const plane: Rings[] = parts.map((rings) => rings.map((ring) => ring.map(toPair)));
  const planeGeometry: MultiPolygon = { type: 'MultiPolygon', coordinates: plane };
  const xs = plane.flatMap((rings) => (rings[0] ?? []).map((p) => p[0]));
  const ys = plane.flatMap((rings) => (rings[0] ?? []).map((p) => p[1]));
  const box = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] as const;

  const wanted = Math.round(county.population / opts.peoplePerCommunity);
  const n = Math.min(MAX_PER_COUNTY, Math.max(opts.minPerCounty, wanted));
  // One stream per county, so adding or changing a county leaves the others' communities unchanged.
  const rng = new Random(opts.seed, Number(county.code));
  const seeds: Pair[] = [];
  for (let tries = 0; seeds.length < n; tries++) {
    if (tries > MAX_TRIES * n) throw new Error(`cannot place ${n} points in county ${county.code}`);
    const p: Pair = [rng.range(box[0], box[2]), rng.range(box[1], box[3])];
    if (booleanPointInPolygon(p, planeGeometry, { ignoreBoundary: true })) seeds.push(p);
  }
  seeds.sort((a, b) => b[1] - a[1] || a[0] - b[0]);

  const voronoi = Delaunay.from(seeds).voronoi([...box]);
  const cells = seeds.map((_, i) => polygonClipping.intersection([voronoi.cellPolygon(i) as Pair[]], plane));
  const areas = cells.map(area);
  const total = areas.reduce((s, a) => s + a, 0);
  return cells.flatMap((cell, i) => {
    if (cell.length === 0) return [];
    const share = (areas[i] ?? 0) / total;
    const number = String(i + 1).padStart(3, '0');
    const coordinates = cell.map((rings) => rings.map((ring) => ring.map((p) => proj.inverse(p))));
    return [
      {
        type: 'Feature',
        geometry: { type: 'MultiPolygon', coordinates },
        properties: {
          code: `${county.code}${number}`,
          name: `${county.name} 社区 ${number} (synthetic)`,
          county: county.code,
          synthetic: true,
          share: Math.round(share * 1e6) / 1e6,
          population: Math.round(share * county.population),
        },
      },
    ];
  });
}

/** Synthetic Voronoi communities of every given county, deterministic for a given seed. */
export function voronoiCommunities(
  counties: readonly CountyShape[],
  opts: VoronoiOptions = DEFAULT_VORONOI,
): Feature<MultiPolygon, VoronoiProps>[] {
  return counties.flatMap((c) => subdivide(c, opts));
}
