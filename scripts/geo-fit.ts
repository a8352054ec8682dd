/** The Albers scale/translate fit of the pre-projected county file (scripts/build-geo.ts). */
import type { Position } from 'geojson';
import type { Topology } from 'topojson-specification';
import { UserError } from '../src/errors.ts';
import type { ScaleTranslate } from '../src/geo/albers.ts';
import { CHINA_ALBERS, albers, fitScaleTranslate, unscale } from '../src/geo/albers.ts';
import { cityOf, median } from './geo-common.ts';
import type { Geo } from './geo-shapes.ts';
import { centroid, polygons } from './geo-shapes.ts';

/** The acceptance bound: a worse median means the wrong projection, not boundary noise. */
export const MAX_MEDIAN_RESIDUAL_KM = 10;

/** The fitted map and its residuals per city, in km. */
export interface AlbersFit extends ScaleTranslate {
  cities: number;
  medianKm: number;
  p90Km: number;
  maxKm: number;
  worst: string;
}

/** The fit, each county's lon/lat centroid, and the map from file units to lon/lat. */
export interface CountyLonLat {
  lonLat: Map<string, [number, number]>;
  fit: AlbersFit;
  toLonLat: (p: Position) => Position;
}

/**
 * Fits the unknown scale/translate of the pre-projected county file: its county centroids aggregated
 * per city (area-weighted; the projection is equal-area) against the same cities' lon/lat polygons
 * projected with the documented Albers parameters. Returns each county's lon/lat by inverting.
 */
export function countyLonLat(
  countyTopo: Topology,
  cityPolygons: Map<string, Geo>,
  names: Map<string, string>,
): CountyLonLat {
  const proj = albers(CHINA_ALBERS);
  const counties = new Map<string, [number, number, number]>();
  for (const f of polygons(countyTopo, 'county'))
    counties.set(String(f.properties.CODE), centroid(f.geometry));
  const sums = new Map<string, [number, number, number]>();
  for (const [code, [x, y, area]] of counties) {
    const s = sums.get(cityOf(code)) ?? [0, 0, 0];
    sums.set(cityOf(code), [s[0] + x * area, s[1] + y * area, s[2] + area]);
  }
  const pairs = [...cityPolygons].flatMap(([code, geometry]) => {
    const s = sums.get(code);
    return s ? [{ code, file: [s[0] / s[2], s[1] / s[2]], albers: centroid(geometry, proj.forward) }] : [];
  });
  const t = fitScaleTranslate(
    pairs.map((p) => p.albers),
    pairs.map((p) => p.file),
  );
  const residuals = pairs.map((p) => {
    const [x = 0, y = 0] = unscale(t, p.file);
    return { code: p.code, km: Math.hypot(x - p.albers[0], y - p.albers[1]) / 1000 };
  });
  const km = residuals.map((r) => r.km).sort((x, y) => x - y);
  const worst = residuals.reduce((w, r) => (r.km > w.km ? r : w));
  const fit: AlbersFit = {
    ...t,
    ...{ cities: pairs.length, medianKm: median(km) },
    p90Km: km[Math.floor(km.length * 0.9)] ?? NaN,
    maxKm: km[km.length - 1] ?? NaN,
    worst: `${worst.code} ${names.get(worst.code) ?? ''} ${worst.km.toFixed(1)} km`,
  };
  if (!(fit.medianKm <= MAX_MEDIAN_RESIDUAL_KM)) {
    throw new UserError(
      `Albers fit rejected: median residual ${fit.medianKm.toFixed(1)} km > ${MAX_MEDIAN_RESIDUAL_KM} km`,
    );
  }
  const toLonLat = (p: Position) => proj.inverse(unscale(t, p));
  const lonLat = new Map<string, [number, number]>();
  for (const [code, [x, y]] of counties) {
    const [lon = NaN, lat = NaN] = toLonLat([x, y]);
    lonLat.set(code, [lon, lat]);
  }
  return { lonLat, fit, toLonLat };
}
