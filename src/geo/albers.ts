/**
 * Albers equal-area conic (through proj4) and the least-squares fit of an unknown scale/translate, used to
 * bring a pre-projected boundary file back to lon/lat (scripts/build-geo.ts; fit documented in PROVENANCE).
 */
import type { Position } from 'geojson';
import proj4 from 'proj4';
import { UserError } from '../errors.ts';

/** Albers parameters in degrees: standard parallels, latitude of origin, central meridian. */
export interface AlbersParams {
  phi1: number;
  phi2: number;
  lat0: number;
  lon0: number;
}

/** Parameters of county-boundaries-albers.topojson (shared/data README); equal-area across China. */
export const CHINA_ALBERS: AlbersParams = { phi1: 24, phi2: 48, lat0: 36, lon0: 104.5 };

/** Forward: [lon, lat] in degrees to [x, y] in metres; inverse: back. */
export interface Projection {
  forward(p: Position): Position;
  inverse(p: Position): Position;
}

/** Albers equal-area conic with false easting/northing 0; `ellps` is a proj4 ellipsoid name. */
export function albers(p: AlbersParams, ellps = 'WGS84'): Projection {
  // proj4 returns NaN when x_0/y_0 are left out, hence the explicit zeros.
  const def =
    `+proj=aea +lat_1=${p.phi1} +lat_2=${p.phi2} +lat_0=${p.lat0} +lon_0=${p.lon0} ` +
    `+x_0=0 +y_0=0 +ellps=${ellps} +units=m +no_defs`;
  const t = proj4('EPSG:4326', def);
  return {
    forward: ([lon = NaN, lat = NaN]) => t.forward([lon, lat]),
    inverse: ([x = NaN, y = NaN]) => t.inverse([x, y]),
  };
}

/** Per-axis map from projected metres to file units: file = scale · projected + translate. */
export interface ScaleTranslate {
  scaleX: number;
  scaleY: number;
  translateX: number;
  translateY: number;
}

/** Least-squares fit of y = a·x + b, returned as [a, b]. */
export function linearFit(xs: readonly number[], ys: readonly number[]): [number, number] {
  const n = xs.length;
  if (n < 2 || ys.length !== n)
    throw new UserError(`linear fit needs >= 2 pairs, got ${n} x and ${ys.length} y`);
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * ((ys[i] ?? 0) - my);
    sxx += (x - mx) ** 2;
  });
  const slope = sxy / sxx;
  return [slope, my - slope * mx];
}

/** Fits file = scale · projected + translate by least squares, x and y apart; arrays pair by index. */
export function fitScaleTranslate(projected: readonly Position[], file: readonly Position[]): ScaleTranslate {
  const [scaleX, translateX] = linearFit(
    projected.map((p) => p[0] ?? 0),
    file.map((p) => p[0] ?? 0),
  );
  const [scaleY, translateY] = linearFit(
    projected.map((p) => p[1] ?? 0),
    file.map((p) => p[1] ?? 0),
  );
  return { scaleX, scaleY, translateX, translateY };
}

/** File units back to projected metres (the inverse of a fitted `ScaleTranslate`). */
export function unscale(t: ScaleTranslate, [x = 0, y = 0]: Position): Position {
  return [(x - t.translateX) / t.scaleX, (y - t.translateY) / t.scaleY];
}
