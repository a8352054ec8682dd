import type { Duck } from '../db/duck.ts';
import { protect } from '../privacy/disclosure.ts';
import type { Protected } from '../privacy/disclosure.ts';
import type { RegionLevel } from './dwells.ts';

/** Returnees to `home` from `source`, by date of return, disclosure-controlled. */
export interface Returnees {
  level: RegionLevel;
  home: string;
  source: string;
  from: string;
  to: string;
  k: number;
  total: Protected;
  daily: (Protected & { date: string })[];
}

/**
 * Returnees (design.md): a "was there" dwell in `home`, then one in `source`,
 * then back in `home`, the return arriving within 30 days of the departure;
 * counted on the date of return. These are two consecutive trips of one user,
 * home -> source -> home. $1 level, $2 home, $3 source, $4 from, $5 to.
 */
export const RETURNEES_SQL = `
WITH t AS (
  SELECT user_id, origin, dest, arrive_ts,
         lag(origin) OVER w AS prev_origin, lag(dest) OVER w AS prev_dest, lag(arrive_ts) OVER w AS prev_arrive
  FROM trips WHERE level = $1 WINDOW w AS (PARTITION BY user_id ORDER BY arrive_ts))
SELECT strftime(d, '%Y-%m-%d') AS date, count(DISTINCT t.user_id)::INTEGER AS n
FROM generate_series($4::DATE, $5::DATE, INTERVAL 1 DAY) g(d)
LEFT JOIN t ON t.arrive_ts::DATE = g.d::DATE AND t.dest = $2 AND t.origin = $3 AND t.prev_origin = $2
  AND t.prev_dest = $3 AND t.arrive_ts - t.prev_arrive <= INTERVAL 30 DAY
GROUP BY d ORDER BY d`;

/** Returnees per day of return, published with disclosure control. */
export async function returnees(
  db: Duck,
  q: { level: RegionLevel; home: string; source: string; from: string; to: string; k: number },
): Promise<Returnees> {
  const rows = await db.all<{ date: string; n: number }>(RETURNEES_SQL, [
    q.level,
    q.home,
    q.source,
    q.from,
    q.to,
  ]);
  return {
    ...q,
    total: protect(
      rows.reduce((s, r) => s + r.n, 0),
      q.k,
    ),
    daily: rows.map((r) => ({ date: r.date, ...protect(r.n, q.k) })),
  };
}
