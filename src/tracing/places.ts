import type { Duck } from '../db/duck.ts';
import { placeholders } from '../db/duck.ts';
import { uid, uidHex, uidPlaceholders } from '../db/uid.ts';
import type { Place } from './types.ts';

/** Cells with the regions they lie in (street and community only where boundaries exist), by cell id. */
export async function placesOf(db: Duck, cellIds: number[]): Promise<Map<number, Place>> {
  const ids = [...new Set(cellIds)];
  if (ids.length === 0) return new Map();
  // A cell registry loaded before streets existed has no street_code column (reload it to get streets).
  const streets = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM information_schema.columns WHERE table_name = 'cells' AND column_name = 'street_code'`,
  );
  const street = streets?.n ? 'street_code' : 'NULL::VARCHAR';
  const rows = await db.all<Place>(
    `SELECT cell_id AS "cellId", lon, lat, community_code AS community, ${street} AS street, county_code AS county,
            city_code AS city, province_code AS province
     FROM cells WHERE cell_id IN (${placeholders(ids.length)})`,
    ids,
  );
  const m = new Map(rows.map((r) => [r.cellId, r]));
  // A cell missing from the registry still gets a place, with no coordinates or regions.
  for (const id of ids)
    if (!m.has(id))
      m.set(id, {
        cellId: id,
        lon: NaN,
        lat: NaN,
        community: null,
        street: null,
        county: null,
        city: null,
        province: null,
      });
  return m;
}

/** Each person's last stay in the data (cell and time of its last record). */
export async function lastSeenOf(
  db: Duck,
  users: string[],
): Promise<Map<string, { cellId: number; at: string }>> {
  if (users.length === 0) return new Map();
  const rows = await db.all<{ u: string; cellId: number; at: string }>(
    `SELECT ${uidHex('user_id')} AS u, arg_max(cell_id, end_ts) AS "cellId", strftime(max(end_ts), '%Y-%m-%d %H:%M:%S') AS at
     FROM trace_stays_user WHERE user_id IN (${uidPlaceholders(users.length)}) GROUP BY user_id`,
    users,
  );
  return new Map(rows.map((r) => [r.u, { cellId: r.cellId, at: r.at }]));
}

/** Each person's resident county in the latest month the pipeline has one for them. */
export async function residentCountyOf(db: Duck, users: string[]): Promise<Map<string, string>> {
  if (users.length === 0) return new Map();
  const t = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'residents'`,
  );
  if (!t?.n) return new Map();
  const rows = await db.all<{ u: string; c: string }>(
    // residents is the pipeline's (UUID, or 32-hex text in a workspace of format 1): uid() on the column
    // is a no-op for UUID, so the comparison is UUID to UUID.
    `SELECT ${uidHex('user_id')} AS u, arg_max(county_code, month) AS c FROM residents
     WHERE ${uid('user_id')} IN (${uidPlaceholders(users.length)}) GROUP BY user_id`,
    users,
  );
  return new Map(rows.map((r) => [r.u, r.c]));
}
