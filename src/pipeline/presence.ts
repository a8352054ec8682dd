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

/**
 * Presence per hour: distinct users with a stay overlapping the hour, counted at
 * their cell's grid square (a fixed lon/lat grid) and at its community (focal
 * city only). Recomputed for the given days. $1 first day, $2 last day.
 */
export const PRESENCE_SQL = `
INSERT INTO presence
WITH s AS (
  SELECT user_id, cell_id, start_ts, end_ts FROM stays WHERE end_ts >= $1::DATE AND start_ts < $2::DATE + 1
  UNION ALL SELECT user_id, cell_id, start_ts, end_ts FROM open_stays WHERE end_ts >= $1::DATE),
h AS (
  SELECT s.user_id, c.lon, c.lat, c.community_code, g.hour
  FROM s JOIN cells c USING (cell_id)
  CROSS JOIN LATERAL (SELECT unnest(generate_series(date_trunc('hour', s.start_ts), s.end_ts, INTERVAL 1 HOUR)) AS hour) g
  WHERE g.hour >= $1::DATE AND g.hour < $2::DATE + 1)
SELECT hour, 'grid' AS kind,
       floor(lon / ${GRID_DEGREES})::INTEGER || '_' || floor(lat / ${GRID_DEGREES})::INTEGER AS area,
       count(DISTINCT user_id)::INTEGER AS users
FROM h GROUP BY ALL
UNION ALL
SELECT hour, 'community', community_code, count(DISTINCT user_id)::INTEGER FROM h
WHERE community_code IS NOT NULL GROUP BY ALL`;

/** Recomputes presence for the days [first, last]. */
export async function buildPresence(db: Duck, first: string, last: string): Promise<void> {
  await db.run(
    `CREATE TABLE IF NOT EXISTS presence (hour TIMESTAMP, kind VARCHAR, area VARCHAR, users INTEGER)`,
  );
  await db.run(`DELETE FROM presence WHERE hour >= $1::DATE AND hour < $2::DATE + 1`, [first, last]);
  await db.run(PRESENCE_SQL, [first, last]);
}
