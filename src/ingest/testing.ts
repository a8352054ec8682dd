import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Duck, quotedString } from '../db/duck.ts';
import { uidHex } from '../db/uid.ts';
import { tempDir } from '../testing/fixture.ts';
import { Workspace } from '../workspace.ts';

/** A fixed 40-byte test key (never a real one). */
export const TEST_KEY = Buffer.from('k'.repeat(40));

/** Two cells in Wuhan, the registry every ingest test uses. */
export function writeCells(dir: string): string {
  const path = join(dir, 'cells.csv');
  writeFileSync(path, 'cell_id,lon,lat,tech\n1,114.3,30.6,LTE\n2,114.4,30.5,LTE\n');
  return path;
}

/** A fresh workspace under a new temp folder. */
export function freshWorkspace(prefix: string): { dir: string; ws: Workspace; cells: string } {
  const dir = tempDir(prefix);
  const ws = new Workspace(join(dir, 'ws'));
  ws.create({ synthetic: true, description: 'test' });
  return { dir, ws, cells: writeCells(dir) };
}

/** One test record: raw id (null = absent), time and cell as text. */
export type Rec = [id: string | null, time: string, cell: string];

/** Writes records as CSV (raw_id,ts,cell_id) with optional extra raw lines spliced in at their index. */
export function csvOf(recs: (Rec | string)[], delim = ','): string {
  const line = (r: Rec | string) => (typeof r === 'string' ? r : r.map((v) => v ?? '').join(delim));
  return [['raw_id', 'ts', 'cell_id'].join(delim), ...recs.map(line)].join('\n') + '\n';
}

/** Writes records as NDJSON; strings are raw lines. */
export function ndjsonOf(recs: (Rec | string)[]): string {
  const line = (r: Rec | string) =>
    typeof r === 'string' ? r : JSON.stringify({ raw_id: r[0], ts: r[1], cell_id: r[2] });
  return recs.map(line).join('\n') + '\n';
}

/** Writes records as Parquet (all columns VARCHAR, like a loosely typed export). */
export async function writeParquet(path: string, recs: Rec[]): Promise<void> {
  const db = await Duck.open({ path: ':memory:' });
  const v = (x: string | null) => (x === null ? 'NULL::VARCHAR' : quotedString(x));
  const values = recs.map((r) => `(${r.map(v).join(', ')})`).join(', ');
  await db.run(
    `COPY (SELECT * FROM (VALUES ${values}) v(raw_id, ts, cell_id)) TO ${quotedString(path)} (FORMAT parquet)`,
  );
  db.close();
}

/** Writes text, gzipped when the name ends in .gz. */
export function writeText(path: string, text: string): string {
  writeFileSync(path, path.endsWith('.gz') ? gzipSync(text) : text);
  return path;
}

/** Reads back every raw partition row, in file order; user_id (stored as UUID) as its 32 hex characters. */
export async function partitionRows(
  ws: Workspace,
): Promise<{ file: string; user_id: string; ts: string; cell_id: number; event: string | null }[]> {
  const db = await Duck.open({ path: ':memory:' });
  try {
    return await db.all(
      `SELECT filename AS file, ${uidHex('user_id')} AS user_id, strftime(ts, '%Y-%m-%d %H:%M:%S') AS ts, cell_id, event
       FROM read_parquet(${quotedString(ws.rawDir + '/*/*.parquet')}, filename = true, file_row_number = true,
                         hive_partitioning = false)
       ORDER BY filename, file_row_number`,
    );
  } catch (e) {
    if (/No files found/.test(String(e))) return [];
    throw e;
  } finally {
    db.close();
  }
}

/** The quarantine table of a workspace, by file and row. */
export async function quarantineRows(
  ws: Workspace,
): Promise<{ file: string; row_no: number; reason: string; original: string | null }[]> {
  const db = await ws.openDuck({ readOnly: true });
  try {
    return await db.all(
      `SELECT file, row_no::INTEGER AS row_no, reason, original FROM quarantine ORDER BY file, row_no`,
    );
  } finally {
    db.close();
  }
}
