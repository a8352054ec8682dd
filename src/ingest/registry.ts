import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Duck } from '../db/duck.ts';
import { quotedString } from '../db/duck.ts';
import { UserError } from '../errors.ts';

const COUNTIES_CSV = fileURLToPath(new URL('../geo/data/counties.csv', import.meta.url));

/** Fails with one clear line when a file cannot be read. */
export function requireReadable(path: string, what: string): void {
  try {
    accessSync(path, constants.R_OK);
  } catch (e) {
    throw new UserError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/**
 * Loads a cell registry CSV (cell_id, lon, lat[, tech], county_code) into the
 * `cells` table, replacing the previous one, with each cell's city and
 * province from the built-in geography. A county code we do not know is an error.
 */
export async function loadCellRegistry(db: Duck, path: string): Promise<number> {
  requireReadable(path, 'cell registry');
  const src = `read_csv(${quotedString(path)}, header = true, all_varchar = true)`;
  const cols = new Set(
    (await db.all<{ column_name: string }>(`DESCRIBE SELECT * FROM ${src}`)).map((c) => c.column_name),
  );
  const missing = ['cell_id', 'lon', 'lat', 'county_code'].filter((c) => !cols.has(c));
  if (missing.length) throw new UserError(`cell registry ${path} lacks column(s) ${missing.join(', ')}`);
  await db.run(
    `CREATE OR REPLACE TABLE cells AS
     SELECT r.cell_id::INTEGER AS cell_id, r.lon::DOUBLE AS lon, r.lat::DOUBLE AS lat,
            ${cols.has('tech') ? 'r.tech' : 'NULL::VARCHAR'} AS tech,
            r.county_code, g.city_code, g.province_code
     FROM ${src} r LEFT JOIN read_csv(${quotedString(COUNTIES_CSV)}, all_varchar = true) g ON g.code = r.county_code`,
  );
  const bad = await db.one<{ n: number; example: string | null }>(
    `SELECT count(*)::INTEGER AS n, min(county_code) AS example FROM cells WHERE city_code IS NULL`,
  );
  if (bad && bad.n > 0) {
    throw new UserError(
      `cell registry ${path}: ${bad.n} cell(s) with an unknown county code, e.g. '${bad.example}'`,
    );
  }
  const row = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM cells`);
  return row?.n ?? 0;
}

/** True when the workspace has a cell registry. */
export async function hasCells(db: Duck): Promise<boolean> {
  const row = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'cells'`,
  );
  return (row?.n ?? 0) > 0;
}
