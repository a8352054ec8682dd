import type { Duck } from '../db/duck.ts';
import type { Protected } from '../privacy/disclosure.ts';

/**
 * Expanded estimates of published flows (design.md "Expansion"; issue 16 decision 2): a published cell count
 * times the expansion factor of the cell's origin city in the month of the cell's date,
 * F = census population of the city / sample residents of the city (residents table: the modal night-time
 * county of each user in a month). Never computed from true counts or from od_expanded: F is public
 * (population and resident counts), so expanded / F must give back only the published count.
 */

/** z of a two-sided 95% normal interval, as stated in every answer. */
export const EXPANSION_Z = 1.96;

/** An expanded estimate with its interval; `hi` null when the factor has no upper bound. */
export interface Expanded {
  value: number;
  lo: number;
  hi: number | null;
}

/** A city's expansion factor in one month: the factor and its 95% bounds (hi null when n - z sqrt n <= 0). */
export interface CityFactor {
  residents: number;
  population: number;
  f: number;
  lo: number;
  hi: number | null;
}

/** Looks up the factor of a city in a month (YYYY-MM); null when the city has none (no residents, < k, no census). */
export type FactorLookup = (city: string, month: string) => CityFactor | null;

/** The note every answer carries, in English (the dashboard translates it). */
export function expansionNote<B extends 'origin city' | 'home city' = 'origin city'>(
  k: number,
  basis: B = 'origin city' as B,
): { basis: B; z: number; note: string } {
  return {
    basis,
    z: EXPANSION_Z,
    note:
      `expanded = published sample count x (census 2020 population of the ${basis} / sample residents of ` +
      `that city in the month of the arrival day); interval from population / (n +- ${EXPANSION_Z} sqrt n); ` +
      `no estimate where the city has fewer than ${k} sample residents`,
  };
}

/** The factor of a city with `n` sample residents and census population `population`; null when undefined. */
export function cityFactor(population: number, n: number, k: number): CityFactor | null {
  if (!(population > 0) || n < k || n <= 0) return null;
  const spread = EXPANSION_Z * Math.sqrt(n);
  return {
    residents: n,
    population,
    f: population / n,
    lo: population / (n + spread),
    hi: n - spread > 0 ? population / (n - spread) : null,
  };
}

/** Months (YYYY-MM) touched by the inclusive day range. */
export function monthsOf(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.slice(0, 7).split('-').map(Number) as [number, number];
  const last = to.slice(0, 7);
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    out.push(month);
    if (month >= last) return out;
    m++;
    if (m > 12) [y, m] = [y + 1, 1];
  }
}

/**
 * The expansion factors of every city in the months of [from, to]: sample residents per city (their
 * counties' residents summed), census population from the built-in geography. A workspace without a
 * residents table (pipeline not run) has none.
 */
export async function cityFactors(
  db: Duck,
  range: { from: string; to: string; k: number },
  geo: { cityOf(county: string): string | null; population(city: string): number },
): Promise<FactorLookup> {
  const has = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'residents'`,
  );
  const counts = new Map<string, number>();
  if (has?.n) {
    const months = monthsOf(range.from, range.to);
    const rows = await db.all<{ month: string; county: string; n: number }>(
      `SELECT month, county_code AS county, count(*)::INTEGER AS n FROM residents
       WHERE month BETWEEN $1 AND $2 GROUP BY ALL`,
      [months[0]!, months.at(-1)!],
    );
    for (const r of rows) {
      const city = geo.cityOf(r.county);
      if (city) counts.set(`${r.month}|${city}`, (counts.get(`${r.month}|${city}`) ?? 0) + r.n);
    }
  }
  const memo = new Map<string, CityFactor | null>();
  return (city, month) => {
    const key = `${month}|${city}`;
    if (!memo.has(key)) memo.set(key, cityFactor(geo.population(city), counts.get(key) ?? 0, range.k));
    return memo.get(key)!;
  };
}

/** A published cell with the factor that expands it (null: no factor). */
export interface ExpandableCell extends Protected {
  factor: CityFactor | null;
}

/**
 * The expanded figure of a sum of published cells: sum of count x F over the published cells (lo, hi alike;
 * hi null when any hi is). Null when every cell is suppressed or a published cell has no factor. Rounded to
 * whole people.
 */
export function expandPublished(cells: ExpandableCell[]): Expanded | null {
  let value = 0;
  let lo = 0;
  let hi: number | null = 0;
  let published = 0;
  let suppressed = 0;
  for (const c of cells) {
    if (c.suppressed) {
      suppressed++;
      continue;
    }
    if (!c.factor) return null;
    published++;
    const n = c.count!;
    value += n * c.factor.f;
    lo += n * c.factor.lo;
    hi = hi === null || c.factor.hi === null ? null : hi + n * c.factor.hi;
  }
  if (published === 0 && suppressed > 0) return null;
  return { value: Math.round(value), lo: Math.round(lo), hi: hi === null ? null : Math.round(hi) };
}
