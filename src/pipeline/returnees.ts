import type { Duck } from '../db/duck.ts';
import { CELL_KEY_MODULUS, methodNote, protect, recordKeySql } from '../privacy/disclosure.ts';
import type { RegionLevel } from './dwells.ts';
import { cityFactors, expansionNote } from './expansion.ts';
import { figure } from './flows.ts';
import type { Figure, Naming } from './flows.ts';

/** Returnees to `home` from `source`, by date of return, disclosure-controlled. */
export interface Returnees {
  level: RegionLevel;
  home: string;
  source: string;
  from: string;
  to: string;
  k: number;
  method: ReturnType<typeof methodNote>;
  /** Expanded estimates use the factor of the home city (the returnees' residence). */
  expansion: ReturnType<typeof expansionNote<'home city'>>;
  /** Sum of the published days. */
  total: Figure;
  daily: (Figure & { date: string })[];
}

/**
 * Returnees (design.md): a "was there" dwell in `home`, then one in `source`,
 * then back in `home`, the return arriving within 30 days of the departure;
 * counted on the date of return. These are two consecutive trips of one user,
 * home -> source -> home. One row per day: distinct returnees `n` and their
 * cell key `ckey`. $1 level, $2 home, $3 source, $4 from, $5 to.
 */
export const RETURNEES_SQL = `
WITH t AS (
  SELECT user_id, origin, dest, arrive_ts,
         lag(origin) OVER w AS prev_origin, lag(dest) OVER w AS prev_dest, lag(arrive_ts) OVER w AS prev_arrive
  FROM trips WHERE level = $1 WINDOW w AS (PARTITION BY user_id ORDER BY arrive_ts)),
r AS (
  SELECT DISTINCT arrive_ts::DATE AS day, user_id FROM t
  WHERE dest = $2 AND origin = $3 AND prev_origin = $2 AND prev_dest = $3
    AND arrive_ts - prev_arrive <= INTERVAL 30 DAY AND arrive_ts::DATE BETWEEN $4::DATE AND $5::DATE)
SELECT strftime(d, '%Y-%m-%d') AS date, count(r.user_id)::INTEGER AS n,
       coalesce(sum(${recordKeySql('r.user_id')}) % ${CELL_KEY_MODULUS}, 0)::INTEGER AS ckey
FROM generate_series($4::DATE, $5::DATE, INTERVAL 1 DAY) g(d)
LEFT JOIN r ON r.day = g.d::DATE
GROUP BY d ORDER BY d`;

/** The returnee cells (home, source, day of return) as stored: true counts and cell keys, never published as such. */
export async function returneeCells(
  db: Duck,
  q: { level: RegionLevel; home: string; source: string; from: string; to: string },
): Promise<{ date: string; n: number; ckey: number }[]> {
  return db.all(RETURNEES_SQL, [q.level, q.home, q.source, q.from, q.to]);
}

/**
 * Returnees per day of return, each day a fixed cell protected once (a day
 * with none is shown as "< k" too, so a suppressed day does not reveal that
 * someone returned); the total is the sum of the published days. Expanded by
 * the home city's factor in the month of return (city level only).
 */
export async function returnees(
  db: Duck,
  q: { level: RegionLevel; home: string; source: string; from: string; to: string; k: number },
  naming: Naming,
): Promise<Returnees> {
  const factors = await cityFactors(db, q, naming);
  const daily = (await returneeCells(db, q)).map((r) => ({
    date: r.date,
    ...protect(r.n, q.k, r.ckey),
    factor: q.level === 'city' ? factors(q.home, r.date.slice(0, 7)) : null,
  }));
  return {
    ...q,
    method: methodNote(q.k),
    expansion: expansionNote(q.k, 'home city'),
    total: figure(daily),
    daily: daily.map(({ date, ...cell }) => ({ date, ...figure([cell]) })),
  };
}
