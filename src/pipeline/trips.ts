import type { Duck } from '../db/duck.ts';
import { CELL_KEY_MODULUS, recordKeySql } from '../privacy/disclosure.ts';
import type { RegionLevel } from './dwells.ts';

/** One trip between regions: consecutive "was there" dwells in different regions of one level. */
export interface TripRow {
  level: RegionLevel;
  user_id: string;
  origin: string;
  dest: string;
  depart_ts: Date;
  arrive_ts: Date;
}

/**
 * Daily origin-destination count: distinct users arriving in `dest` from `origin` on `date`, with the cell key
 * of those users (sum of their record keys mod N, src/privacy/disclosure.ts), so the cell is always perturbed alike.
 */
export interface OdDailyRow {
  level: RegionLevel;
  date: string;
  origin: string;
  dest: string;
  users: number;
  ckey: number;
}

export const TRIP_TABLES = `
CREATE TABLE IF NOT EXISTS last_visit (level VARCHAR, user_id UUID, region VARCHAR, start_ts TIMESTAMP,
  end_ts TIMESTAMP);
CREATE TABLE IF NOT EXISTS trips (level VARCHAR, user_id UUID, origin VARCHAR, dest VARCHAR,
  depart_ts TIMESTAMP, arrive_ts TIMESTAMP, day DATE);
CREATE TABLE IF NOT EXISTS od_daily (level VARCHAR, date DATE, origin VARCHAR, dest VARCHAR, users INTEGER,
  ckey INTEGER);`;

/**
 * New trips of one run at one level. Qualifying dwells ("was there": at least
 * $2 minutes; shorter ones are pass-through and skipped) of the day, after the
 * user's last qualifying dwell carried from earlier runs; a trip is a pair of
 * consecutive ones in different regions, arriving when the second starts. A
 * dwell that starts before midnight and qualifies only after it is counted by
 * the next run, on its arrival date. $1 = level, $2 = minutes.
 */
export const VISITS_DAY_SQL = `
CREATE OR REPLACE TEMP TABLE day_visits AS
SELECT user_id, region, start_ts, max(end_ts) AS end_ts FROM (
  SELECT user_id, region, start_ts, end_ts FROM day_dwells WHERE minutes >= $2 AND region <> ''
  UNION ALL SELECT user_id, region, start_ts, end_ts FROM last_visit WHERE level = $1)
GROUP BY ALL`;

export const TRIPS_DAY_SQL = `
CREATE OR REPLACE TEMP TABLE new_trips AS
SELECT v.user_id, v.prev_region AS origin, v.region AS dest, v.prev_end AS depart_ts, v.start_ts AS arrive_ts
FROM (SELECT *, lag(region) OVER w AS prev_region, lag(end_ts) OVER w AS prev_end
      FROM day_visits WINDOW w AS (PARTITION BY user_id ORDER BY start_ts)) v
LEFT JOIN last_visit l ON l.level = $1 AND l.user_id = v.user_id
WHERE v.prev_region IS NOT NULL AND v.prev_region <> v.region AND v.start_ts > coalesce(l.start_ts, '-infinity')`;

/**
 * Runs the trip step of one day for one level; `day_dwells` must hold the day's dwells. The OD counts
 * of the run's trips are made once at the end of the run (countOd).
 */
export async function tripsForDay(
  db: Duck,
  level: RegionLevel,
  day: string,
  dwellMinutes: number,
): Promise<number> {
  await db.run(VISITS_DAY_SQL, [level, dwellMinutes]);
  await db.run(TRIPS_DAY_SQL, [level]);
  await db.run(`INSERT INTO trips SELECT $1, *, $2::DATE FROM new_trips`, [level, day]);
  await db.run(`DELETE FROM last_visit WHERE level = $1`, [level]);
  await db.run(
    `INSERT INTO last_visit SELECT $1, user_id, arg_max(region, start_ts), max(start_ts), arg_max(end_ts, start_ts)
     FROM day_visits GROUP BY user_id`,
    [level],
  );
  return (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM new_trips`))?.n ?? 0;
}

/**
 * Recounts od_daily for the (level, arrival date) cells the trips found since day `from` (this run's)
 * arrive in: once per run rather than per day and level, and reading only trips arriving from the
 * earliest such date (a trip found by a day's run may arrive the day before). The workspace must hold
 * its cell-key secret (run.ts checks once per run).
 */
export async function countOd(db: Duck, from: string): Promise<void> {
  await db.run(
    `CREATE OR REPLACE TEMP TABLE od_cells AS
     SELECT DISTINCT level, arrive_ts::DATE AS date FROM trips WHERE day >= $1::DATE`,
    [from],
  );
  await db.run(`DELETE FROM od_daily d USING od_cells c WHERE d.level = c.level AND d.date = c.date`);
  await db.run(
    `INSERT INTO od_daily
     SELECT level, date, origin, dest, count(*)::INTEGER, (sum(${recordKeySql('user_id')}) % ${CELL_KEY_MODULUS})::INTEGER
     FROM (SELECT DISTINCT t.level, t.arrive_ts::DATE AS date, t.origin, t.dest, t.user_id
           FROM trips t SEMI JOIN od_cells c ON c.level = t.level AND c.date = t.arrive_ts::DATE
           WHERE t.arrive_ts >= (SELECT min(date) FROM od_cells))
     GROUP BY ALL`,
  );
  await db.run(`DROP TABLE od_cells`);
}
