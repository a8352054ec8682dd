import type { Duck } from '../db/duck.ts';
import { protect } from '../privacy/disclosure.ts';
import type { Protected } from '../privacy/disclosure.ts';

/** Names for codes, passed in so flows need not know where geography comes from. */
export interface Naming {
  name(code: string): string;
  province(code: string): { code: string; name: string };
}

export interface OutflowQuery {
  /** The region flows leave (out) or reach (in). */
  origin: string;
  /** 'out': from `origin` by destination; 'in': to `origin` by origin. */
  direction?: 'out' | 'in';
  /** Inclusive arrival dates, YYYY-MM-DD. */
  from: string;
  to: string;
  k: number;
}

export interface OutflowDestination extends Protected {
  code: string;
  name: string;
  province: string;
  provinceName: string;
}

/** Outflow from a city by destination, as published (every count disclosure-controlled). */
export interface Outflow {
  origin: { code: string; name: string };
  from: string;
  to: string;
  level: 'city';
  k: number;
  total: Protected;
  destinations: OutflowDestination[];
  byProvince: (Protected & { code: string; name: string })[];
  daily: (Protected & { date: string })[];
}

/**
 * Outflow from `origin` by destination (or, with direction `in`, inflow to it by origin): the sum over arrival days in
 * [from, to] of the daily OD counts (a person who leaves twice in the range
 * counts twice). Destinations in the origin's own province are included.
 */
export async function outflow(db: Duck, q: OutflowQuery, naming: Naming): Promise<Outflow> {
  const params = [q.origin, q.from, q.to];
  // Column names come from this fixed choice, never from the request.
  const [self, other] = q.direction === 'in' ? ['dest', 'origin'] : ['origin', 'dest'];
  const rows = await db.all<{ dest: string; n: number }>(
    `SELECT ${other} AS dest, sum(users)::INTEGER AS n FROM od_daily
     WHERE level = 'city' AND ${self} = $1 AND date BETWEEN $2::DATE AND $3::DATE GROUP BY ALL ORDER BY n DESC, dest`,
    params,
  );
  const daily = await db.all<{ date: string; n: number }>(
    `SELECT strftime(d, '%Y-%m-%d') AS date, coalesce(sum(o.users), 0)::INTEGER AS n
     FROM generate_series($2::DATE, $3::DATE, INTERVAL 1 DAY) g(d)
     LEFT JOIN od_daily o ON o.level = 'city' AND o.date = g.d::DATE AND o.${self} = $1
     GROUP BY d ORDER BY d`,
    params,
  );
  const provinces = new Map<string, { code: string; name: string; n: number }>();
  for (const r of rows) {
    const p = naming.province(r.dest);
    const acc = provinces.get(p.code) ?? { ...p, n: 0 };
    acc.n += r.n;
    provinces.set(p.code, acc);
  }
  const destinations = rows.map((r) => {
    const p = naming.province(r.dest);
    return {
      code: r.dest,
      name: naming.name(r.dest),
      province: p.code,
      provinceName: p.name,
      ...protect(r.n, q.k),
    };
  });
  // Published order: largest first, suppressed last (their order reveals nothing beyond "< k").
  destinations.sort((a, b) => Number(a.suppressed) - Number(b.suppressed) || (b.count ?? 0) - (a.count ?? 0));
  return {
    origin: { code: q.origin, name: naming.name(q.origin) },
    from: q.from,
    to: q.to,
    level: 'city',
    k: q.k,
    total: protect(
      rows.reduce((s, r) => s + r.n, 0),
      q.k,
    ),
    destinations,
    byProvince: [...provinces.values()]
      .sort((a, b) => b.n - a.n || a.code.localeCompare(b.code))
      .map((p) => ({ code: p.code, name: p.name, ...protect(p.n, q.k) })),
    daily: daily.map((d) => ({ date: d.date, ...protect(d.n, q.k) })),
  };
}
