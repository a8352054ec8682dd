/** SYNTHETIC community polygons of the focal city (scripts/build-geo.ts), clipped to the server-side counties. */
import type { FeatureCollection } from 'geojson';
import { mergeArcs } from 'topojson-client';
import { topology } from 'topojson-server';
import { presimplify } from 'topojson-simplify';
import type { GeometryCollection, MultiPolygon, Objects, Polygon, Topology } from 'topojson-specification';
import { UserError } from '../src/errors.ts';
import type { VoronoiOptions } from '../src/geo/community-voronoi.ts';
import { voronoiCommunities } from '../src/geo/community-voronoi.ts';
import { COMMUNITIES_PER_STREET, syntheticStreets } from '../src/geo/synthetic-streets.ts';
import type { Unit } from './geo-common.ts';
import type { Budgeted } from './geo-shapes.ts';
import { fitBudget, polygons } from './geo-shapes.ts';

/**
 * Server copy: not quantized but rounded to 1e-7 degrees (~1 cm), so community edges along a county border
 * stay on that border as counties.topo.json draws it, and a point's community agrees with its county.
 */
const SERVER_DIGITS = 1e7;

/** Both community files of one city, with counts for PROVENANCE. */
export interface CommunityFiles {
  city: string;
  server: string;
  web: Budgeted;
  communities: number;
  counties: number;
  minPerCounty: number;
  maxPerCounty: number;
  streets: number;
  /** Fewest and most communities in a street, and streets drawn in more than one piece. */
  minPerStreet: number;
  maxPerStreet: number;
  multiPartStreets: number;
  perStreet: number;
}

/**
 * Subdivides every county of `city` in the server-side county topology (`countiesJson`), so community
 * edges follow the very boundaries that regions.ts locates against.
 */
export function communityFiles(
  countiesJson: string,
  counties: readonly Unit[],
  city: string,
  budget: number,
  opts: VoronoiOptions,
): CommunityFiles {
  const members = new Map(counties.filter((c) => c.parent === city).map((c) => [c.code, c]));
  const shapes = polygons(JSON.parse(countiesJson) as Topology, 'counties').flatMap((f) => {
    const unit = members.get(String(f.properties.code));
    return unit
      ? [{ code: unit.code, name: unit.name, population: unit.population ?? 0, geometry: f.geometry }]
      : [];
  });
  if (shapes.length === 0)
    throw new UserError(`focal city ${city} has no county boundaries; pass --focal CODE`);
  const countyName = new Map(shapes.map((s) => [s.code, s.name]));
  const grouped = syntheticStreets(voronoiCommunities(shapes, opts), (code) => countyName.get(code) ?? code);
  const features = grouped.communities;
  const collection: FeatureCollection = { type: 'FeatureCollection', features };
  const base = topology({ communities: collection }) as Topology<Objects>;
  // Streets as the union of their communities' arcs: shared edges drop out, no new arcs, no slivers.
  const parts = (base.objects.communities as GeometryCollection).geometries as (Polygon | MultiPolygon)[];
  const byCode = new Map(features.map((f, i) => [f.properties.code, parts[i]!]));
  const streets: GeometryCollection = {
    type: 'GeometryCollection',
    geometries: grouped.streets.map(({ communities, ...props }) => ({
      ...mergeArcs(
        base,
        communities.map((c) => byCode.get(c)!),
      ),
      properties: { ...props, communities: communities.length },
    })),
  };
  base.objects.streets = streets;
  const perCounty = shapes.map((s) => features.filter((f) => f.properties.county === s.code).length);
  const perStreet = grouped.streets.map((s) => s.communities.length);
  return {
    city,
    server: JSON.stringify({
      ...base,
      arcs: base.arcs.map((arc) =>
        arc.map((p) => p.map((v) => Math.round(v * SERVER_DIGITS) / SERVER_DIGITS)),
      ),
    }),
    web: fitBudget(presimplify(base), budget),
    communities: features.length,
    counties: shapes.length,
    minPerCounty: Math.min(...perCounty),
    maxPerCounty: Math.max(...perCounty),
    streets: grouped.streets.length,
    minPerStreet: Math.min(...perStreet),
    maxPerStreet: Math.max(...perStreet),
    multiPartStreets: streets.geometries.filter(
      (g) => g.type === 'MultiPolygon' && (g as MultiPolygon).arcs.length > 1,
    ).length,
    perStreet: COMMUNITIES_PER_STREET,
  };
}
