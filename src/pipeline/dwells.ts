import type { Duck } from '../db/duck.ts';
import { quotedIdentifier } from '../db/duck.ts';

/** Region levels a dwell is rolled up to; community exists only for the focal city's cells. */
export const LEVELS = ['community', 'county', 'city', 'province'] as const;
export type RegionLevel = (typeof LEVELS)[number];

/** A user's continuous presence in one region: consecutive stays in that region merged. */
export interface DwellRow {
  level: RegionLevel;
  user_id: string;
  region: string;
  start_ts: Date;
  end_ts: Date;
  minutes: number;
}

/** Default "was there" threshold: a dwell of at least 120 minutes (design.md, after the 2020 platform). */
export const DEFAULT_DWELL_MINUTES = 120;

export const DWELL_TABLES = `
CREATE TABLE IF NOT EXISTS dwells (level VARCHAR, user_id UUID, region VARCHAR, start_ts TIMESTAMP,
  end_ts TIMESTAMP, minutes DOUBLE, day DATE);
CREATE TABLE IF NOT EXISTS open_dwells (level VARCHAR, user_id UUID, region VARCHAR, start_ts TIMESTAMP,
  end_ts TIMESTAMP);`;

/**
 * Dwells of one day at one level: the day's closed stays and the users' open
 * stays mapped to the level's region, after each user's open dwell carried
 * from the previous run; consecutive ones in the same region merged (start of
 * the first, end of the last). A stay in no region (a cell outside the level's
 * coverage) breaks a dwell like any other region. The last dwell per user stays
 * open. $1 = level, $2 = day.
 */
export const DWELLS_DAY_SQL = (regionColumn: string): string => `
CREATE OR REPLACE TEMP TABLE day_dwells AS
WITH s AS (
  SELECT d.user_id, coalesce(c.${quotedIdentifier(regionColumn)}, '') AS region, d.start_ts, d.end_ts
  FROM day_stays d JOIN cells c USING (cell_id)
  UNION ALL SELECT user_id, region, start_ts, end_ts FROM open_dwells WHERE level = $1),
g AS (
  SELECT *, sum((prev IS DISTINCT FROM region)::INTEGER) OVER (PARTITION BY user_id ORDER BY start_ts, end_ts) AS grp
  FROM (SELECT *, lag(region) OVER (PARTITION BY user_id ORDER BY start_ts, end_ts) AS prev FROM s)),
m AS (
  SELECT user_id, region, min(start_ts) AS start_ts, max(end_ts) AS end_ts FROM g GROUP BY user_id, region, grp)
SELECT *, (epoch(end_ts) - epoch(start_ts)) / 60.0 AS minutes,
       row_number() OVER (PARTITION BY user_id ORDER BY start_ts DESC) = 1 AS is_open
FROM m`;

/**
 * Runs the dwell step of one day for one level; `day_stays` must hold the day's stays (open ones included).
 * `daySql` is a seam for the SQL-mutant tests (src/testing/sql-mutants.ts); the pipeline never passes it.
 */
export async function dwellsForDay(
  db: Duck,
  level: RegionLevel,
  day: string,
  daySql: (regionColumn: string) => string = DWELLS_DAY_SQL,
): Promise<void> {
  await db.run(daySql(`${level}_code`), [level]);
  await db.run(
    `INSERT INTO dwells SELECT $1, user_id, region, start_ts, end_ts, minutes, $2::DATE FROM day_dwells
     WHERE NOT is_open AND region <> ''`,
    [level, day],
  );
  await db.run(`DELETE FROM open_dwells WHERE level = $1`, [level]);
  await db.run(
    `INSERT INTO open_dwells SELECT $1, user_id, region, start_ts, end_ts FROM day_dwells WHERE is_open`,
    [level],
  );
}
