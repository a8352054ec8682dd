import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Duck } from '../db/duck.ts';
import { quotedString } from '../db/duck.ts';
import type { Workspace } from '../workspace.ts';
import { copied, exec } from './sql.ts';
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

/** Parquet row group size of a partition: DuckDB's default, stated so readers can rely on min/max statistics per group. */
export const ROW_GROUP_ROWS = 122_880;

const SHAPE: Record<Kind, { cols: string; out: string; key: string[]; where: string }> = {
  records: {
    cols: 'm.user_id, c.ts, c.cell_id, c.event',
    out: 'user_id, ts, cell_id, event',
    key: ['cell_id'],
    where: 'c.cell_id IS NOT NULL',
  },
  points: {
    cols: 'm.user_id, c.ts, c.lon, c.lat, c.event',
    out: 'user_id, ts, lon, lat, event',
    key: ['lon', 'lat'],
    where: 'c.cell_id IS NULL',
  },
};

/** SQL: the accepted rows of `kind` in `cls` with their pseudonym (user_id UUID), urank and row_no. */
function accepted(cls: string, kind: Kind, extra = ''): string {
  const s = SHAPE[kind];
  return `(SELECT c.row_no, m.urank, ${s.cols} FROM ${cls} c JOIN ingest_ids m USING (raw_id)
    WHERE c.reason IS NULL AND ${s.where}${extra})`;
}

/** SQL: a join condition matching a record of `x` with the same record (pseudonym, time, cell or point) in `p`. */
function sameRecord(kind: Kind): string {
  return ['user_id', 'ts', ...SHAPE[kind].key].map((k) => `p.${k} = x.${k}`).join(' AND ');
}

const partsOf = (files: string[]) => `read_parquet([${files.map(quotedString).join(', ')}])`;

/**
 * Writes the accepted rows of one day and kind from `cls` into the staging folder in one sorted
 * pass, sorted by pseudonym, time and cell (or point), in row groups of ROW_GROUP_ROWS. Rows whose
 * record (same pseudonym, time and cell or point) is already stored for the day by another input
 * (`stored`, whatever its format, compression, line endings or order) are left out by an anti
 * join; later copies (by row number) of a record within the input are left out by comparing each
 * sorted row with the one before it (a streaming window: copies are next to each other once
 * sorted). Nothing is read back. Returns the rows written; which rows were left out is found by
 * `listDuplicates` only when the counts show that some were.
 */
export async function writeDay(
  db: Duck,
  o: { cls: string; kind: Kind; day: string; file: string; values: Named; stored: string[] },
): Promise<number> {
  const s = SHAPE[o.kind];
  const values = { ...o.values, day_ts: o.day };
  let x = accepted(
    o.cls,
    o.kind,
    ` AND c.ts >= $day_ts::TIMESTAMP AND c.ts < $day_ts::TIMESTAMP + INTERVAL 1 DAY`,
  );
  if (o.stored.length) x = `(SELECT * FROM ${x} x ANTI JOIN ${partsOf(o.stored)} p ON ${sameRecord(o.kind)})`;
  // urank orders pseudonyms as user_id does (dense_rank over user_id) but sorts as a 4-byte integer.
  const order = ['urank', 'ts', ...s.key].join(', ');
  const same = ['urank', 'ts', ...s.key].map((k) => `lag(${k}) OVER () = ${k}`).join(' AND ');
  return copied(
    db,
    `COPY (SELECT ${s.out} FROM (SELECT * FROM ${x} ORDER BY ${order}, row_no) QUALIFY NOT coalesce(${same}, false))
     TO ${quotedString(o.file)} (FORMAT parquet, ROW_GROUP_SIZE ${ROW_GROUP_ROWS})`,
    values,
  );
}

/**
 * Adds to `ingest_q` the rows `writeDay` left out of the partitions of `kind`: those whose record
 * is in `stored` (every committed partition of another input for the days written; a partition
 * holds one day, so matching the record is enough) as 'duplicate of stored record', then among the
 * rest every copy of a record after its first (by row number) as 'duplicate record'.
 */
export async function listDuplicates(
  db: Duck,
  o: { cls: string; kind: Kind; values: Named; stored: string[] },
): Promise<void> {
  const s = SHAPE[o.kind];
  const x = accepted(o.cls, o.kind);
  if (o.stored.length) {
    await exec(
      db,
      `INSERT INTO ingest_q SELECT x.row_no, 'duplicate of stored record' FROM ${x} x
       SEMI JOIN ${partsOf(o.stored)} p ON ${sameRecord(o.kind)}`,
      o.values,
    );
  }
  await exec(
    db,
    `INSERT INTO ingest_q SELECT row_no, 'duplicate record' FROM (
       SELECT row_no, row_number() OVER (PARTITION BY urank, ts, ${s.key.join(', ')} ORDER BY row_no) AS k
       FROM ${x} x WHERE row_no NOT IN (SELECT row_no FROM ingest_q)) WHERE k > 1`,
    o.values,
  );
}
