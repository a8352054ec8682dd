import type { Duck } from '../db/duck.ts';
import { quotedString } from '../db/duck.ts';

/** One cell stay: consecutive records of a user at one cell. */
export interface StayRow {
  user_id: string;
  cell_id: number;
  start_ts: Date;
  /** The stay's last record (a stay ends at its last record, not at the next one). */
  end_ts: Date;
  n_records: number;
}

/**
 * Cell stays ("gaps and islands") in one window pass over all records, then a
 * window over run starts only: the fastest of the variants measured in
 * design.md. A stay starts at its first record and ends at its last.
 */
export const STAYS_SQL = (source: string): string => `
CREATE OR REPLACE TABLE stays AS
WITH f AS (
  SELECT user_id, ts, cell_id AS k, lag(cell_id) OVER w AS pk, lag(ts) OVER w AS pts,
         row_number() OVER w AS rn, count(*) OVER u AS cnt, max(ts) OVER u AS last_ts
  FROM ${source}
  WINDOW w AS (PARTITION BY user_id ORDER BY ts), u AS (PARTITION BY user_id)),
s AS (
  SELECT user_id, k AS cell_id, ts AS start_ts, coalesce(lead(pts) OVER w2, last_ts) AS end_ts,
         (coalesce(lead(rn) OVER w2, cnt + 1) - rn)::INTEGER AS n_records
  FROM f WHERE pk IS DISTINCT FROM k
  WINDOW w2 AS (PARTITION BY user_id ORDER BY ts))
SELECT * FROM s`;

/** The raw day partitions of a workspace as a DuckDB relation. */
export function rawSource(rawDir: string): string {
  return `read_parquet(${quotedString(rawDir + '/date=*/*.parquet')})`;
}

/** Builds the `stays` table from the given record relation. */
export async function buildStays(db: Duck, source: string): Promise<number> {
  await db.run(STAYS_SQL(source));
  return (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM stays`))?.n ?? 0;
}
