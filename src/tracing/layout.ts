import type { Duck } from '../db/duck.ts';
import { uid } from '../db/uid.ts';

/**
 * Longest stretch a stay is extended by, each side, towards the neighbouring stay of the same person
 * (half the gap, at most this): a phone is silent between records, so a stay's first and last records
 * under-state it by up to a gap. 60 minutes is twice the simulator's default mean gap (params.ts
 * gapMeanMinutes 30): past that, a silence is more likely a phone off or out of coverage than a stay.
 */
export const MAX_EXTEND_MINUTES = 60;

/**
 * The pieces of every stay (closed and still open), cut at midnight, with the stay's records' span
 * (start_ts, end_ts) and its extended span (lo_ts, hi_ts: half way to the previous and next stay, capped),
 * both clipped to the piece. Pieces are at most a day long, so a piece overlapping [a, b) starts in
 * [day(a), b): that bound, and the sort by (cell_id, piece_start), let DuckDB's zone maps skip every row
 * group of other cells and other days.
 */
export const PIECES_SQL = (source: string): string => `
WITH s AS (
  SELECT user_id, cell_id, start_ts, end_ts,
    lag(end_ts) OVER w AS prev_end, lead(start_ts) OVER w AS next_start
  FROM (${source}) WINDOW w AS (PARTITION BY user_id ORDER BY start_ts)),
e AS (
  SELECT user_id, cell_id, start_ts, end_ts,
    start_ts - least(coalesce((start_ts - prev_end) / 2, INTERVAL 0 MINUTE), INTERVAL ${MAX_EXTEND_MINUTES} MINUTE) AS lo,
    end_ts + least(coalesce((next_start - end_ts) / 2, INTERVAL 0 MINUTE), INTERVAL ${MAX_EXTEND_MINUTES} MINUTE) AS hi
  FROM s),
p AS (
  SELECT e.*, g.d AS piece_day FROM e
  CROSS JOIN LATERAL (SELECT unnest(generate_series(date_trunc('day', lo), date_trunc('day', hi), INTERVAL 1 DAY)) AS d) g)
SELECT user_id, cell_id,
  greatest(lo, piece_day) AS piece_start,
  least(hi, piece_day + INTERVAL 1 DAY) AS piece_end,
  greatest(start_ts, piece_day) AS start_ts, least(end_ts, piece_day + INTERVAL 1 DAY) AS end_ts
FROM p
WHERE greatest(lo, piece_day) < least(hi, piece_day + INTERVAL 1 DAY)
   OR (lo = hi AND piece_day = date_trunc('day', lo))`;

/**
 * The pipeline's stays, closed and open: the input of the layout, user_id as UUID (the stays' type since
 * workspace format 2; the cast is a no-op there and pins the layout's type), so the layout's sorts and the
 * searches' filters work on 16-byte values.
 */
export const ALL_STAYS = `SELECT ${uid('user_id')} AS user_id, cell_id, start_ts, end_ts FROM stays
  UNION ALL SELECT ${uid('user_id')} AS user_id, cell_id, start_ts, end_ts FROM open_stays`;

/**
 * (Re)builds the tracing layout from the pipeline's stays: trace_stays sorted by (cell_id, piece_start)
 * for companion searches, trace_stays_user sorted by (user_id, piece_start) for a person's own stays;
 * user_id is UUID in both (ALL_STAYS).
 * Called by `epitrace run` at its end; costs two sorts of the stays.
 */
export async function buildTraceLayout(db: Duck): Promise<void> {
  await db.run(`CREATE OR REPLACE TEMP TABLE trace_pieces AS ${PIECES_SQL(ALL_STAYS)}`);
  await db.run(
    `CREATE OR REPLACE TABLE trace_stays AS SELECT * FROM trace_pieces ORDER BY cell_id, piece_start`,
  );
  await db.run(
    `CREATE OR REPLACE TABLE trace_stays_user AS SELECT * FROM trace_pieces ORDER BY user_id, piece_start`,
  );
  await db.run(`DROP TABLE trace_pieces`);
}

/** True when the layout exists (a workspace whose pipeline ran before it did not have it). */
export async function hasTraceLayout(db: Duck): Promise<boolean> {
  const r = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name IN ('trace_stays', 'trace_stays_user')`,
  );
  return r?.n === 2;
}
