/**
 * Point in polygon over many (multi)polygons: a flatbush R-tree over the bounding box of every polygon
 * part narrows a query to a few candidates, then turf's exact test decides (boundary counts as inside).
 */
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import Flatbush from 'flatbush';
import type { MultiPolygon, Polygon } from 'geojson';

/** One region to index: its geometry in lon/lat and the value a hit returns. */
export interface Indexed<T> {
  geometry: Polygon | MultiPolygon;
  value: T;
}

/** A built index; `find` returns the value of a polygon containing the point, or undefined. */
export interface PolygonIndex<T> {
  find(lon: number, lat: number): T | undefined;
  /** Number of polygon parts indexed (a MultiPolygon counts once per part). */
  readonly parts: number;
}

/** Builds the index once; queries never allocate more than the candidate list. */
export function polygonIndex<T>(items: readonly Indexed<T>[]): PolygonIndex<T> {
  // Parts, not whole multipolygons: an island county's box would otherwise span the sea between.
  const parts: { polygon: Polygon; value: T }[] = [];
  for (const { geometry, value } of items) {
    const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    for (const coordinates of polys) {
      if (coordinates[0]?.length) parts.push({ polygon: { type: 'Polygon', coordinates }, value });
    }
  }
  if (parts.length === 0) return { find: () => undefined, parts: 0 };
  const tree = new Flatbush(parts.length);
  for (const { polygon } of parts) {
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    // Holes lie inside the exterior ring, so its box is the part's box.
    for (const [x = NaN, y = NaN] of polygon.coordinates[0] ?? []) {
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
    tree.add(x0, y0, x1, y1);
  }
  tree.finish();
  return {
    find(lon, lat) {
      const hits = tree.search(lon, lat, lon, lat);
      // Lowest index first, so a point on a shared border always goes to the same region.
      if (hits.length > 1) hits.sort((a, b) => a - b);
      for (const i of hits) {
        const part = parts[i];
        if (part && booleanPointInPolygon([lon, lat], part.polygon)) return part.value;
      }
      return undefined;
    },
    parts: parts.length,
  };
}
