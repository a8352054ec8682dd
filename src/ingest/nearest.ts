import type { Duck } from '../db/duck.ts';
import { exec } from './sql.ts';
import type { Named } from './sql.ts';

/** Mean Earth radius in metres (IUGG; Moritz 2000, "Geodetic Reference System 1980"). */
export const EARTH_RADIUS_M = 6_371_008.8;
/** Metres in one degree of latitude on that sphere. */
const M_PER_DEG = (Math.PI * EARTH_RADIUS_M) / 180;

/** Default search radius for GPS points: about the spacing of suburban macro cells. */
export const DEFAULT_MAX_CELL_DISTANCE_M = 2000;

/** Great-circle (haversine) distance in metres between (lon1, lat1) and (lon2, lat2), in SQL. */
export function haversineSql(lon1: string, lat1: string, lon2: string, lat2: string): string {
  return `2 * ${EARTH_RADIUS_M} * asin(sqrt(pow(sin(radians(${lat2} - ${lat1}) / 2), 2)
    + cos(radians(${lat1})) * cos(radians(${lat2})) * pow(sin(radians(${lon2} - ${lon1}) / 2), 2)))`;
}

/**
 * Builds `ingest_pointmap` (lon, lat, cell_id, dist_m): for each distinct valid GPS point of
 * `norm`, the nearest registered cell within `maxM` metres (ties to the lower cell id). A grid
 * join, not a per-point search: grid squares are at least `maxM` wide, so every cell within
 * reach of a point lies in the point's square or one of its 8 neighbours; cells are copied
 * into those 9 squares (the registry is small) and points join on their square alone.
 */
export async function buildPointMap(db: Duck, norm: string, maxM: number, values: Named): Promise<number> {
  const r = await db.one<{ m: number | null }>(
    `SELECT max(abs(lat))::DOUBLE AS m FROM cells WHERE lon IS NOT NULL AND lat IS NOT NULL`,
  );
  const glat = maxM / M_PER_DEG;
  // A degree of longitude shrinks with cos(latitude): size squares for the most poleward reach.
  const reach = Math.min(89, (r?.m ?? 0) + glat);
  const glon = maxM / (M_PER_DEG * Math.cos((reach * Math.PI) / 180));
  const v = { ...values, glat, glon, max_m: maxM };
  await exec(
    db,
    `CREATE OR REPLACE TEMP TABLE ingest_points AS
     SELECT DISTINCT lon, lat, floor(lat / $glat)::BIGINT AS gy, floor(lon / $glon)::BIGINT AS gx
     FROM ${norm} WHERE NOT cell_given AND lon BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90`,
    v,
  );
  await exec(
    db,
    `CREATE OR REPLACE TEMP TABLE ingest_pointmap AS
     WITH cg AS (
       SELECT c.cell_id, c.lon, c.lat, floor(c.lat / $glat)::BIGINT + dy AS gy, floor(c.lon / $glon)::BIGINT + dx AS gx
       FROM cells c, range(-1, 2) a(dy), range(-1, 2) b(dx)
       WHERE c.cell_id IS NOT NULL AND c.lon IS NOT NULL AND c.lat IS NOT NULL),
     d AS (
       SELECT p.lon, p.lat, cg.cell_id, ${haversineSql('p.lon', 'p.lat', 'cg.lon', 'cg.lat')} AS dist_m
       FROM ingest_points p JOIN cg USING (gy, gx))
     SELECT lon, lat, cell_id, dist_m FROM d WHERE dist_m <= $max_m
     QUALIFY row_number() OVER (PARTITION BY lon, lat ORDER BY dist_m, cell_id) = 1`,
    v,
  );
  await db.run(`DROP TABLE ingest_points`);
  return (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ingest_pointmap`))?.n ?? 0;
}
