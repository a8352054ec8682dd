/** Polygon helpers of scripts/build-geo.ts: features out of TopoJSON, centroids, simplifying to a byte budget. */
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { feature, quantize } from 'topojson-client';
import { topology } from 'topojson-server';
import { presimplify, quantile, simplify } from 'topojson-simplify';
import type { GeometryCollection, Objects, Topology } from 'topojson-specification';
import { UserError } from '../src/errors.ts';
import { bytes } from './geo-common.ts';

/** An areal geometry. */
export type Geo = Polygon | MultiPolygon;
/** Feature properties as the source files have them. */
export type Props = Record<string, string | number | null>;
/** Properties of every map feature. */
export type Named = { code: string; name: string };

/** Quantization of the browser maps: 1e5 steps across China is about 60 m, finer than the simplification. */
export const QUANTIZATION = 1e5;
/** Shares of points tried, from full detail downwards. */
const KEEP = [1, 0.8, 0.6, 0.4, 0.3, 0.2, 0.15, 0.1, 0.07, 0.05, 0.035, 0.025, 0.018, 0.012, 0.008];

/** The (multi)polygon features of one object of a topology. */
export function polygons(topo: Topology, object: string): Feature<Geo, Props>[] {
  const collection = topo.objects[object] as GeometryCollection<Props> | undefined;
  if (!collection) throw new UserError(`TopoJSON has no object '${object}'`);
  return (feature(topo, collection) as FeatureCollection<Geo, Props>).features;
}

/** Area-weighted planar centroid and area of a (multi)polygon; holes subtract. */
export function centroid(
  geometry: Geo,
  project: (p: Position) => Position = (p) => p,
): [number, number, number] {
  const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let area = 0;
  let mx = 0;
  let my = 0;
  for (const rings of parts) {
    rings.forEach((ring, r) => {
      let a = 0;
      let cx = 0;
      let cy = 0;
      const pts = ring.map(project);
      for (let i = 0; i + 1 < pts.length; i++) {
        const [x0 = 0, y0 = 0] = pts[i] ?? [];
        const [x1 = 0, y1 = 0] = pts[i + 1] ?? [];
        const cross = x0 * y1 - x1 * y0;
        a += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
      }
      // Exterior rings count positive and holes negative, whatever the winding in the source.
      const sign = Math.sign(a) * (r === 0 ? 1 : -1);
      area += (sign * a) / 2;
      mx += (sign * cx) / 6;
      my += (sign * cy) / 6;
    });
  }
  return [mx / area, my / area, area];
}

/** A simplified, quantized topology as JSON text, and the share of weighted points it keeps. */
export interface Budgeted {
  json: string;
  keep: number;
}

/**
 * Simplifies a presimplified topology (arcs carry weights) to the most detail whose quantized JSON fits
 * `budget` bytes; `maxKeep` caps the detail when the budget would allow more than is useful.
 */
export function fitBudget(
  base: Topology<Objects>,
  budget: number,
  quantization = QUANTIZATION,
  maxKeep = 1,
): Budgeted {
  for (const keep of KEEP.filter((k) => k <= maxKeep)) {
    const simplified = simplify(base, quantile(base, keep));
    const json = JSON.stringify(quantize(simplified, quantization));
    if (bytes(json) <= budget) return { json, keep };
  }
  throw new Error(`cannot simplify under ${budget} bytes`);
}

/** Builds a topology from lon/lat features and fits it to a byte budget; weights are deterministic. */
export function webTopology(name: string, features: Feature<Geo, Named>[], budget: number): Budgeted {
  const collection: FeatureCollection = { type: 'FeatureCollection', features };
  const base = presimplify(topology({ [name]: collection }) as Topology<Objects<Named>>);
  return fitBudget(base, budget);
}
