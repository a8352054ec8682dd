/**
 * Point -> county / city / province over the committed county boundaries (data/counties.topo.json, built
 * by scripts/build-geo.ts from the 2021 county file; see data/PROVENANCE.md). Meant for one-time work on
 * small inputs such as the cell registry, never per location record.
 */
import { readFileSync } from 'node:fs';
import type { MultiPolygon, Polygon } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { UserError } from '../errors.ts';
import type { Divisions } from './divisions.ts';
import { loadDivisions } from './divisions.ts';
import { polygonIndex } from './polygon-index.ts';

/** Six-digit codes of the county containing a point and of its city-level unit and province. */
export interface Region {
  county: string;
  city: string;
  province: string;
}

/** A built index; `locate` gives null for points in no county (outside China, at sea, HK/Macau/Taiwan). */
export interface RegionIndex {
  locate(lon: number, lat: number): Region | null;
  /** Number of counties with a boundary. */
  readonly counties: number;
  /** Bounding box [minLon, minLat, maxLon, maxLat] of each county's boundary, by code. */
  readonly boxes: ReadonlyMap<string, readonly [number, number, number, number]>;
}

/** Throws a `UserError` unless lon is in [-180, 180] and lat in [-90, 90] (NaN and infinities fail). */
export function assertLonLat(lon: number, lat: number): void {
  if (!(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)) {
    throw new UserError(
      `invalid coordinates lon=${lon}, lat=${lat}: need lon in [-180, 180] and lat in [-90, 90] degrees (WGS84)`,
    );
  }
}

type CountyProps = { code: string; name: string };

/** Builds the index from a lon/lat topology with object `counties` and properties {code, name}. */
export function regionIndexFromTopology(topo: Topology, divisions: Divisions): RegionIndex {
  const object = topo.objects.counties as GeometryCollection<CountyProps> | undefined;
  if (!object) throw new Error("county topology has no object 'counties'; rerun scripts/build-geo.ts");
  const features = feature(topo, object).features;
  const items = features.flatMap((f) => {
    const g = f.geometry;
    if (g?.type !== 'Polygon' && g?.type !== 'MultiPolygon') return [];
    const code = f.properties.code;
    // Resolved once here, so a boundary code missing from the division tables fails at load, not per point.
    const value: Region = Object.freeze({
      county: divisions.byCode(code, 'county').code,
      city: divisions.parentAt(code, 'city').code,
      province: divisions.parentAt(code, 'province').code,
    });
    return [{ geometry: g as Polygon | MultiPolygon, value }];
  });
  const index = polygonIndex(items);
  const boxes = new Map<string, [number, number, number, number]>();
  for (const { geometry, value } of items) {
    const b = boxes.get(value.county) ?? [Infinity, Infinity, -Infinity, -Infinity];
    const rings = geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
    for (const ring of rings) {
      for (const [lon, lat] of ring) {
        b[0] = Math.min(b[0], lon!);
        b[1] = Math.min(b[1], lat!);
        b[2] = Math.max(b[2], lon!);
        b[3] = Math.max(b[3], lat!);
      }
    }
    boxes.set(value.county, b);
  }
  return {
    boxes,
    locate(lon, lat) {
      assertLonLat(lon, lat);
      return index.find(lon, lat) ?? null;
    },
    counties: items.length,
  };
}

let loaded: RegionIndex | undefined;

/** The built-in county index, read from ./data on first use and shared afterwards. */
export function loadRegionIndex(): RegionIndex {
  if (!loaded) {
    const file = new URL('./data/counties.topo.json', import.meta.url);
    loaded = regionIndexFromTopology(JSON.parse(readFileSync(file, 'utf8')) as Topology, loadDivisions());
  }
  return loaded;
}
