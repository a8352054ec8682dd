import { accessSync, constants } from 'node:fs';
import type { Duck } from '../db/duck.ts';
import { quotedString } from '../db/duck.ts';
import { UserError } from '../errors.ts';

/** Fails with one clear line when a file cannot be read. */
export function requireReadable(path: string, what: string): void {
  try {
    accessSync(path, constants.R_OK);
  } catch (e) {
    throw new UserError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/**
 * Loads a cell registry CSV (cell_id, lon, lat, tech, city_code) into the
 * `cells` table, replacing the previous one.
 */
export async function loadCellRegistry(db: Duck, path: string): Promise<number> {
  requireReadable(path, 'cell registry');
  await db.run(
    `CREATE OR REPLACE TABLE cells AS
     SELECT cell_id::INTEGER AS cell_id, lon::DOUBLE AS lon, lat::DOUBLE AS lat, tech::VARCHAR AS tech,
            city_code::VARCHAR AS city_code
     FROM read_csv(${quotedString(path)}, header = true, all_varchar = true)`,
  );
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
