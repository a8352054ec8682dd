import { fileURLToPath } from 'node:url';
import type { Duck } from '../db/duck.ts';
import { quotedString } from '../db/duck.ts';

/** Night-time window of the resident rule: 22:00 to 06:00 (design.md). */
export const NIGHT_START_HOUR = 22;
export const NIGHT_HOURS = 8;
/** z for a two-sided 95% interval. */
const Z95 = 1.959964;

const COUNTIES_CSV = fileURLToPath(new URL('../geo/data/counties.csv', import.meta.url));

/** Resident county of a user in a month, and the night hours that decided it. */
export interface ResidentRow {
  month: string;
  user_id: string;
  county_code: string;
  night_hours: number;
}

/** Expansion factor of a county in a month, with a 95% interval. */
export interface ExpansionRow {
  month: string;
  county_code: string;
  residents: number;
  population: number;
  factor: number;
  factor_lo: number;
  factor_hi: number | null;
}

/**
 * Residents: each user's county with the most night-time (22:00-06:00) stay
 * hours in a month; a night belongs to the month of its evening. Ties go to
 * the lower county code.
 */
export const RESIDENTS_SQL = `
CREATE OR REPLACE TABLE residents AS
WITH s AS (
  SELECT user_id, cell_id, start_ts, end_ts FROM stays
  UNION ALL SELECT user_id, cell_id, start_ts, end_ts FROM open_stays),
n AS (
  SELECT s.user_id, c.county_code, g.night,
         epoch(least(s.end_ts, g.night + to_hours(${NIGHT_START_HOUR + NIGHT_HOURS})))
           - epoch(greatest(s.start_ts, g.night + to_hours(${NIGHT_START_HOUR}))) AS secs
  FROM s JOIN cells c USING (cell_id)
  CROSS JOIN LATERAL (SELECT unnest(generate_series(s.start_ts::DATE - 1, s.end_ts::DATE, INTERVAL 1 DAY))::DATE AS night) g
  WHERE c.county_code IS NOT NULL),
h AS (
  SELECT user_id, county_code, strftime(night, '%Y-%m') AS month, sum(secs) / 3600.0 AS hours
  FROM n WHERE secs > 0 GROUP BY ALL)
SELECT month, user_id, county_code, hours AS night_hours FROM (
  SELECT *, row_number() OVER (PARTITION BY month, user_id ORDER BY hours DESC, county_code) AS r FROM h)
WHERE r = 1`;

/**
 * Expansion: factor(county) = census population / sample residents. The
 * interval treats the resident count as Poisson (normal approximation): the
 * factor's bounds are population / (n +- 1.96 sqrt(n)); no upper bound when
 * n - 1.96 sqrt(n) <= 0.
 */
export const EXPANSION_SQL = `
CREATE OR REPLACE TABLE expansion AS
SELECT r.month, r.county_code, r.residents, p.population,
       p.population / r.residents AS factor,
       p.population / (r.residents + ${Z95} * sqrt(r.residents)) AS factor_lo,
       CASE WHEN r.residents - ${Z95} * sqrt(r.residents) > 0
            THEN p.population / (r.residents - ${Z95} * sqrt(r.residents)) END AS factor_hi
FROM (SELECT month, county_code, count(*)::INTEGER AS residents FROM residents GROUP BY ALL) r
JOIN (SELECT code AS county_code, population::DOUBLE AS population
      FROM read_csv(${quotedString(COUNTIES_CSV)}, all_varchar = true) WHERE population <> '') p USING (county_code)`;

/**
 * Expanded daily OD: each traveller weighted by the expansion factor of their
 * resident county in the month of arrival (one with no night stay anywhere
 * takes the month's median factor); the bounds are summed alike.
 */
export const OD_EXPANDED_SQL = `
CREATE OR REPLACE TABLE od_expanded AS
WITH t AS (
  SELECT t.level, t.arrive_ts::DATE AS date, t.origin, t.dest, t.user_id, strftime(t.arrive_ts, '%Y-%m') AS month
  FROM trips t),
med AS (SELECT month, median(factor) AS f, median(factor_lo) AS lo, median(factor_hi) AS hi FROM expansion GROUP BY month)
SELECT t.level, t.date, t.origin, t.dest, count(DISTINCT t.user_id)::INTEGER AS users,
       sum(coalesce(e.factor, m.f)) AS expanded, sum(coalesce(e.factor_lo, m.lo)) AS expanded_lo,
       sum(coalesce(e.factor_hi, m.hi)) AS expanded_hi
FROM (SELECT DISTINCT level, date, origin, dest, user_id, month FROM t) t
LEFT JOIN residents r ON r.user_id = t.user_id AND r.month = t.month
LEFT JOIN expansion e ON e.county_code = r.county_code AND e.month = t.month
LEFT JOIN med m ON m.month = t.month
GROUP BY ALL`;

/** Recomputes residents, expansion factors and expanded OD from the pipeline tables. */
export async function buildResidents(db: Duck): Promise<void> {
  await db.run(RESIDENTS_SQL);
  await db.run(EXPANSION_SQL);
  await db.run(OD_EXPANDED_SQL);
}
