import type { Duck } from '../db/duck.ts';
import { placeholders } from '../db/duck.ts';
import { uid, uidHex } from '../db/uid.ts';
import { GRID_DEGREES, GRID_X_SQL, GRID_Y_SQL, presenceHoursSql } from '../pipeline/presence.ts';
import { CELL_KEY_MODULUS, protect, recordKeySql, sumPublished } from '../privacy/disclosure.ts';
import type { RiskKind } from './people.ts';

/**
 * risk_presence: distinct high-risk people (risk_people of the chosen kinds) present per hour, per city and
 * per grid square ('grid', the presence table's 0.01 degree squares) or community ('community'), with the
 * cell key of those people (sum of their record keys mod N, src/privacy/disclosure.ts), the same stays and
 * the same "present in an hour" as the presence table (presenceHoursSql). A square crossing a city
 * boundary is counted in each city at the cells it has there. $1 first day, $2 last day, $3.. the kinds.
 * risk_people's 32-hex pseudonyms are cast to UUID, the stays' type (workspace format 2; older ones are refused
 * on opening), so presenceHoursSql's semi-join on the stays compares UUID to UUID and never casts the big
 * side. Record keys hash the 32-hex text, so published counts are the same as before format 2.
 */
export function riskPresenceSql(kinds: number): string {
  return `
INSERT INTO risk_presence
WITH risk_set AS (SELECT ${uid('user_id')} AS user_id, ${recordKeySql(uidHex('user_id'))} AS rk
  FROM (SELECT DISTINCT user_id FROM risk_people WHERE kind IN (${placeholders(kinds, 3)}))),
${presenceHoursSql('risk_set')},
-- Grid squares as two integers while counting (cheaper than a string per row), named after.
g AS (
  SELECT hour, city_code, gx, gy, count(*)::INTEGER AS users, (sum(rk) % ${CELL_KEY_MODULUS})::INTEGER AS ckey
  FROM (SELECT DISTINCT hour, city_code, ${GRID_X_SQL} AS gx, ${GRID_Y_SQL} AS gy, user_id FROM h WHERE city_code IS NOT NULL)
  JOIN risk_set USING (user_id) GROUP BY ALL),
c AS (
  SELECT hour, city_code, community_code, count(*)::INTEGER AS users, (sum(rk) % ${CELL_KEY_MODULUS})::INTEGER AS ckey
  FROM (SELECT DISTINCT hour, city_code, community_code, user_id FROM h WHERE city_code IS NOT NULL AND community_code IS NOT NULL)
  JOIN risk_set USING (user_id) GROUP BY ALL)
-- Each person's record key is computed once (risk_set), not once per hour and area.
SELECT hour, city_code AS city, 'grid' AS kind, gx || '_' || gy AS area, users, ckey FROM g
UNION ALL SELECT hour, city_code, 'community', community_code, users, ckey FROM c`;
}

/** (Re)builds risk_presence for the days [first, last] from risk_people of the given kinds. */
export async function buildRiskPresence(
  db: Duck,
  kinds: readonly RiskKind[],
  first: string,
  last: string,
): Promise<number> {
  await db.run(`CREATE OR REPLACE TABLE risk_presence (hour TIMESTAMP, city VARCHAR, kind VARCHAR, area VARCHAR,
    users INTEGER, ckey INTEGER)`);
  await db.run(riskPresenceSql(kinds.length), [first, last, ...kinds]);
  const r = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM risk_presence`);
  return r?.n ?? 0;
}

/** One published area of the heatmap. */
export interface HeatArea {
  area: string;
  name: string | null;
  lon: number;
  lat: number;
  count: number | null;
  suppressed: boolean;
}

/** The heatmap of one city and hour as it may be published. */
export interface Heatmap {
  city: string;
  hour: string;
  kind: 'grid' | 'community';
  k: number;
  total: number | null;
  areas: HeatArea[];
  suppressedAreas: number;
}

/** Centre of a grid square named "lonIndex_latIndex". */
export function gridCentre(area: string): { lon: number; lat: number } {
  const [i, j] = area.split('_').map(Number) as [number, number];
  return { lon: (i + 0.5) * GRID_DEGREES, lat: (j + 0.5) * GRID_DEGREES };
}

/**
 * The heatmap of a city at an hour ('YYYY-MM-DD HH:00:00'): every area with high-risk people, each a fixed
 * cell protected once (suppressed below k, else perturbed by its cell key); the total is the sum of the
 * published areas. Suppressed areas are counted, never listed: a square that shows up at all says that 1 to
 * k-1 high-risk people were in it at that hour. Community label points come from `labels` (geo_areas, or the mean of the community's cells).
 */
export async function heatmap(
  db: Duck,
  q: { city: string; hour: string; kind: 'grid' | 'community'; k: number },
  labels: (codes: string[]) => Promise<Map<string, { name: string | null; lon: number; lat: number }>>,
): Promise<Heatmap> {
  const rows = await db.all<{ area: string; users: number; ckey: number }>(
    `SELECT area, users, ckey FROM risk_presence WHERE city = $1 AND kind = $2 AND hour = $3::TIMESTAMP ORDER BY area`,
    [q.city, q.kind, q.hour],
  );
  const named = q.kind === 'community' ? await labels(rows.map((r) => r.area)) : new Map();
  const areas: HeatArea[] = rows.map((r) => {
    const at =
      q.kind === 'grid'
        ? { name: null, ...gridCentre(r.area) }
        : (named.get(r.area) ?? { name: null, lon: NaN, lat: NaN });
    return { area: r.area, name: at.name, lon: at.lon, lat: at.lat, ...protect(r.users, q.k, r.ckey) };
  });
  const total = sumPublished(areas);
  return {
    city: q.city,
    hour: q.hour,
    kind: q.kind,
    k: q.k,
    total: total.count,
    areas: areas.filter((a) => !a.suppressed),
    suppressedAreas: total.suppressedCells,
  };
}
