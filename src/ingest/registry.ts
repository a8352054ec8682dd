import { accessSync, constants } from 'node:fs';
import { DOUBLE, INTEGER, VARCHAR } from '@duckdb/node-api';
import type { Duck } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import { assignCells, readCellRegistry } from '../geo/cells.ts';
import { loadRegionIndex } from '../geo/regions.ts';
import { areaLocator, ensureBoundaryTable, writeGeoAreas } from '../geo/areas.ts';
import { ChunkWriter } from '../synth/chunks.ts';

/** Fails with one clear line when a file cannot be read. */
export function requireReadable(path: string, what: string): void {
  try {
    accessSync(path, constants.R_OK);
  } catch (e) {
    throw new UserError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** What loading a registry did. */
export interface RegistrySummary {
  cells: number;
  /** Rows rejected with a reason (first few kept). */
  bad: { line: number; reason: string }[];
  badCount: number;
  /** Cells in no county (outside China or at sea): kept, with no region. */
  outside: number;
}

/**
 * Loads a cell registry CSV (cell_id, lon, lat[, azimuth, radius_m, tech]) into
 * the `cells` table, replacing the previous one. Every cell is assigned once,
 * here, to county / city / province by point in polygon, and to a street and
 * community where its city has them (boundaries imported with `epitrace geo
 * import`, else the focal city's synthetic ones); records never are. Rewrites
 * `geo_areas` for the cities the cells lie in.
 */
export async function loadCellRegistry(db: Duck, path: string): Promise<RegistrySummary> {
  requireReadable(path, 'cell registry');
  const reg = await readCellRegistry(path);
  if (reg.cells.length === 0) {
    throw new UserError(
      `cell registry ${path} has no valid cell (${reg.badCount} bad rows, e.g. ${reg.bad[0]?.reason})`,
    );
  }
  const ids = new Set(reg.cells.map((c) => c.cellId));
  if (ids.size < reg.cells.length) {
    throw new UserError(`cell registry ${path}: ${reg.cells.length - ids.size} duplicated cell_id(s)`);
  }
  const { cells, outside } = assignCells(reg.cells, loadRegionIndex());
  await ensureBoundaryTable(db);
  const locate = await areaLocator(
    db,
    cells.flatMap((c) => (c.city ? [c.city] : [])),
  );
  await db.run(`CREATE OR REPLACE TABLE cells (cell_id INTEGER PRIMARY KEY, lon DOUBLE, lat DOUBLE, tech VARCHAR,
    county_code VARCHAR, city_code VARCHAR, province_code VARCHAR, community_code VARCHAR, street_code VARCHAR)`);
  const w = new ChunkWriter(await db.conn.createAppender('cells'), [
    INTEGER,
    DOUBLE,
    DOUBLE,
    VARCHAR,
    VARCHAR,
    VARCHAR,
    VARCHAR,
    VARCHAR,
    VARCHAR,
  ]);
  for (const c of cells) {
    const areas = locate(c.lon, c.lat, c.city);
    w.row(
      c.cellId,
      c.lon,
      c.lat,
      c.tech ?? null,
      c.county,
      c.city,
      c.province,
      areas.community,
      areas.street,
    );
  }
  w.close();
  await writeGeoAreas(db);
  return { cells: cells.length, bad: reg.bad.slice(0, 5), badCount: reg.badCount, outside };
}

/** True when the workspace has a cell registry. */
export async function hasCells(db: Duck): Promise<boolean> {
  const row = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'cells'`,
  );
  return (row?.n ?? 0) > 0;
}
