import type { Duck } from '../db/duck.ts';
import { methodNote, protect, sumPublished } from '../privacy/disclosure.ts';
import type { Protected, Published } from '../privacy/disclosure.ts';
import { cityFactors, expandPublished, expansionNote } from './expansion.ts';
import type { ExpandableCell, Expanded } from './expansion.ts';

/** A queried region: a city or a province (county level is not published: README "Disclosure control"). */
export interface Region {
  code: string;
  name: string;
  nameEn: string;
  level: 'city' | 'province';
}

/** Names and census figures for codes, passed in so flows need not know where geography comes from. */
export interface Naming {
  name(code: string): string;
  /** Conventional English name (src/geo/data/english-names.csv), else pinyin. */
  nameEn(code: string): string;
  province(code: string): { code: string; name: string; nameEn: string };
  /** The region a query names; a county or unknown code is the caller's to refuse first. */
  region(code: string): Region;
  /** The city of a county (residents are counted by county); null when unknown. */
  cityOf(county: string): string | null;
  /** 2020 census population of a city; 0 when the census has none. */
  population(city: string): number;
}

/** A published figure with its expanded estimate (null: suppressed, or a cell without an expansion factor). */
export interface Figure extends Published {
  expanded: Expanded | null;
}

export interface OutflowQuery {
  /** The region flows leave (out) or reach (in): a city, or a province (province = 2-digit prefix). */
  origin: string;
  /** Level of `origin`; default city. */
  regionLevel?: 'city' | 'province';
  /** 'out': from `origin` by destination; 'in': to `origin` by origin. */
  direction?: 'out' | 'in';
  /** Inclusive arrival dates, YYYY-MM-DD. */
  from: string;
  to: string;
  k: number;
}

export interface OutflowDestination extends Figure {
  code: string;
  name: string;
  nameEn: string;
  province: string;
  provinceName: string;
  provinceNameEn: string;
}

/**
 * Outflow from a city by destination, as published: every figure is a sum of
 * published (perturbed, not suppressed) city x day cells; `suppressedCells`
 * says how many cells below k each figure leaves out.
 */
export interface Outflow {
  origin: Region;
  from: string;
  to: string;
  /** Level of the published cells every figure sums (always city). */
  level: 'city';
  k: number;
  method: ReturnType<typeof methodNote>;
  expansion: ReturnType<typeof expansionNote>;
  total: Figure;
  destinations: OutflowDestination[];
  byProvince: (Figure & { code: string; name: string; nameEn: string })[];
  daily: (Figure & { date: string })[];
}

/** One fixed OD cell of the range as stored: true count and cell key (never published as such). */
export interface FlowCell {
  date: string;
  /** The other end: destination (out) or origin (in). */
  code: string;
  /** The queried end's city (the region itself, or one of the province's cities). */
  self: string;
  n: number;
  ckey: number;
}

/**
 * The city-level OD cells of `origin` (out) or to it (in) with arrival dates in [from, to]. A province takes
 * the cells of its cities whose other end is outside it (GB/T 2260: a city's code starts with its province's
 * two digits; src/geo/divisions.test.ts checks it for every city).
 */
export async function flowCells(db: Duck, q: Omit<OutflowQuery, 'k'>): Promise<FlowCell[]> {
  // Column names come from this fixed choice, never from the request.
  const [self, other] = q.direction === 'in' ? ['dest', 'origin'] : ['origin', 'dest'];
  const where =
    q.regionLevel === 'province'
      ? `substr(${self}, 1, 2) = $1 AND substr(${other}, 1, 2) <> $1`
      : `${self} = $1`;
  const key = q.regionLevel === 'province' ? q.origin.slice(0, 2) : q.origin;
  return db.all<FlowCell>(
    `SELECT strftime(date, '%Y-%m-%d') AS date, ${other} AS code, ${self} AS self, users AS n, ckey FROM od_daily
     WHERE level = 'city' AND ${where} AND date BETWEEN $2::DATE AND $3::DATE ORDER BY date, code, self`,
    [key, q.from, q.to],
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

/** A figure from its cells: the published sum and its expanded estimate. */
export function figure(cells: ExpandableCell[]): Figure {
  const strip = (c: Protected): Protected => ({ count: c.count, suppressed: c.suppressed });
  return { ...sumPublished(cells.map(strip)), expanded: expandPublished(cells) };
}

/**
 * Outflow from `origin` by destination (or, with direction `in`, inflow to it by origin): the sum over arrival days in
 * [from, to] of the published daily OD cells (a person who leaves twice in the range counts twice). For a city,
 * destinations in its own province are included; for a province, only cells leaving it. Each cell is protected
 * once (src/privacy/disclosure.ts); no figure touches a raw count, so differencing two answers never isolates a
 * suppressed cell. Expanded estimates use the factor of each cell's origin city (src/pipeline/expansion.ts).
 */
export async function outflow(db: Duck, q: OutflowQuery, naming: Naming): Promise<Outflow> {
  const region = naming.region(q.origin);
  const factors = await cityFactors(db, q, naming);
  const cells = (await flowCells(db, { ...q, regionLevel: region.level })).map((c) => ({
    ...c,
    ...protect(c.n, q.k, c.ckey),
    factor: factors(q.direction === 'in' ? c.code : c.self, c.date.slice(0, 7)),
  }));
  const destinations = [...group(cells, (c) => c.code)].map(([code, cs]) => {
    const p = naming.province(code);
    return {
      code,
      name: naming.name(code),
      nameEn: naming.nameEn(code),
      province: p.code,
      provinceName: p.name,
      provinceNameEn: p.nameEn,
      ...figure(cs),
    };
  });
  destinations.sort(publishedOrder);
  const byProvince = [...group(cells, (c) => naming.province(c.code).code)].map(([code, cs]) => {
    const p = naming.province(cs[0]!.code);
    return { code, name: p.name, nameEn: p.nameEn, ...figure(cs) };
  });
  byProvince.sort(publishedOrder);
  const byDay = group(cells, (c) => c.date);
  return {
    origin: region,
    from: q.from,
    to: q.to,
    level: 'city',
    k: q.k,
    method: methodNote(q.k),
    expansion: expansionNote(q.k),
    total: figure(cells),
    destinations,
    byProvince,
    daily: daysBetween(q.from, q.to).map((date) => ({ date, ...figure(byDay.get(date) ?? []) })),
  };
}

/** An inflow answer's shape: the queried region as `dest`, the other ends as `origins` (API and CLI alike). */
export function inflowAnswer(r: Outflow): Omit<Outflow, 'origin' | 'destinations'> & {
  dest: Region;
  origins: OutflowDestination[];
} {
  const { origin, destinations, ...rest } = r;
  return { ...rest, dest: origin, origins: destinations };
}
