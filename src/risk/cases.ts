import type { Duck } from '../db/duck.ts';
import { uid, uidHex } from '../db/uid.ts';
import { NIGHT_HOURS, NIGHT_START_HOUR } from '../pipeline/residents.ts';
import { hasTable, streetColumn } from './areas.ts';
import type { LocatedCase } from './levels.ts';
import { linkKey } from './levels.ts';

/**
 * (Re)builds risk_cases: each confirmed case with a confirmation day, counted where it lives.
 * County: the pipeline's resident county (residents, the month of confirmation, else the latest month)
 * for a case matched to a subscriber, else the county the health authority reported. Street and
 * community: the one holding the most night-time (22:00-06:00, the resident rule's night) hours of the
 * case's stays; none for a case matched to no subscriber. `located` says which source gave the county.
 */
export async function buildRiskCases(db: Duck): Promise<void> {
  const street = await streetColumn(db);
  const residents = (await hasTable(db, 'residents'))
    ? `(SELECT arg_max(county_code, (strftime(c.confirmed, '%Y-%m') = month, month)) FROM residents r WHERE ${uid('r.user_id')} = c.user_id)`
    : 'NULL::VARCHAR';
  // The registry's 32-hex pseudonyms are cast to UUID (c), the pipeline's tables compared through uid(): a
  // no-op on their UUID columns, so the semi-joins stay UUID to UUID.
  await db.run(`CREATE OR REPLACE TABLE risk_cases AS
WITH c AS (SELECT ref, ${uid('user_id')} AS user_id, confirmed, county FROM trace_cases
  WHERE status = 'confirmed' AND confirmed IS NOT NULL),
s AS (
  SELECT ${uid('user_id')} AS user_id, cell_id, start_ts, end_ts FROM stays WHERE ${uid('user_id')} IN (SELECT user_id FROM c)
  UNION ALL SELECT ${uid('user_id')}, cell_id, start_ts, end_ts FROM open_stays WHERE ${uid('user_id')} IN (SELECT user_id FROM c)),
n AS (
  SELECT s.user_id, cl.community_code AS community, ${street === 'street_code' ? 'cl.street_code' : 'NULL::VARCHAR'} AS street_src,
    epoch(least(s.end_ts, g.night + to_hours(${NIGHT_START_HOUR + NIGHT_HOURS})))
      - epoch(greatest(s.start_ts, g.night + to_hours(${NIGHT_START_HOUR}))) AS secs
  FROM s JOIN cells cl USING (cell_id)
  CROSS JOIN LATERAL (SELECT unnest(generate_series(s.start_ts::DATE - 1, s.end_ts::DATE, INTERVAL 1 DAY))::DATE AS night) g),
com AS (SELECT user_id, arg_max(community, (h, community)) AS community FROM
  (SELECT user_id, community, sum(secs) AS h FROM n WHERE secs > 0 AND community IS NOT NULL GROUP BY ALL) GROUP BY user_id),
st AS (SELECT user_id, arg_max(street_src, (h, street_src)) AS street FROM
  (SELECT user_id, street_src, sum(secs) AS h FROM n WHERE secs > 0 AND street_src IS NOT NULL GROUP BY ALL) GROUP BY user_id)
SELECT c.ref, strftime(c.confirmed, '%Y-%m-%d') AS confirmed, ${uidHex('c.user_id')} AS user_id,
  coalesce(${residents}, c.county) AS county,
  CASE WHEN ${residents} IS NOT NULL THEN 'residents' WHEN c.county IS NOT NULL THEN 'registry' END AS located,
  st.street, com.community
FROM c LEFT JOIN com USING (user_id) LEFT JOIN st USING (user_id)`);
}

/**
 * (Re)builds risk_links(a, b, via), a < b: pairs of confirmed cases (different people) linked by
 * companionship (one is a companion of the other in risk_people: >= 60 min at the same cell in the 15 days
 * before the other's confirmation) or by a shared place ('place': both at the same cell in the same clock
 * hour, each within its own 15-day window). Clusters are read from these links (src/risk/levels.ts).
 */
export async function buildRiskLinks(db: Duck): Promise<void> {
  await db.run(`CREATE OR REPLACE TABLE risk_links AS
WITH c AS (SELECT ref, ${uid('user_id')} AS user_id, confirmed::TIMESTAMP - INTERVAL 14 DAY AS w0, confirmed::TIMESTAMP + INTERVAL 1 DAY AS w1
  FROM trace_cases WHERE status = 'confirmed' AND confirmed IS NOT NULL AND user_id IS NOT NULL),
comp AS (
  SELECT DISTINCT least(p.ref, c.ref) AS a, greatest(p.ref, c.ref) AS b, 'companion' AS via
  FROM risk_people p JOIN c ON c.user_id = ${uid('p.user_id')}
  JOIN trace_cases s ON s.ref = p.ref AND ${uid('s.user_id')} <> ${uid('p.user_id')}
  WHERE p.kind = 'companion' AND p.ref <> c.ref),
h AS (
  SELECT DISTINCT c.ref, c.user_id, t.cell_id, g.hour
  FROM c JOIN trace_stays_user t ON ${uid('t.user_id')} = c.user_id AND t.end_ts > c.w0 AND t.start_ts < c.w1
  CROSS JOIN LATERAL (SELECT unnest(generate_series(date_trunc('hour', greatest(t.start_ts, c.w0)),
    least(t.end_ts, c.w1 - INTERVAL 1 SECOND), INTERVAL 1 HOUR)) AS hour) g),
place AS (
  SELECT DISTINCT x.ref AS a, y.ref AS b, 'place' AS via
  FROM h x JOIN h y ON x.cell_id = y.cell_id AND x.hour = y.hour AND x.ref < y.ref AND x.user_id <> y.user_id)
SELECT a, b, min(via) AS via FROM (SELECT * FROM comp UNION ALL SELECT * FROM place) GROUP BY a, b`);
}

/** The located cases and the link set, as the level rule reads them. */
export async function loadCasesAndLinks(db: Duck): Promise<{ cases: LocatedCase[]; links: Set<string> }> {
  const cases = await db.all<LocatedCase>(
    `SELECT ref, confirmed, county, street, community FROM risk_cases ORDER BY ref`,
  );
  const links = await db.all<{ a: string; b: string }>(`SELECT a, b FROM risk_links`);
  return { cases, links: new Set(links.map((l) => linkKey(l.a, l.b))) };
}
