import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Duck } from '../db/duck.ts';
import { quotedString } from '../db/duck.ts';
import type { Workspace } from '../workspace.ts';
import { copied, exec, rows } from './sql.ts';
import type { Named } from './sql.ts';

/** Records carry a cell; points (GPS kept with --keep-points) carry lon/lat instead. */
export type Kind = 'records' | 'points';

/** Where kept GPS points go: beside raw/, so raw/ partitions keep one schema for the pipeline. */
export function pointsDir(ws: Workspace): string {
  return join(ws.root, 'points');
}

/** Folder under tmp/ where one input's partitions wait until its log row is committed. */
export function stagingDir(ws: Workspace, hash: string): string {
  return join(ws.tmpDir, `ingest-${hash}`);
}

/** A staged partition's file name: <kind>-<day>.parquet. */
export function stagedName(kind: Kind, day: string): string {
  return `${kind}-${day}.parquet`;
}

/** Where a staged partition ends up: <raw|points>/date=<day>/part-<hash16>.parquet. */
export function finalPath(ws: Workspace, hash: string, kind: Kind, day: string): string {
  const root = kind === 'records' ? ws.rawDir : pointsDir(ws);
  // Named by the input's content: a rerun replaces the file instead of adding a second copy.
  return join(root, `date=${day}`, `part-${hash.slice(0, 16)}.parquet`);
}

/**
 * Committed partitions of one day and kind other than the input's own (which --replace is about
 * to overwrite): the records a new input's rows are checked against for duplicates.
 */
export function storedParts(ws: Workspace, hash: string, kind: Kind, day: string): string[] {
  const own = finalPath(ws, hash, kind, day);
  const dir = join(kind === 'records' ? ws.rawDir : pointsDir(ws), `date=${day}`);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => /^part-[0-9a-f]{16}\.parquet$/.test(n))
    .map((n) => join(dir, n))
    .filter((f) => f !== own)
    .sort();
}

const SHAPE: Record<Kind, { cols: string; out: string; order: string; key: string; where: string }> = {
  records: {
    cols: 'm.user_id, c.ts, c.cell_id, c.event',
    out: 'user_id, ts, cell_id, event',
    order: 'm.urank, c.ts, c.cell_id',
    key: 'cell_id',
    where: 'c.cell_id IS NOT NULL',
  },
  points: {
    cols: 'm.user_id, c.ts, c.lon, c.lat, c.event',
    out: 'user_id, ts, lon, lat, event',
    order: 'm.urank, c.ts, c.lon, c.lat',
    key: 'lon, lat',
    where: 'c.cell_id IS NULL',
  },
};

/**
 * Writes the accepted rows of one day and kind from `cls` into the staging folder, sorted by
 * pseudonym and time. Rows whose record (same pseudonym, time and cell or point) is already
 * stored for the day by another input (`stored`, whatever its format, compression, line endings
 * or order) go to `ingest_q` as 'duplicate of stored record'; later copies of a record within
 * the input as 'duplicate record'. Sorting puts copies next to each other, so reading the
 * written file back tells cheaply whether any exist; only then are they identified (on their
 * (user, time) keys alone) and the file rewritten without them. Returns rows written and removed.
 */
export async function writeDay(
  db: Duck,
  o: { cls: string; kind: Kind; day: string; file: string; values: Named; stored: string[] },
): Promise<{ rows: number; duplicates: number }> {
  const s = SHAPE[o.kind];
  const values = { ...o.values, day_ts: o.day };
  let where = `c.reason IS NULL AND ${s.where}
    AND c.ts >= $day_ts::TIMESTAMP AND c.ts < $day_ts::TIMESTAMP + INTERVAL 1 DAY`;
  let storedDups = 0;
  if (o.stored.length) {
    const parts = `read_parquet([${o.stored.map(quotedString).join(', ')}])`;
    const on = ['user_id', 'ts', ...s.key.split(', ')].map((k) => `p.${k} = x.${k}`).join(' AND ');
    await exec(
      db,
      `CREATE OR REPLACE TEMP TABLE ingest_stored_dups AS
       SELECT x.row_no FROM (SELECT c.row_no, ${s.cols} FROM ${o.cls} c JOIN ingest_ids m USING (raw_id) WHERE ${where}) x
       SEMI JOIN ${parts} p ON ${on}`,
      values,
    );
    await db.run(`INSERT INTO ingest_q SELECT row_no, 'duplicate of stored record' FROM ingest_stored_dups`);
    const [n] = await rows<{ n: number }>(db, `SELECT count(*)::INTEGER AS n FROM ingest_stored_dups`);
    storedDups = n?.n ?? 0;
    if (storedDups) where += ` AND c.row_no NOT IN (SELECT row_no FROM ingest_stored_dups)`;
  }
  const written = await copied(
    db,
    `COPY (SELECT ${s.cols} FROM ${o.cls} c JOIN ingest_ids m USING (raw_id) WHERE ${where}
           ORDER BY ${s.order}) TO ${quotedString(o.file)} (FORMAT parquet)`,
    values,
  );
  // lag() over a plain scan runs as a streaming window, in file order.
  const same = ['user_id', 'ts', ...s.key.split(', ')].map((k) => `${k} = lag(${k}) OVER ()`).join(' AND ');
  const readBack = `(SELECT *, coalesce(${same}, false) AS again FROM read_parquet(${quotedString(o.file)}))`;
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ingest_dup_keys AS SELECT DISTINCT user_id, ts FROM ${readBack} WHERE again`,
  );
  const [keys] = await rows<{ n: number }>(db, `SELECT count(*)::INTEGER AS n FROM ingest_dup_keys`);
  if (!keys?.n) return { rows: written, duplicates: storedDups };
  await exec(
    db,
    `CREATE OR REPLACE TEMP TABLE ingest_day_dups AS SELECT row_no FROM (
       SELECT c.row_no, row_number() OVER (PARTITION BY m.urank, c.ts, ${s.key} ORDER BY c.row_no) AS k
       FROM ${o.cls} c JOIN ingest_ids m USING (raw_id) JOIN ingest_dup_keys d ON d.user_id = m.user_id AND d.ts = c.ts
       WHERE ${where}) WHERE k > 1`,
    values,
  );
  await db.run(`INSERT INTO ingest_q SELECT row_no, 'duplicate record' FROM ingest_day_dups`);
  const [dups] = await rows<{ n: number }>(db, `SELECT count(*)::INTEGER AS n FROM ingest_day_dups`);
  const tmp = `${o.file}.dedup`;
  const kept = await copied(
    db,
    `COPY (SELECT ${s.out} FROM ${readBack} WHERE NOT again) TO ${quotedString(tmp)} (FORMAT parquet)`,
  );
  renameSync(tmp, o.file);
  await db.run(`DROP TABLE ingest_day_dups; DROP TABLE ingest_dup_keys`);
  if (kept !== written - dups!.n) {
    throw new Error(`duplicate removal miscounted: ${written} - ${dups!.n} != ${kept} (${o.file})`);
  }
  return { rows: kept, duplicates: dups!.n + storedDups };
}
