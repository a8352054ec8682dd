/**
 * `epitrace geo import`: reads and validates a street or community boundary file, then, in one DuckDB
 * transaction, replaces that city's boundaries at that level (`geo_boundaries`), re-assigns the city's
 * cells (`cells.street_code` or `community_code`) and rewrites `geo_areas`. A failure anywhere leaves
 * the previous state; importing the same file again changes nothing.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INTEGER, VARCHAR } from '@duckdb/node-api';
import type { Duck } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import { ChunkWriter } from '../synth/chunks.ts';
import type { AreaLevel } from './areas.ts';
import { CODE_DIGITS, areasOf, ensureBoundaryTable, writeGeoAreas } from './areas.ts';
import { CODE_KEYS, pick, readAreaFile } from './area-file.ts';
import type { RawFeature } from './area-file.ts';
import type { Divisions } from './divisions.ts';
import { polygonIndex } from './polygon-index.ts';
import type { Validation } from './validate-areas.ts';
import { GAP_TOLERANCE_SHARE, countyCity, validateAreas } from './validate-areas.ts';

/** What to import. */
export interface ImportOptions {
  level: AreaLevel;
  file: string;
  /** Six-digit city code; by default the one city all well-formed codes lie in. */
  city?: string;
  /** Folder for the quarantined features (the workspace's quarantine/). */
  quarantineDir: string;
  /** Test seam: runs inside the transaction just before COMMIT (a throw there must roll back). */
  beforeCommit?: () => Promise<void> | void;
}

/** What an import did. */
export interface ImportResult {
  level: AreaLevel;
  city: string;
  validation: Validation;
  /** File of the quarantined features with their reasons, or null when none were. */
  quarantineFile: string | null;
  /** Cells of the city, and how many of them got a different code. */
  cells: number;
  changed: number;
  /** Cells of the city now in no imported area. */
  unassigned: number;
  /** Communities whose street (their first 9 digits) is not among the city's streets (a warning). */
  orphans: string[];
  geoAreas: number;
}

/** The city the codes point at, when they agree on one. */
function inferCity(raw: readonly RawFeature[], level: AreaLevel, divisions: Divisions): string {
  const cities = new Set<string>();
  for (const f of raw) {
    const code = pick(f.properties, CODE_KEYS);
    if (!code || !new RegExp(`^\\d{${CODE_DIGITS[level]}}$`).test(code)) continue;
    // An unknown county is quarantined later, with its reason.
    const city = countyCity(divisions, code.slice(0, 6));
    if (city) cities.add(city);
  }
  if (cities.size === 1) return [...cities][0]!;
  throw new UserError(
    cities.size === 0
      ? `no feature has a ${CODE_DIGITS[level]}-digit ${level} code of a known county; pass --city CODE`
      : `codes lie in ${cities.size} cities (${[...cities].sort().join(', ')}); pass --city CODE`,
  );
}

async function cellsTableExists(db: Duck): Promise<boolean> {
  const row = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'cells'`,
  );
  return (row?.n ?? 0) > 0;
}

/** Validates `file` and makes its areas the city's boundaries at `level` (see the module comment). */
export async function importBoundaries(
  db: Duck,
  divisions: Divisions,
  o: ImportOptions,
): Promise<ImportResult> {
  const raw = readAreaFile(o.file, o.level);
  const city = o.city ?? inferCity(raw, o.level, divisions);
  if (!/^\d{6}$/.test(city)) throw new UserError(`--city ${city}: need a six-digit city code`);
  if (divisions.byCode(city).level !== 'city') throw new UserError(`--city ${city} is not a city code`);
  const validation = validateAreas(raw, { level: o.level, city, divisions });

  const quarantineFile = join(o.quarantineDir, `geo-${o.level}-${city}.geojson`);
  if (validation.quarantined.length) {
    mkdirSync(o.quarantineDir, { recursive: true });
    const features = validation.quarantined.map((q) => ({
      ...q.feature,
      properties: { ...q.feature.properties, _index: q.index, _reason: q.reason },
    }));
    writeFileSync(quarantineFile, JSON.stringify({ type: 'FeatureCollection', features }) + '\n');
  } else rmSync(quarantineFile, { force: true });
  if (validation.accepted.length === 0) {
    throw new UserError(
      `${o.file}: no valid ${o.level} area (${validation.quarantined.length} quarantined, e.g. feature ` +
        `${validation.quarantined[0]?.index}: ${validation.quarantined[0]?.reason}); nothing changed`,
    );
  }

  // New codes of the city's cells, computed before the transaction; the column name is ours, not input.
  const column = o.level === 'street' ? 'street_code' : 'community_code';
  const hasCells = await cellsTableExists(db);
  // Ordered by code as areaLocator reads them back, so a cell in an overlap goes to the same area
  // now and when the registry is loaded again.
  const byCode = [...validation.accepted].sort((a, b) => (a.properties.code < b.properties.code ? -1 : 1));
  const index = polygonIndex(byCode.map((f) => ({ geometry: f.geometry, value: f.properties.code })));
  const assigned: { id: number; code: string | null; old: string | null }[] = [];
  if (hasCells) {
    await db.run(`ALTER TABLE cells ADD COLUMN IF NOT EXISTS street_code VARCHAR`);
    const cells = await db.all<{ id: number; lon: number; lat: number; old: string | null }>(
      `SELECT cell_id AS id, lon, lat, ${column} AS old FROM cells WHERE city_code = ? ORDER BY cell_id`,
      [city],
    );
    for (const c of cells) assigned.push({ id: c.id, old: c.old, code: index.find(c.lon, c.lat) ?? null });
    await db.run(`CREATE OR REPLACE TEMP TABLE geo_import_cells (cell_id INTEGER, code VARCHAR)`);
    const w = new ChunkWriter(await db.conn.createAppender('geo_import_cells'), [INTEGER, VARCHAR]);
    for (const a of assigned) w.row(a.id, a.code);
    w.close();
  }

  await ensureBoundaryTable(db);
  await db.run('BEGIN TRANSACTION');
  let geoAreas: number;
  let orphans: string[];
  try {
    await db.run(`DELETE FROM geo_boundaries WHERE city = ? AND level = ?`, [city, o.level]);
    for (const f of validation.accepted) {
      const p = f.properties;
      await db.run(`INSERT INTO geo_boundaries VALUES (?, ?, ?, ?, ?, ?)`, [
        o.level,
        city,
        p.code,
        p.name,
        p.parent,
        JSON.stringify(f.geometry),
      ]);
    }
    if (hasCells) {
      await db.run(
        `UPDATE cells SET ${column} = t.code FROM geo_import_cells t WHERE cells.cell_id = t.cell_id`,
      );
    }
    geoAreas = await writeGeoAreas(db);
    // A community names its street in its code; say when that street is not among the city's.
    const streets = new Set((await areasOf(db, city, 'street')).features.map((f) => f.properties.code));
    orphans =
      o.level === 'community'
        ? validation.accepted
            .map((f) => f.properties.parent)
            .filter((p, i, all) => !streets.has(p) && all.indexOf(p) === i)
        : [];
    await o.beforeCommit?.();
    await db.run('COMMIT');
  } catch (e) {
    await db.run('ROLLBACK');
    throw e;
  } finally {
    if (hasCells) await db.run(`DROP TABLE IF EXISTS geo_import_cells`);
  }
  return {
    level: o.level,
    city,
    validation,
    quarantineFile: validation.quarantined.length ? quarantineFile : null,
    cells: assigned.length,
    changed: assigned.filter((a) => a.code !== a.old).length,
    unassigned: assigned.filter((a) => a.code === null).length,
    orphans,
    geoAreas,
  };
}

const km2 = (m2: number) => (m2 / 1e6).toFixed(m2 < 1e6 ? 4 : 2);
const pct = (share: number) => `${(share * 100).toFixed(2)}%`;

/** The import's report, one fact a line (warnings prefixed). */
export function formatImport(r: ImportResult, file: string): string {
  const v = r.validation;
  const lines = [
    `geo import: ${file}: ${v.input} features = ${v.accepted.length} accepted + ${v.quarantined.length} quarantined ` +
      `(${r.level}, city ${r.city})`,
  ];
  for (const q of v.quarantined.slice(0, 20)) {
    lines.push(`  quarantined feature ${q.index}${q.code ? ` '${q.code}'` : ''}: ${q.reason}`);
  }
  if (v.quarantined.length > 20) lines.push(`  ... and ${v.quarantined.length - 20} more`);
  if (r.quarantineFile) lines.push(`  quarantined features with their reasons: ${r.quarantineFile}`);
  for (const o of v.overlaps) {
    lines.push(`  warning: overlap ${o.a} × ${o.b}: ${km2(o.m2)} km² (${pct(o.share)} of the smaller)`);
  }
  for (const g of v.gaps) {
    const warn = g.share > GAP_TOLERANCE_SHARE ? 'warning: gap' : 'gap';
    lines.push(`  ${warn}: ${pct(g.share)} of ${g.level} ${g.code} not covered (${km2(g.m2)} km²)`);
  }
  if (r.orphans.length) {
    lines.push(
      `  warning: ${r.orphans.length} street code(s) of these communities are not streets of city ${r.city}: ${r.orphans.slice(0, 10).join(', ')}`,
    );
  }
  if (v.slivers.count) {
    lines.push(`  slivers below the overlap tolerance: ${v.slivers.count}, ${km2(v.slivers.m2)} km² in all`);
  }
  if (v.outside.m2 > 0) {
    const warn = v.outside.share > GAP_TOLERANCE_SHARE ? 'warning: ' : '';
    lines.push(
      `  ${warn}${km2(v.outside.m2)} km² of the areas (${pct(v.outside.share)}) lie outside city ${r.city}`,
    );
  }
  lines.push(
    r.cells
      ? `cells: ${r.cells} in city ${r.city}; ${r.changed} changed ${r.level === 'street' ? 'street_code' : 'community_code'}, ${r.unassigned} in no ${r.level}`
      : `cells: none in city ${r.city} yet; they are assigned when the cell registry is loaded`,
  );
  lines.push(`geo_areas: ${r.geoAreas} rows`);
  return lines.join('\n') + '\n';
}
