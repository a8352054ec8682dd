/** Label points of areas: a point well inside the largest part, where a name or a count can be drawn. */
import { area } from '@turf/area';
import type { MultiPolygon, Polygon } from 'geojson';
import polylabel from 'polylabel';

/** polylabel precision in degrees (~10 m): finer than any label, cheap for a few thousand areas. */
const PRECISION = 1e-4;

/**
 * The pole of inaccessibility (polylabel) of the largest part by geodesic area: unlike a centroid it
 * always lies inside, also for ring-shaped or concave areas. Rounded to 1e-6 degrees.
 */
export function labelPoint(geometry: Polygon | MultiPolygon): [number, number] {
  const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let best = parts[0];
  let bestArea = -1;
  for (const rings of parts) {
    const a = area({ type: 'Polygon', coordinates: rings });
    if (a > bestArea) [best, bestArea] = [rings, a];
  }
  if (!best?.[0]?.length) throw new Error('labelPoint: empty geometry');
  const [lon, lat] = polylabel(best, PRECISION);
  return [Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6];
}
