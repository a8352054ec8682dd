import type { Duck } from '../db/duck.ts';
import { methodNote, protect, sumPublished } from '../privacy/disclosure.ts';
import type { Protected, Published } from '../privacy/disclosure.ts';

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

export interface OutflowDestination extends Published {
  code: string;
  name: string;
  province: string;
  provinceName: string;
}

/**
 * Outflow from a city by destination, as published: every figure is a sum of
 * published (perturbed, not suppressed) city x day cells; `suppressedCells`
 * says how many cells below k each figure leaves out.
 */
export interface Outflow {
  origin: { code: string; name: string };
  from: string;
  to: string;
  level: 'city';
  k: number;
  method: ReturnType<typeof methodNote>;
  total: Published;
  destinations: OutflowDestination[];
  byProvince: (Published & { code: string; name: string })[];
  daily: (Published & { date: string })[];
}

/** One fixed OD cell of the range as stored: true count and cell key (never published as such). */
export interface FlowCell {
  date: string;
  /** The other end: destination (out) or origin (in). */
  code: string;
  n: number;
  ckey: number;
}

/** The city-level OD cells of `origin` (out) or to it (in) with arrival dates in [from, to]. */
export async function flowCells(db: Duck, q: Omit<OutflowQuery, 'k'>): Promise<FlowCell[]> {
  // Column names come from this fixed choice, never from the request.
  const [self, other] = q.direction === 'in' ? ['dest', 'origin'] : ['origin', 'dest'];
  return db.all<FlowCell>(
    `SELECT strftime(date, '%Y-%m-%d') AS date, ${other} AS code, users AS n, ckey FROM od_daily
     WHERE level = 'city' AND ${self} = $1 AND date BETWEEN $2::DATE AND $3::DATE ORDER BY date, code`,
    [q.origin, q.from, q.to],
  );
}

/** Every day from `from` to `to` inclusive, YYYY-MM-DD. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

function group<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

/** Published figures first, largest first; then suppressed ones by code, never by their hidden values. */
function publishedOrder(a: Published & { code: string }, b: Published & { code: string }): number {
  return (
    Number(a.suppressed) - Number(b.suppressed) ||
    (b.count ?? 0) - (a.count ?? 0) ||
    a.code.localeCompare(b.code)
  );
}

/**
 * Outflow from `origin` by destination (or, with direction `in`, inflow to it by origin): the sum over arrival days in
 * [from, to] of the published daily OD cells (a person who leaves twice in the range counts twice). Destinations in
 * the origin's own province are included. Each cell is protected once (src/privacy/disclosure.ts); no figure
 * touches a raw count, so differencing two answers never isolates a suppressed cell.
 */
export async function outflow(db: Duck, q: OutflowQuery, naming: Naming): Promise<Outflow> {
  const cells = (await flowCells(db, q)).map((c) => ({ ...c, ...protect(c.n, q.k, c.ckey) }));
  const strip = (c: Protected): Protected => ({ count: c.count, suppressed: c.suppressed });
  const destinations = [...group(cells, (c) => c.code)].map(([code, cs]) => {
    const p = naming.province(code);
    return {
      code,
      name: naming.name(code),
      province: p.code,
      provinceName: p.name,
      ...sumPublished(cs.map(strip)),
    };
  });
  destinations.sort(publishedOrder);
  const byProvince = [...group(cells, (c) => naming.province(c.code).code)].map(([code, cs]) => ({
    code,
    name: naming.province(cs[0]!.code).name,
    ...sumPublished(cs.map(strip)),
  }));
  byProvince.sort(publishedOrder);
  const byDay = group(cells, (c) => c.date);
  return {
    origin: { code: q.origin, name: naming.name(q.origin) },
    from: q.from,
    to: q.to,
    level: 'city',
    k: q.k,
    method: methodNote(q.k),
    total: sumPublished(cells.map(strip)),
    destinations,
    byProvince,
    daily: daysBetween(q.from, q.to).map((date) => ({
      date,
      ...sumPublished((byDay.get(date) ?? []).map(strip)),
    })),
  };
}
