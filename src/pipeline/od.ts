import type { Duck } from '../db/duck.ts';

/** One trip between cities: two consecutive "was there" dwells in different cities. */
export interface TripRow {
  user_id: string;
  origin: string;
  dest: string;
  depart_ts: Date;
  arrive_ts: Date;
}

/** Daily origin-destination count: distinct users arriving in `dest` from `origin` on `date`. */
export interface OdDailyRow {
  date: string;
  origin: string;
  dest: string;
  users: number;
}

/**
 * Trips: among dwells of at least $1 minutes (shorter ones are pass-through and
 * skipped), each pair of consecutive dwells in different cities. Arrival is
 * the start of the destination dwell.
 */
export const TRIPS_SQL = `
CREATE OR REPLACE TABLE trips AS
WITH d AS (
  SELECT user_id, city_code, start_ts, end_ts,
         lag(city_code) OVER w AS prev_city, lag(end_ts) OVER w AS prev_end
  FROM city_dwells WHERE minutes >= $1
  WINDOW w AS (PARTITION BY user_id ORDER BY start_ts))
SELECT user_id, prev_city AS origin, city_code AS dest, prev_end AS depart_ts, start_ts AS arrive_ts
FROM d WHERE prev_city IS NOT NULL AND prev_city <> city_code`;

/** Daily city OD from trips, counted on the arrival date. */
export const OD_CITY_DAILY_SQL = `
CREATE OR REPLACE TABLE od_city_daily AS
SELECT arrive_ts::DATE AS date, origin, dest, count(DISTINCT user_id)::INTEGER AS users
FROM trips GROUP BY ALL`;

/** Builds `trips` and `od_city_daily`. */
export async function buildOd(db: Duck, dwellMinutes: number): Promise<{ trips: number; odRows: number }> {
  await db.run(TRIPS_SQL, [dwellMinutes]);
  await db.run(OD_CITY_DAILY_SQL);
  const t = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM trips`);
  const o = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM od_city_daily`);
  return { trips: t?.n ?? 0, odRows: o?.n ?? 0 };
}
