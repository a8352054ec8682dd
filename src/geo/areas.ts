/**
 * Street and community areas of a workspace: the built-in SYNTHETIC ones of the focal city
 * (data/communities-<city>.topo.json, objects `streets` and `communities`) unless boundaries were
 * imported for that city and level (`epitrace geo import`, kept in the `geo_boundaries` table), and the
 * `geo_areas` table (names, parents and label points) that the risk tables and maps read.
 */
import { existsSync, readFileSync } from 'node:fs';
import { DOUBLE, VARCHAR, BOOLEAN } from '@duckdb/node-api';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { Duck } from '../db/duck.ts';
import { ChunkWriter } from '../synth/chunks.ts';
import { loadCommunityIndex } from './communities.ts';
import { labelPoint } from './label-point.ts';
import { polygonIndex } from './polygon-index.ts';
import type { PolygonIndex } from './polygon-index.ts';

/** Levels below the county that areas exist for. */
export const AREA_LEVELS = ['street', 'community'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

/** Properties of an area as the API and geo_areas carry them. */
export interface AreaProps {
  code: string;
  name: string;
  /** Street: its county code; community: its street code (from the code: all but the last 3 digits). */
  parent: string;
  synthetic: boolean;
}
export type AreaFeature = Feature<Polygon | MultiPolygon, AreaProps>;

/** Code length of each level (national statistical division code: county 6, street 9, community 12). */
export const CODE_DIGITS: Record<AreaLevel, number> = { street: 9, community: 12 };

const builtinFile = (city: string) => new URL(`./data/communities-${city}.topo.json`, import.meta.url);
const builtinCache = new Map<string, AreaFeature[]>();

/** The built-in synthetic areas of `city` at `level` by code, or [] when none were built for it. */
export function builtinAreas(city: string, level: AreaLevel): AreaFeature[] {
  const key = `${city}/${level}`;
  let list = builtinCache.get(key);
  if (!list) {
    const file = builtinFile(city);
    list = [];
    if (/^\d{6}$/.test(city) && existsSync(file)) {
      const topo = JSON.parse(readFileSync(file, 'utf8')) as Topology;
      const object = topo.objects[level === 'street' ? 'streets' : 'communities'] as
        GeometryCollection<{ code: string; name: string; county: string; street?: string }> | undefined;
      if (!object) throw new Error(`${file.pathname} has no ${level} object; rerun scripts/build-geo.ts`);
      list = feature(topo, object).features.flatMap((f) => {
        const g = f.geometry;
        if (g?.type !== 'Polygon' && g?.type !== 'MultiPolygon') return [];
        const p = f.properties;
        const parent = (level === 'street' ? p.county : p.street) ?? p.code.slice(0, -3);
        return [
          {
            type: 'Feature' as const,
            geometry: g as Polygon | MultiPolygon,
            properties: { code: p.code, name: p.name, parent, synthetic: true },
          },
        ];
      });
      list.sort((a, b) => (a.properties.code < b.properties.code ? -1 : 1));
    }
    builtinCache.set(key, list);
  }
  return list;
}

async function tableExists(db: Duck, table: string): Promise<boolean> {
  const row = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = ?`,
    [table],
  );
  return (row?.n ?? 0) > 0;
}

/** Creates the table of imported boundaries when missing (geometry as GeoJSON text). */
export async function ensureBoundaryTable(db: Duck): Promise<void> {
  await db.run(`CREATE TABLE IF NOT EXISTS geo_boundaries (level VARCHAR, city VARCHAR, code VARCHAR,
    name VARCHAR, parent VARCHAR, geometry VARCHAR)`);
}

/** Imported areas of a city and level, or null when none were imported. */
export async function importedAreas(db: Duck, city: string, level: AreaLevel): Promise<AreaFeature[] | null> {
  if (!(await tableExists(db, 'geo_boundaries'))) return null;
  const rows = await db.all<{ code: string; name: string; parent: string; geometry: string }>(
    `SELECT code, name, parent, geometry FROM geo_boundaries WHERE city = ? AND level = ? ORDER BY code`,
    [city, level],
  );
  if (rows.length === 0) return null;
  return rows.map((r) => ({
    type: 'Feature',
    geometry: JSON.parse(r.geometry) as Polygon | MultiPolygon,
    properties: { code: r.code, name: r.name, parent: r.parent, synthetic: false },
  }));
}

/** Where a city's areas at a level come from. */
export type AreaSource = 'imported' | 'builtin' | 'none';

/** The areas of a city at a level: imported ones win over the built-in synthetic ones. */
export async function areasOf(
  db: Duck,
  city: string,
  level: AreaLevel,
): Promise<{ source: AreaSource; features: AreaFeature[] }> {
  const imported = await importedAreas(db, city, level);
  if (imported) return { source: 'imported', features: imported };
  const builtin = builtinAreas(city, level);
  return { source: builtin.length ? 'builtin' : 'none', features: builtin };
}

/** Cities the workspace has cells in or imported boundaries for. */
async function workspaceCities(db: Duck): Promise<string[]> {
  const parts: string[] = [];
  if (await tableExists(db, 'cells'))
    parts.push(`SELECT city_code AS city FROM cells WHERE city_code IS NOT NULL`);
  if (await tableExists(db, 'geo_boundaries')) parts.push(`SELECT city FROM geo_boundaries`);
  if (parts.length === 0) return [];
  const rows = await db.all<{ city: string }>(
    `SELECT DISTINCT city FROM (${parts.join(' UNION ALL ')}) ORDER BY city`,
  );
  return rows.map((r) => r.city);
}

/**
 * Rewrites `geo_areas(level, code, name, parent, synthetic, lon, lat)` from the areas of every city the
 * workspace knows (label point = labelPoint()); returns how many rows it wrote.
 */
export async function writeGeoAreas(db: Duck): Promise<number> {
  await db.run(`CREATE OR REPLACE TABLE geo_areas (level VARCHAR, code VARCHAR, name VARCHAR, parent VARCHAR,
    synthetic BOOLEAN, lon DOUBLE, lat DOUBLE)`);
  const w = new ChunkWriter(await db.conn.createAppender('geo_areas'), [
    VARCHAR,
    VARCHAR,
    VARCHAR,
    VARCHAR,
    BOOLEAN,
    DOUBLE,
    DOUBLE,
  ]);
  let n = 0;
  for (const city of await workspaceCities(db)) {
    for (const level of AREA_LEVELS) {
      for (const f of (await areasOf(db, city, level)).features) {
        const [lon, lat] = labelPoint(f.geometry);
        const p = f.properties;
        w.row(level, p.code, p.name, p.parent, p.synthetic, lon, lat);
        n++;
      }
    }
  }
  w.close();
  return n;
}

/** Street and community of a point, as assigned to a cell. */
export interface CellAreas {
  street: string | null;
  community: string | null;
}

/**
 * A locator of street and community for cells, by city: imported areas where the city has them at that
 * level, else the built-in synthetic ones (focal city only), else null.
 */
export async function areaLocator(
  db: Duck,
  cities: readonly string[],
): Promise<(lon: number, lat: number, city: string | null) => CellAreas> {
  const imported = new Map<string, PolygonIndex<string>>();
  const builtin = new Set<string>();
  for (const city of new Set(cities)) {
    for (const level of AREA_LEVELS) {
      const list = await importedAreas(db, city, level);
      if (list) {
        imported.set(
          `${city}/${level}`,
          polygonIndex(list.map((f) => ({ geometry: f.geometry, value: f.properties.code }))),
        );
      }
    }
    if (existsSync(builtinFile(city))) builtin.add(city);
  }
  return (lon, lat, city) => {
    if (!city) return { street: null, community: null };
    const own = builtin.has(city) ? loadCommunityIndex(city).locate(lon, lat) : null;
    const find = (level: AreaLevel, fallback: string | null) => {
      const index = imported.get(`${city}/${level}`);
      return index ? (index.find(lon, lat) ?? null) : fallback;
    };
    return { street: find('street', own?.street ?? null), community: find('community', own?.code ?? null) };
  };
}
