import type { Duck } from '../db/duck.ts';
import { uid, uidHex } from '../db/uid.ts';
import { GRID_AREA_SQL } from '../pipeline/presence.ts';
import { CELL_KEY_MODULUS, protect, recordKeySql } from '../privacy/disclosure.ts';
import { hasTable, streetColumn } from './areas.ts';
import type { IndexLevel } from './areas.ts';
import { insertRows } from './insert.ts';

/** The index's components, in the order they are stored and shown. */
export const COMPONENTS = ['cases', 'companions', 'inflow', 'density'] as const;
export type Component = (typeof COMPONENTS)[number];
export type Weights = Record<Component, number>;

/**
 * Default weights (a policy choice of this platform, not an external figure): people who are, or may be,
 * infectious and present count most, then their companions, then arrivals from places with cases, then
 * crowding. `risk build --weights cases=0.4,...` overrides them.
 */
export const DEFAULT_WEIGHTS: Weights = { cases: 0.4, companions: 0.3, inflow: 0.2, density: 0.1 };

/** Warning levels from index thresholds (0-100), highest first; below the last: 'none'. A policy choice. */
export const WARNING_THRESHOLDS: readonly { warning: Warning; atLeast: number }[] = [
  { warning: 'red', atLeast: 75 },
  { warning: 'orange', atLeast: 50 },
  { warning: 'yellow', atLeast: 25 },
  { warning: 'blue', atLeast: 10 },
];
export type Warning = 'red' | 'orange' | 'yellow' | 'blue' | 'none';

/** Incidence is expressed per this many sampled residents. */
export const INCIDENCE_PER = 10_000;

/** The warning of an index value. */
export function warningOf(index: number): Warning {
  return WARNING_THRESHOLDS.find((t) => index >= t.atLeast)?.warning ?? 'none';
}

/** Parses 'cases=0.4,density=0.1' over the defaults; every weight >= 0 and not all 0. */
export function parseWeights(v: string, base: Weights = DEFAULT_WEIGHTS): Weights | string {
  const w = { ...base };
  for (const part of v.split(',').filter((p) => p.trim())) {
    const [name, value] = part.split('=').map((s) => s.trim());
    if (!COMPONENTS.includes(name as Component))
      return `unknown component '${name}' (one of ${COMPONENTS.join(', ')})`;
    const n = Number(value);
    if (value === undefined || value === '' || !(n >= 0) || !Number.isFinite(n))
      return `weight of ${name} must be a number >= 0, got '${value ?? ''}'`;
    w[name as Component] = n;
  }
  if (COMPONENTS.every((c) => w[c] === 0)) return 'at least one weight must be > 0';
  return w;
}

/**
 * The index from normalised components (each in [0, 1]): 100 x the weighted mean, so 0-100. The one
 * formula; the test recomputes stored indexes with it from the shown components.
 */
export function indexOf(norm: Record<Component, number>, w: Weights): number {
  const total = COMPONENTS.reduce((s, c) => s + w[c], 0);
  return (100 * COMPONENTS.reduce((s, c) => s + w[c] * norm[c], 0)) / total;
}

type Key = string;
const key = (day: string, level: IndexLevel, code: string): Key => `${day}|${level}|${code}`;

/**
 * Cases (confirmed or suspected, matched to a subscriber) and companions present in an area on a day, by
 * their stays (presence, not residence), once the platform knew them (risk_people.known <= day; a suspect
 * with no date: always). One row per day, level, code and class with the count and the cell key.
 */
async function peoplePresent(db: Duck, first: string, last: string) {
  const street = await streetColumn(db);
  return db.all<{
    day: string;
    level: IndexLevel;
    code: string;
    class: 'cases' | 'companions';
    n: number;
    ckey: number;
  }>(
    // risk_people's 32-hex pseudonyms as UUID (rp); uid() on the stays' column is a no-op on UUID, so the
    // semi-join is UUID to UUID. Record keys hash the 32-hex text, as published before format 2.
    `WITH rp AS (SELECT ${uid('user_id')} AS user_id, CASE WHEN kind = 'companion' THEN 'companions' ELSE 'cases' END AS class,
       min(known) AS known FROM risk_people GROUP BY ALL),
     s AS (SELECT ${uid('user_id')} AS user_id, cell_id, start_ts, end_ts FROM stays WHERE ${uid('user_id')} IN (SELECT user_id FROM rp)
       UNION ALL SELECT ${uid('user_id')}, cell_id, start_ts, end_ts FROM open_stays WHERE ${uid('user_id')} IN (SELECT user_id FROM rp)),
     d AS (SELECT DISTINCT s.user_id, g.day, c.county_code, c.city_code, c.community_code, ${street} AS street_code
       FROM s JOIN cells c USING (cell_id)
       CROSS JOIN LATERAL (SELECT unnest(generate_series(s.start_ts::DATE, s.end_ts::DATE, INTERVAL 1 DAY))::DATE AS day) g
       WHERE g.day BETWEEN $1::DATE AND $2::DATE),
     x AS (SELECT d.*, rp.class FROM d JOIN rp USING (user_id) WHERE rp.known IS NULL OR rp.known <= d.day),
     u AS (SELECT DISTINCT day, class, user_id, 'county' AS level, county_code AS code FROM x
       UNION SELECT day, class, user_id, 'city', city_code FROM x
       UNION SELECT day, class, user_id, 'community', community_code FROM x
       UNION SELECT day, class, user_id, 'street', street_code FROM x)
     SELECT strftime(day, '%Y-%m-%d') AS day, level, code, class, count(*)::INTEGER AS n,
       (sum(${recordKeySql(uidHex('user_id'))}) % ${CELL_KEY_MODULUS})::INTEGER AS ckey
     FROM u WHERE code IS NOT NULL GROUP BY ALL`,
    [first, last],
  );
}

/**
 * Density: at the day's busiest hour, the people present in the area's grid squares (presence table, all
 * people) per square; each square belongs to the area holding most of its cells; a square with fewer than
 * k people counts 0 (suppressed, like every published count).
 */
async function density(db: Duck, first: string, last: string, k: number) {
  const street = await streetColumn(db);
  return db.all<{ day: string; level: IndexLevel; code: string; v: number }>(
    `WITH g AS (SELECT ${GRID_AREA_SQL} AS area, county_code, city_code, community_code, ${street} AS street_code FROM cells),
     lv AS (SELECT area, 'county' AS level, county_code AS code FROM g UNION ALL SELECT area, 'city', city_code FROM g
       UNION ALL SELECT area, 'community', community_code FROM g UNION ALL SELECT area, 'street', street_code FROM g),
     own AS (SELECT area, level, arg_max(code, (n, code)) AS code FROM
       (SELECT area, level, code, count(*) AS n FROM lv WHERE code IS NOT NULL GROUP BY ALL) GROUP BY ALL),
     sq AS (SELECT level, code, count(*) AS squares FROM own GROUP BY ALL),
     p AS (SELECT hour, area, users FROM presence WHERE kind = 'grid' AND users >= $3
       AND hour >= $1::DATE AND hour < $2::DATE + 1),
     h AS (SELECT p.hour, own.level, own.code, sum(p.users) AS people FROM p JOIN own USING (area) GROUP BY ALL)
     SELECT strftime(h.hour::DATE, '%Y-%m-%d') AS day, h.level, h.code, max(h.people / sq.squares)::DOUBLE AS v
     FROM h JOIN sq USING (level, code) GROUP BY ALL`,
    [first, last, k],
  );
}

/**
 * Inflow: arrivals on the day (od_daily trips at the area's level; streets from community trips between
 * different streets), each origin-destination cell protected (suppressed below k, cell-key noise), times the
 * incidence of the origin's city that day (cumulative confirmed cases living there per INCIDENCE_PER
 * residents of the sample, risk_cases and residents). Arrivals from cities with no case weigh 0.
 */
async function inflow(db: Duck, k: number): Promise<Map<Key, number>> {
  const out = new Map<Key, number>();
  if (!(await hasTable(db, 'od_daily'))) return out;
  const street = await streetColumn(db);
  const cityOf = new Map(
    (
      await db.all<{ code: string; city: string }>(
        `SELECT code, any_value(city) AS city FROM (SELECT county_code AS code, city_code AS city FROM cells
         UNION ALL SELECT community_code, city_code FROM cells UNION ALL SELECT city_code, city_code FROM cells)
         WHERE code IS NOT NULL AND city IS NOT NULL GROUP BY code`,
      )
    ).map((r) => [r.code, r.city]),
  );
  const streetOf = new Map(
    (
      await db.all<{ c: string; s: string }>(
        `SELECT community_code AS c, any_value(${street}) AS s FROM cells WHERE community_code IS NOT NULL GROUP BY 1`,
      )
    )
      .filter((r) => r.s)
      .map((r) => [r.c, r.s]),
  );
  // Residents of the sample per city, and confirmed cases living there by day.
  const residents = new Map<string, number>();
  if (await hasTable(db, 'residents'))
    for (const r of await db.all<{ county: string; n: number }>(
      `SELECT county_code AS county, count(DISTINCT user_id)::INTEGER AS n FROM residents GROUP BY 1`,
    )) {
      const c = cityOf.get(r.county);
      if (c) residents.set(c, (residents.get(c) ?? 0) + r.n);
    }
  const cases = await db.all<{ county: string; confirmed: string }>(
    `SELECT county, confirmed FROM risk_cases WHERE county IS NOT NULL`,
  );
  const incidence = (city: string, day: string): number => {
    const n = cases.filter((c) => c.confirmed <= day && cityOf.get(c.county) === city).length;
    const r = residents.get(city) ?? 0;
    return n > 0 && r > 0 ? (INCIDENCE_PER * n) / r : 0;
  };
  const memo = new Map<string, number>();
  const inc = (city: string, day: string): number => {
    const id = `${city}|${day}`;
    if (!memo.has(id)) memo.set(id, incidence(city, day));
    return memo.get(id)!;
  };
  const od = await db.all<{
    level: string;
    day: string;
    origin: string;
    dest: string;
    users: number;
    ckey: number;
  }>(
    `SELECT level, strftime(date, '%Y-%m-%d') AS day, origin, dest, users, ckey FROM od_daily
     WHERE level IN ('county', 'city', 'community') AND origin <> dest`,
  );
  const add = (day: string, level: IndexLevel, code: string, v: number): void => {
    const id = key(day, level, code);
    out.set(id, (out.get(id) ?? 0) + v);
  };
  for (const r of od) {
    const p = protect(r.users, k, r.ckey);
    if (p.suppressed) continue;
    const city = r.level === 'city' ? r.origin : cityOf.get(r.origin);
    const w = city ? inc(city, r.day) : 0;
    if (w === 0) continue;
    add(r.day, r.level as IndexLevel, r.dest, p.count! * w);
    if (r.level === 'community') {
      const [a, b] = [streetOf.get(r.origin), streetOf.get(r.dest)];
      if (b && a !== b) add(r.day, 'street', b, p.count! * w);
    }
  }
  return out;
}

/**
 * (Re)builds risk_index: per day and area (community, street, county, city), each component raw and
 * normalised (raw / the largest raw of that component at that level over all days, so in [0, 1]; 0 when
 * the largest is 0), the index (indexOf) and its warning. People counts are protected first (a count below
 * k is 0, others carry their cell-key noise), so the index holds no figure that could not be published.
 */
export async function buildRiskIndex(
  db: Duck,
  o: { first: string; last: string; weights: Weights; k: number },
): Promise<number> {
  await db.run(`CREATE OR REPLACE TABLE risk_index (day DATE, level VARCHAR, code VARCHAR, city VARCHAR,
    ${COMPONENTS.map((c) => `${c} DOUBLE, ${c}_norm DOUBLE`).join(', ')}, idx DOUBLE, warning VARCHAR)`);
  if (o.first > o.last) return 0;
  const raw = new Map<Key, Record<Component, number> & { day: string; level: IndexLevel; code: string }>();
  const at = (day: string, level: IndexLevel, code: string) => {
    const id = key(day, level, code);
    let r = raw.get(id);
    if (!r) raw.set(id, (r = { day, level, code, cases: 0, companions: 0, inflow: 0, density: 0 }));
    return r;
  };
  for (const r of await peoplePresent(db, o.first, o.last)) {
    const p = protect(r.n, o.k, r.ckey);
    if (!p.suppressed) at(r.day, r.level, r.code)[r.class] = p.count!;
  }
  for (const r of await density(db, o.first, o.last, o.k)) at(r.day, r.level, r.code).density = r.v;
  for (const [id, v] of await inflow(db, o.k)) {
    const [day, level, code] = id.split('|') as [string, IndexLevel, string];
    if (day >= o.first && day <= o.last) at(day, level, code).inflow = v;
  }
  const max = new Map<string, number>();
  for (const r of raw.values())
    for (const c of COMPONENTS) max.set(`${r.level}|${c}`, Math.max(max.get(`${r.level}|${c}`) ?? 0, r[c]));
  const cityOf = new Map(
    (
      await db.all<{ code: string; city: string }>(
        `SELECT code, any_value(city) AS city FROM (SELECT county_code AS code, city_code AS city FROM cells
         UNION ALL SELECT community_code, city_code FROM cells UNION ALL SELECT ${await streetColumn(db)}, city_code FROM cells
         UNION ALL SELECT city_code, city_code FROM cells) WHERE code IS NOT NULL AND city IS NOT NULL GROUP BY code`,
      )
    ).map((r) => [r.code, r.city]),
  );
  const rows: (string | number | null)[][] = [];
  for (const r of raw.values()) {
    const norm = Object.fromEntries(
      COMPONENTS.map((c) => {
        const m = max.get(`${r.level}|${c}`) ?? 0;
        return [c, m > 0 ? r[c] / m : 0];
      }),
    ) as Record<Component, number>;
    const idx = indexOf(norm, o.weights);
    rows.push([
      r.day,
      r.level,
      r.code,
      cityOf.get(r.code) ?? null,
      ...COMPONENTS.flatMap((c) => [r[c], norm[c]]),
      idx,
      warningOf(idx),
    ]);
  }
  await insertRows(db, 'risk_index', rows, [
    'DATE',
    ...Array<string>(rows[0]?.length ? rows[0].length - 1 : 0).fill(''),
  ]);
  return rows.length;
}
