import type { Duck } from '../db/duck.ts';
import { placeholders } from '../db/duck.ts';
import { FOCAL_CITY, loadCommunityIndex } from '../geo/communities.ts';
import { loadDivisions } from '../geo/divisions.ts';

/** Levels of the area risk levels and of the index. */
export type AreaLevel = 'county' | 'street' | 'community';
export type IndexLevel = AreaLevel | 'city';

/** An area's name and label point. */
export interface AreaLabel {
  name: string | null;
  lon: number;
  lat: number;
}

/** True when the workspace has the table. */
export async function hasTable(db: Duck, table: string): Promise<boolean> {
  const r = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = $1`,
    [table],
  );
  return (r?.n ?? 0) > 0;
}

/** True when the cell registry carries street codes (geo-streets adds cells.street_code). */
export async function hasStreets(db: Duck): Promise<boolean> {
  const r = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM information_schema.columns WHERE table_name = 'cells' AND column_name = 'street_code'`,
  );
  return (r?.n ?? 0) > 0;
}

/** SQL for a cell's street code: the column when the registry has it, else NULL (no street registry). */
export async function streetColumn(db: Duck): Promise<string> {
  return (await hasStreets(db)) ? 'street_code' : 'NULL::VARCHAR';
}

/**
 * Names and label points of areas of one level: counties and cities from the built-in divisions (label at
 * the mean of their cells); streets and communities from geo_areas when the workspace has it, else the mean
 * of their cells and, for communities, the built-in synthetic community names.
 */
export async function areaLabels(
  db: Duck,
  level: IndexLevel,
  codes: string[],
): Promise<Map<string, AreaLabel>> {
  const out = new Map<string, AreaLabel>();
  if (codes.length === 0) return out;
  if ((level === 'street' || level === 'community') && (await hasTable(db, 'geo_areas'))) {
    const rows = await db.all<{ code: string; name: string | null; lon: number; lat: number }>(
      `SELECT code, name, lon, lat FROM geo_areas WHERE level = $1 AND code IN (${placeholders(codes.length, 2)})`,
      [level, ...codes],
    );
    for (const r of rows) out.set(r.code, { name: r.name, lon: r.lon, lat: r.lat });
  }
  const missing = codes.filter((c) => !out.has(c));
  if (missing.length === 0) return out;
  const col = level === 'street' ? await streetColumn(db) : `${level}_code`;
  const rows = await db.all<{ code: string; lon: number; lat: number }>(
    `SELECT ${col} AS code, avg(lon) AS lon, avg(lat) AS lat FROM cells
     WHERE ${col} IN (${placeholders(missing.length, 1)}) GROUP BY 1`,
    missing,
  );
  const div = loadDivisions();
  const nameOf = (code: string): string | null => {
    if (level === 'county' || level === 'city') {
      try {
        return div.byCode(code, level).name;
      } catch {
        return null;
      }
    }
    if (level === 'community') return communityNames().get(code) ?? null;
    return null;
  };
  for (const r of rows) out.set(r.code, { name: nameOf(r.code), lon: r.lon, lat: r.lat });
  for (const c of missing) if (!out.has(c)) out.set(c, { name: nameOf(c), lon: NaN, lat: NaN });
  return out;
}

let builtinCommunities: Map<string, string> | undefined;

/** Names of the built-in synthetic communities of the focal city (empty when none were built). */
function communityNames(): Map<string, string> {
  if (!builtinCommunities) {
    try {
      builtinCommunities = new Map(loadCommunityIndex(FOCAL_CITY).list.map((c) => [c.code, c.name]));
    } catch {
      builtinCommunities = new Map();
    }
  }
  return builtinCommunities;
}
