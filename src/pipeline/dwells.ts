import type { Duck } from '../db/duck.ts';

/** A user's continuous presence in one city: consecutive stays in that city merged. */
export interface CityDwellRow {
  user_id: string;
  city_code: string;
  start_ts: Date;
  end_ts: Date;
  minutes: number;
}

/** Default "was there" threshold: a dwell of at least 120 minutes (design.md, after the 2020 platform). */
export const DEFAULT_DWELL_MINUTES = 120;

/**
 * City dwells: stays mapped to their cell's city, consecutive stays in the same
 * city merged (start of the first, end of the last).
 */
export const CITY_DWELLS_SQL = `
CREATE OR REPLACE TABLE city_dwells AS
WITH s AS (
  SELECT st.user_id, c.city_code, st.start_ts, st.end_ts,
         lag(c.city_code) OVER (PARTITION BY st.user_id ORDER BY st.start_ts) AS prev_city
  FROM stays st JOIN cells c USING (cell_id)),
g AS (
  SELECT *, sum((prev_city IS DISTINCT FROM city_code)::INTEGER)
              OVER (PARTITION BY user_id ORDER BY start_ts) AS grp
  FROM s)
SELECT user_id, city_code, min(start_ts) AS start_ts, max(end_ts) AS end_ts,
       (epoch(max(end_ts)) - epoch(min(start_ts))) / 60.0 AS minutes
FROM g GROUP BY user_id, city_code, grp`;

/** Builds `city_dwells` from `stays` and `cells`. */
export async function buildCityDwells(db: Duck): Promise<number> {
  await db.run(CITY_DWELLS_SQL);
  return (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM city_dwells`))?.n ?? 0;
}
