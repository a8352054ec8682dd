import type { Duck } from '../db/duck.ts';
import { quotedString } from '../db/duck.ts';

/** One cell stay: consecutive records of a user at one cell, ping-pong smoothed. */
export interface StayRow {
  user_id: string;
  cell_id: number;
  start_ts: Date;
  /** The stay's last record: a stay ends at its last record, not at the next one. */
  end_ts: Date;
  n_records: number;
  /** The day whose run closed this stay. */
  day: Date;
}

export interface StayOptions {
  /** A run of at most this many records... */
  pingPongMaxRecords: number;
  /** ...lasting at most this many minutes, between two runs at one same other cell, is ping-pong. */
  pingPongMaxMinutes: number;
  /** Stays shorter than this are dropped (0 keeps every stay, passing-through handovers included). */
  minStayMinutes: number;
}

/**
 * Ping-pong: a phone near a cell edge flips to a neighbouring cell and back.
 * Rule: a run of <= 2 records lasting <= 10 minutes whose previous and next
 * runs are at one same other cell, not both of them that short, is absorbed
 * into that cell's stay (the "not both" keeps alternating flips from swapping). A real
 * visit elsewhere lasts longer or has more records; tuned to the simulator's
 * single-record flips, and the usual 5-15 min smoothing windows in the
 * literature (e.g. Iovan et al., 2013, "Moving and calling").
 */
export const DEFAULT_STAY_OPTIONS: StayOptions = {
  pingPongMaxRecords: 2,
  pingPongMaxMinutes: 10,
  minStayMinutes: 0,
};

export const STAY_TABLES = `
CREATE TABLE IF NOT EXISTS stays (user_id UUID, cell_id INTEGER, start_ts TIMESTAMP, end_ts TIMESTAMP,
  n_records INTEGER, day DATE);
CREATE TABLE IF NOT EXISTS open_stays (user_id UUID, cell_id INTEGER, start_ts TIMESTAMP, end_ts TIMESTAMP,
  n_records INTEGER);`;

/**
 * Stays of one day. Input: the day's records plus each user's open stay from
 * the previous run (as two weighted pseudo-records, so a stay crossing midnight
 * keeps its start and count). Gaps and islands in one window pass (design.md's
 * fastest variant), ping-pong relabelled, neighbours merged by a second pass
 * over runs only (a ping-pong run takes its neighbours' cell, so its records
 * count for that stay). Each user's last stay stays open for the next day, and
 * with it any stays short enough to be flips and the last longer one before them.
 * Stays shorter than the minimum are dropped, except a user's last one (it may
 * still grow tomorrow). $1 = max ping-pong records, $2 = max ping-pong minutes,
 * $3 = minimum stay minutes.
 */
export const STAYS_DAY_SQL = (dayFiles: string): string => `
CREATE OR REPLACE TEMP TABLE day_stays AS
WITH recs AS (
  SELECT user_id, ts, cell_id, 1 AS w FROM read_parquet(${dayFiles})
  UNION ALL SELECT user_id, start_ts, cell_id, n_records - (end_ts > start_ts)::INTEGER FROM open_stays
  UNION ALL SELECT user_id, end_ts, cell_id, 1 FROM open_stays WHERE end_ts > start_ts),
f AS (
  SELECT user_id, ts, cell_id, w, lag(cell_id) OVER o AS pk, lag(ts) OVER o AS pts,
         sum(w) OVER (o ROWS UNBOUNDED PRECEDING) AS cw,
         last_value(ts) OVER (o ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS max_ts,
         sum(w) OVER (o ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS total
  FROM recs WINDOW o AS (PARTITION BY user_id ORDER BY ts)),
starts AS (
  SELECT user_id, cell_id, ts AS start_ts, coalesce(lead(pts) OVER q, max_ts) AS end_ts,
         coalesce(lead(cw - w) OVER q, total) - (cw - w) AS n_records
  FROM f WHERE pk IS DISTINCT FROM cell_id
  WINDOW q AS (PARTITION BY user_id ORDER BY ts)),
runs AS (
  SELECT *, lag(cell_id) OVER r AS prev_cell, lead(cell_id) OVER r AS next_cell,
         lag(short) OVER r AS prev_short, lead(short) OVER r AS next_short
  FROM (SELECT *, n_records <= $1 AND end_ts - start_ts <= to_minutes($2::BIGINT) AS short FROM starts)
  WINDOW r AS (PARTITION BY user_id ORDER BY start_ts)),
kept AS (
  -- A short run between two runs at one same cell, one of them longer, is a flip: it takes that cell (its
  -- records count for its stay). Other stays shorter than the minimum are dropped, except the last.
  SELECT user_id, CASE WHEN flip THEN prev_cell ELSE cell_id END AS cell_id, start_ts, end_ts, n_records
  FROM (SELECT *, short AND coalesce(prev_cell = next_cell AND NOT (prev_short AND next_short), false) AS flip
        FROM runs)
  WHERE flip OR next_cell IS NULL OR end_ts - start_ts >= to_minutes($3::BIGINT)),
merged AS (
  SELECT user_id, cell_id, min(start_ts) AS start_ts, max(end_ts) AS end_ts, sum(n_records)::INTEGER AS n_records
  FROM (SELECT *, sum((lag_cell IS DISTINCT FROM cell_id)::INTEGER) OVER (PARTITION BY user_id ORDER BY start_ts) AS g
        FROM (SELECT *, lag(cell_id) OVER (PARTITION BY user_id ORDER BY start_ts) AS lag_cell FROM kept))
  GROUP BY user_id, cell_id, g)
-- Stays at the end that could still prove ping-pong flips stay open, with the last longer one before
-- them: the next day may return to its cell.
SELECT user_id, cell_id, start_ts, end_ts, n_records, rn <= coalesce(anchor, rn) AS is_open FROM (
  SELECT *, min(CASE WHEN NOT short THEN rn END) OVER (PARTITION BY user_id) AS anchor FROM (
    SELECT *, row_number() OVER (PARTITION BY user_id ORDER BY start_ts DESC) AS rn,
           n_records <= $1 AND end_ts - start_ts <= to_minutes($2::BIGINT) AS short
    FROM merged))`;

/** Runs the stays step for one day; returns closed stays added. */
export async function staysForDay(db: Duck, rawDir: string, day: string, o: StayOptions): Promise<number> {
  const files = quotedString(`${rawDir}/date=${day}/*.parquet`);
  await db.run(STAYS_DAY_SQL(files), [o.pingPongMaxRecords, o.pingPongMaxMinutes, o.minStayMinutes]);
  await db.run(
    `INSERT INTO stays SELECT user_id, cell_id, start_ts, end_ts, n_records, $1::DATE FROM day_stays WHERE NOT is_open`,
    [day],
  );
  await db.run(`DELETE FROM open_stays`);
  await db.run(
    `INSERT INTO open_stays SELECT user_id, cell_id, start_ts, end_ts, n_records FROM day_stays WHERE is_open`,
  );
  const n = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM day_stays WHERE NOT is_open`);
  return n?.n ?? 0;
}
