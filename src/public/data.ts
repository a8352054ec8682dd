/**
 * The public risk page's data (issue 17): what an anonymous visitor may see, built from the same functions as
 * the logged-in API (src/risk/query.ts levelsOf, src/epi/published.ts servedRuns / publishedObserved,
 * src/epi/store.ts forecastSeries). Latest data day only; county level only (no street or community, no
 * heatmap, no index); counts only where the existing rules publish them (>= k); forecasts only for the
 * regions /api/forecast serves, baseline scenario, confirmed cases.
 */
import type { Duck } from '../db/duck.ts';
import { forecastSeries, hasForecast } from '../epi/store.ts';
import type { ForecastPoint, RunSummary } from '../epi/store.ts';
import { HttpError, UserError } from '../errors.ts';
import { loadDivisions } from '../geo/divisions.ts';
import type { Level } from '../geo/divisions.ts';
import type { RiskLevel } from '../risk/levels.ts';
import { levelsOf, riskKProblem, riskMeta } from '../risk/query.ts';
import { publishedObserved, servedRuns } from '../epi/published.ts';
import type { ObservedDay } from '../epi/published.ts';

export const RISK_LEVELS: readonly RiskLevel[] = ['high', 'medium', 'low'];
const RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };

/** A place's names: Chinese as published, English from the built-in divisions (null when unknown). */
export interface Named {
  code: string;
  name: string;
  nameEn: string | null;
}

/** One city: its level (the highest of its counties) and how many of its counties are at each level. */
export interface PublicCity extends Named {
  province: Named;
  level: RiskLevel;
  counties: Record<RiskLevel, number>;
}

/** One county's level, with its case counts as /api/risk/levels publishes them (null below k). */
export interface PublicCounty extends Named {
  risk: RiskLevel;
  cumulative: number | null;
  new14: number | null;
}

/** The levels on the latest data day: every city, the medium and high counties, and one city's counties. */
export interface PublicLevels {
  synthetic: boolean;
  day: string;
  k: number;
  cities: PublicCity[];
  /** The country's medium and high counties, by province and city code. */
  areas: (PublicCounty & { city: string })[];
  /** The chosen city's counties (`?city=`), else null. */
  city: (Named & { counties: PublicCounty[] }) | null;
}

function named(code: string, level: Level, fallback: string | null = null): Named {
  try {
    const d = loadDivisions().byCode(code, level);
    return { code, name: fallback ?? d.name, nameEn: d.nameEn || null };
  } catch {
    return { code, name: fallback ?? code, nameEn: null };
  }
}

function provinceOf(city: string): string {
  try {
    return loadDivisions().parentAt(city, 'province').code;
  } catch {
    return `${city.slice(0, 2)}0000`;
  }
}

/** The latest data day of the risk tables; 409 when they are missing or protected with a smaller k. */
export async function latestRiskDay(duck: Duck, k: number): Promise<string> {
  let m;
  try {
    m = await riskMeta(duck);
  } catch (e) {
    if (e instanceof UserError) throw new HttpError(409, e.message);
    throw e;
  }
  const problem = riskKProblem(m, k);
  if (problem) throw new HttpError(409, problem);
  if (!m.last) throw new HttpError(409, `the risk tables are incomplete: run 'epitrace risk build'`);
  return m.last;
}

/** Every city's county levels on `day` (the areas levelsOf lists: the cells' counties and those with a row). */
async function countyLevels(duck: Duck, day: string): Promise<Map<string, Map<string, RiskLevel>>> {
  const rows = await duck.all<{ city: string; code: string; risk: RiskLevel }>(
    `WITH a AS (
       SELECT DISTINCT city_code AS city, county_code AS code FROM cells
       WHERE city_code IS NOT NULL AND county_code IS NOT NULL
       UNION SELECT city, code FROM risk_levels WHERE level = 'county' AND day = $1::DATE)
     SELECT a.city, a.code, coalesce(l.risk, 'low') AS risk FROM a
     LEFT JOIN risk_levels l ON l.level = 'county' AND l.day = $1::DATE AND l.city = a.city AND l.code = a.code
     ORDER BY a.city, a.code`,
    [day],
  );
  const by = new Map<string, Map<string, RiskLevel>>();
  for (const r of rows) {
    let m = by.get(r.city);
    if (!m) by.set(r.city, (m = new Map()));
    m.set(r.code, r.risk);
  }
  return by;
}

/** The cities of the workspace (those with counties on the latest day), for the city selector and `?city=`. */
export async function publicCities(duck: Duck, k: number): Promise<{ day: string; cities: Named[] }> {
  const day = await latestRiskDay(duck, k);
  const by = await countyLevels(duck, day);
  return { day, cities: [...by.keys()].sort().map((c) => named(c, 'city')) };
}

const toCounty = (a: {
  code: string;
  name: string | null;
  risk: RiskLevel;
  cumulative: number | null;
  new14: number | null;
}): PublicCounty => {
  const n = named(a.code, 'county', a.name);
  return { ...n, risk: a.risk, cumulative: a.cumulative, new14: a.new14 };
};

/** The public levels on the latest data day; `city` must be one of publicCities' (checked by the caller). */
export async function publicLevels(
  duck: Duck,
  o: { k: number; synthetic: boolean; city: string | null },
): Promise<PublicLevels> {
  const day = await latestRiskDay(duck, o.k);
  const by = await countyLevels(duck, day);
  const cities: PublicCity[] = [];
  for (const [code, counties] of by) {
    const counts: Record<RiskLevel, number> = { high: 0, medium: 0, low: 0 };
    for (const r of counties.values()) counts[r]++;
    const level = [...counties.values()].reduce<RiskLevel>((a, r) => (RANK[r] > RANK[a] ? r : a), 'low');
    cities.push({
      ...named(code, 'city'),
      province: named(provinceOf(code), 'province'),
      level,
      counties: counts,
    });
  }
  // Most affected first: the level, then how many counties are high, then medium (the page's default city).
  cities.sort(
    (a, b) =>
      RANK[b.level] - RANK[a.level] ||
      b.counties.high - a.counties.high ||
      b.counties.medium - a.counties.medium ||
      (a.code < b.code ? -1 : 1),
  );
  const areas: PublicLevels['areas'] = [];
  // The medium and high counties with the counts /api/risk/levels publishes for them (the same function).
  for (const c of cities.filter((x) => x.level !== 'low').sort((a, b) => (a.code < b.code ? -1 : 1))) {
    for (const a of await levelsOf(duck, { city: c.code, day, level: 'county', k: o.k }))
      if (a.risk !== 'low') areas.push({ ...toCounty(a), city: c.code });
  }
  const city = o.city
    ? {
        ...named(o.city, 'city'),
        counties: (await levelsOf(duck, { city: o.city, day, level: 'county', k: o.k })).map(toCounty),
      }
    : null;
  return { synthetic: o.synthetic, day, k: o.k, cities, areas, city };
}

/** A forecast region the public page may show: the country, the country without a province, a province, a city. */
export interface PublicRegion extends Named {
  kind: 'country' | 'country-without' | 'province' | 'city';
}

/** The newest run and the regions it serves publicly, in display order; null without a forecast. */
export async function publicForecastRegions(
  duck: Duck,
  k: number,
): Promise<{ run: RunSummary; regions: PublicRegion[] } | null> {
  if (!(await hasForecast(duck))) return null;
  const run = (await servedRuns(duck, k))[0];
  if (!run) return null;
  // servedRuns decides which groups are served (src/epi/published.ts): the page shows exactly those.
  const regions: PublicRegion[] = run.regions.map((g): PublicRegion => {
    if (g.code === 'CN') return { code: g.code, name: '全国', nameEn: 'China', kind: 'country' };
    const without = /^CN-X(\d{6})$/.exec(g.code);
    if (without) {
      const p = named(without[1]!, 'province');
      return {
        code: g.code,
        name: `全国（不含${p.name}）`,
        nameEn: `China without ${p.nameEn ?? p.name}`,
        kind: 'country-without',
      };
    }
    if (g.kind === 'group') return { ...named(g.code, 'province'), kind: 'province' };
    return { ...named(g.code, 'city'), kind: 'city' };
  });
  const order = { country: 0, 'country-without': 1, province: 2, city: 3 };
  regions.sort((a, b) => order[a.kind] - order[b.kind] || (a.code < b.code ? -1 : 1));
  return { run, regions };
}

/** One forecast day as the public page shows it: the median and the 50% and 90% bands (no other quantile). */
export type PublicPoint = Omit<ForecastPoint, 'quantiles'>;

/** The baseline forecast of confirmed cases for one public region, with the observed days as published. */
export interface PublicForecast {
  synthetic: boolean;
  run: number;
  origin: string;
  k: number;
  region: PublicRegion;
  /** The observed days as /api/forecast publishes them, without the fitted line (not shown publicly). */
  observed: Omit<ObservedDay, 'fitted'>[];
  forecast: PublicPoint[];
}

/** The forecast of `region` (one of publicForecastRegions', checked by the caller). */
export async function publicForecast(
  duck: Duck,
  o: { k: number; synthetic: boolean; run: RunSummary; region: PublicRegion },
): Promise<PublicForecast> {
  const stored = o.run.regions.find((g) => g.code === o.region.code);
  if (!stored) throw new Error(`region ${o.region.code} is not stored in run ${o.run.run}`);
  const points = await forecastSeries(duck, {
    run: o.run.run,
    region: o.region.code,
    quantity: 'confirmed',
    scenario: 'baseline',
  });
  return {
    synthetic: o.synthetic || o.run.synthetic,
    run: o.run.run,
    origin: o.run.origin,
    k: o.k,
    region: o.region,
    observed: (await publishedObserved(duck, o.run, stored, o.k)).map(
      ({ day, count, suppressed, suppressedCells }) => ({
        day,
        count,
        suppressed,
        suppressedCells,
      }),
    ),
    forecast: points.map(({ target, horizon, median, q05, q25, q75, q95 }) => ({
      target,
      horizon,
      median,
      q05,
      q25,
      q75,
      q95,
    })),
  };
}
