import type { Duck } from '../db/duck.ts';

/** Grid step of the presence heatmap, degrees (about 1.1 km north-south). */
export const GRID_DEGREES = 0.01;

/** People present in a grid cell (or community) during an hour. */
export interface PresenceRow {
  hour: Date;
  /** 'grid' cells are named "lonIndex_latIndex" of the GRID_DEGREES grid; 'community' rows carry its code. */
  kind: 'grid' | 'community';
  area: string;
  users: number;
}

/** A grid square's lon and lat indexes from the columns lon and lat (SQL expressions). */
export const GRID_X_SQL = `floor(lon / ${GRID_DEGREES})::INTEGER`;
export const GRID_Y_SQL = `floor(lat / ${GRID_DEGREES})::INTEGER`;

/** A grid square's name "lonIndex_latIndex" from the columns lon and lat (SQL expression). */
export const GRID_AREA_SQL = `${GRID_X_SQL} || '_' || ${GRID_Y_SQL}`;

/**
 * The hours of the stays (closed and open): CTEs s and h, h holding one row per stay and clock hour it
 * overlaps in the days [$1, $2], with the user and the stay's cell (lon, lat, community, city).
 * `users`, a fixed relation from code (never from a request), keeps only its users' stays. The one
 * definition of "present in an hour", shared by presence and the high-risk heatmap (src/risk/heatmap.ts).
 */
export function presenceHoursSql(users?: string): string {
  const only = users ? ` AND user_id IN (SELECT user_id FROM ${users})` : '';
  return `s AS (
  SELECT user_id, cell_id, start_ts, end_ts FROM stays WHERE end_ts >= $1::DATE AND start_ts < $2::DATE + 1${only}
  UNION ALL SELECT user_id, cell_id, start_ts, end_ts FROM open_stays WHERE end_ts >= $1::DATE${only}),
h AS (
  SELECT s.user_id, c.lon, c.lat, c.community_code, c.city_code, g.hour
  FROM s JOIN cells c USING (cell_id)
  CROSS JOIN LATERAL (SELECT unnest(generate_series(date_trunc('hour', s.start_ts), s.end_ts, INTERVAL 1 HOUR)) AS hour) g
  WHERE g.hour >= $1::DATE AND g.hour < $2::DATE + 1)`;
}

/**
 * Presence per hour: distinct users with a stay overlapping the hour, counted at
 * their cell's grid square (a fixed lon/lat grid) and at its community (focal
 * city only). Recomputed for the given days. $1 first day, $2 last day. Grouped by the integer
 * grid indexes, the square's name (GRID_AREA_SQL's form) made once per group rather than per row.
 */
export const PRESENCE_SQL = `
INSERT INTO presence
WITH ${presenceHoursSql()}
SELECT hour, 'grid' AS kind, gx || '_' || gy AS area, users FROM (
  SELECT hour, ${GRID_X_SQL} AS gx, ${GRID_Y_SQL} AS gy, count(DISTINCT user_id)::INTEGER AS users
  FROM h GROUP BY ALL)
UNION ALL
SELECT hour, 'community', community_code, count(DISTINCT user_id)::INTEGER FROM h
WHERE community_code IS NOT NULL GROUP BY hour, community_code`;

/** Recomputes presence for the days [first, last]. */
export async function buildPresence(db: Duck, first: string, last: string): Promise<void> {
  await db.run(
    `CREATE TABLE IF NOT EXISTS presence (hour TIMESTAMP, kind VARCHAR, area VARCHAR, users INTEGER)`,
  );
  await db.run(`DELETE FROM presence WHERE hour >= $1::DATE AND hour < $2::DATE + 1`, [first, last]);
  await db.run(PRESENCE_SQL, [first, last]);
}
