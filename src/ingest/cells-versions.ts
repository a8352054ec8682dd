import type { Duck } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import { contentHash } from './inputs.ts';
import { hasCells, loadCellRegistry, requireReadable } from './registry.ts';
import { ensureStaleTable, markStale } from './stale.ts';

/** What `--cells` did. */
export interface CellsOutcome {
  version: number;
  /** False when the file matched the current version (nothing loaded). */
  loaded: boolean;
  cells: number;
}

/** Creates the table of cell registry versions (one row per registry ever loaded). */
export async function ensureCellsVersions(db: Duck): Promise<void> {
  await db.run(`CREATE TABLE IF NOT EXISTS cells_versions (version INTEGER PRIMARY KEY, content_hash VARCHAR,
    file VARCHAR, cells INTEGER, loaded_at TIMESTAMP)`);
}

/**
 * Applies a `--cells` file. The same content as the current version does nothing; a first
 * registry is loaded as version 1; different content is refused unless `update` (the explicit
 * step `ingest --cells-update`), which loads it as the next version and marks every day the
 * pipeline already ran as stale (they need `run --rebuild`: their regions came from the old
 * registry). Loading and recording the version are one transaction.
 */
export async function applyCells(db: Duck, path: string, update: boolean): Promise<CellsOutcome> {
  requireReadable(path, 'cell registry');
  await ensureCellsVersions(db);
  await ensureStaleTable(db);
  const hash = await contentHash(path);
  const cur = await db.one<{ version: number; content_hash: string; cells: number }>(
    `SELECT version, content_hash, cells FROM cells_versions ORDER BY version DESC LIMIT 1`,
  );
  if (cur?.content_hash === hash) return { version: cur.version, loaded: false, cells: cur.cells };
  const had = cur !== undefined || (await hasCells(db));
  if (had && !update) {
    const which = cur ? `version ${cur.version}` : 'one loaded before registries were versioned';
    throw new UserError(
      `cell registry ${path} differs from this workspace's (${which}): pass --cells-update to make it the next version ` +
        `(days already run then need 'epitrace run --rebuild'), or leave out --cells`,
    );
  }
  const version = (cur?.version ?? 0) + 1;
  await db.run('BEGIN TRANSACTION');
  try {
    const s = await loadCellRegistry(db, path);
    await db.run(`INSERT INTO cells_versions VALUES ($1, $2, $3, $4, current_timestamp)`, [
      version,
      hash,
      path,
      s.cells,
    ]);
    if (had) await markStale(db, undefined, `cell registry changed to version ${version}`);
    await db.run('COMMIT');
    return { version, loaded: true, cells: s.cells };
  } catch (e) {
    await db.run('ROLLBACK');
    throw e;
  }
}
