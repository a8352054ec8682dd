/**
 * EpiData from a workspace (issue 13): what the forecast model is fitted to, read from the platform's own
 * tables. Regions are cities: the case registry places every case in a city (its city, else its county's),
 * the pipeline's OD tables have a city level, and a city is the smallest unit whose daily counts are not
 * mostly zero in the demo. See README "Forecast in the workspace and dashboard".
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Duck } from '../db/duck.ts';
import { quotedString } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import { cityOfCase, loadDivisions } from '../geo/divisions.ts';
import type { DailyFlows } from './model.ts';
import type { DerivedRatios, EpiData, EpiRegion, RegionGroup } from './types.ts';

const DAY_MS = 86_400_000;

/** ISO date `days` after `iso`. */
export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (ISO dates). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/** What the workspace gives besides EpiData: where the numbers come from. */
export interface WorkspaceEpi {
  data: EpiData;
  ratios: DerivedRatios | null;
  /** 'simulated' (the workspace's synthetic people per city) or 'census' (2020 census per city). */
  populationSource: 'simulated' | 'census';
  /** Confirmed cases in the window that no city could be given to (left out of every region). */
  unplaced: number;
  /** Epicentre city from the workspace's scenario, when it has one. */
  epicentre: string | null;
}

async function hasTable(db: Duck, name: string): Promise<boolean> {
  const r = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = $1`,
    [name],
  );
  return (r?.n ?? 0) > 0;
}

/**
 * Population per city. A synthetic workspace built by the simulator (synth/truth/residents.parquet beside it)
 * models the simulated people, since the case registry lists cases among them only: a 30 000-person demo has
 * ~12 000 people in Wuhan, not 11 million, and the model's depletion of susceptibles must match. Otherwise the
 * 2020 census (src/geo/divisions.ts).
 */
async function populations(
  db: Duck,
  synthDir: string | null,
): Promise<{ pop: Map<string, number>; source: 'simulated' | 'census' }> {
  const div = loadDivisions();
  const file = synthDir ? join(synthDir, 'truth', 'residents.parquet') : null;
  if (file && existsSync(file)) {
    const rows = await db.all<{ county: string; n: number }>(
      `SELECT county_code AS county, sum(residents)::INTEGER AS n FROM read_parquet(${quotedString(file)}) GROUP BY ALL`,
    );
    const pop = new Map<string, number>();
    for (const r of rows) {
      const city = div.parentAt(r.county, 'city').code;
      pop.set(city, (pop.get(city) ?? 0) + r.n);
    }
    return { pop, source: 'simulated' };
  }
  return {
    pop: new Map(
      div
        .list('city')
        .filter((c) => c.population > 0)
        .map((c) => [c.code, c.population]),
    ),
    source: 'census',
  };
}

/**
 * Travellers per day between cities: the pipeline's expanded OD (od_expanded, city level, by arrival day)
 * divided by the census population of the origin and multiplied by the modelled one, i.e. the measured
 * share of each origin's residents who travel, applied to the model's population (the identity for census
 * populations). Days without a row have no travel.
 */
async function dailyFlows(
  db: Duck,
  index: Map<string, number>,
  pop: Map<string, number>,
  start: string,
  days: number,
): Promise<DailyFlows[]> {
  const flows: DailyFlows[] = [];
  if (!(await hasTable(db, 'od_expanded'))) return flows;
  const rows = await db.all<{ d: number; origin: string; dest: string; people: number }>(
    `SELECT (date - $1::DATE)::INTEGER AS d, origin, dest, sum(expanded)::DOUBLE AS people FROM od_expanded
     WHERE level = 'city' AND date >= $1::DATE AND date < $1::DATE + $2::INTEGER GROUP BY ALL ORDER BY d, origin, dest`,
    [start, days],
  );
  const div = loadDivisions();
  const byDay: { o: number[]; t: number[]; p: number[] }[] = Array.from({ length: days }, () => ({
    o: [],
    t: [],
    p: [],
  }));
  for (const r of rows) {
    const o = index.get(r.origin);
    const t = index.get(r.dest);
    if (o === undefined || t === undefined || o === t) continue;
    const census = div.byCode(r.origin, 'city').population;
    const scale = census > 0 ? pop.get(r.origin)! / census : 0;
    byDay[r.d]!.o.push(o);
    byDay[r.d]!.t.push(t);
    byDay[r.d]!.p.push(r.people * scale);
  }
  for (const b of byDay)
    flows.push({ origin: Int32Array.from(b.o), dest: Int32Array.from(b.t), people: Float64Array.from(b.p) });
  return flows;
}

/**
 * Ratios the platform measures: contacts per case = companions found by the risk build (risk_people, kind
 * 'companion') per confirmed case that was searched (matched to a subscriber); suspected per confirmed = the
 * registry's suspected over its confirmed cases. Null when the registry has no confirmed case.
 */
export async function measuredRatios(db: Duck, from: string, to: string): Promise<DerivedRatios | null> {
  const r = await db.one<{ confirmed: number; matched: number; suspected: number }>(
    `SELECT count(*) FILTER (WHERE status = 'confirmed')::INTEGER AS confirmed,
            count(*) FILTER (WHERE status = 'confirmed' AND user_id IS NOT NULL)::INTEGER AS matched,
            count(*) FILTER (WHERE status = 'suspected')::INTEGER AS suspected
     FROM trace_cases WHERE coalesce(confirmed, onset) BETWEEN $1::DATE AND $2::DATE`,
    [from, to],
  );
  if (!r || r.confirmed === 0) return null;
  let contacts = 0;
  if (await hasTable(db, 'risk_people')) {
    const c = await db.one<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM risk_people p JOIN trace_cases c USING (ref)
       WHERE p.kind = 'companion' AND c.status = 'confirmed' AND c.confirmed BETWEEN $1::DATE AND $2::DATE`,
      [from, to],
    );
    contacts = c?.n ?? 0;
  }
  return {
    contactsPerCase: r.matched > 0 ? contacts / r.matched : 0,
    suspectedPerConfirmed: r.suspected / r.confirmed,
    source: `workspace ${from}..${to}: ${contacts} companions of ${r.matched} searched cases (risk build); ${r.suspected} suspected, ${r.confirmed} confirmed (case registry)`,
  };
}

/** The data window: the scenario's days, else the pipeline's. */
async function window(
  db: Duck,
  scenario: { from: string; to: string } | undefined,
): Promise<{ start: string; end: string }> {
  if (scenario) return { start: scenario.from, end: scenario.to };
  if (await hasTable(db, 'pipeline_days')) {
    const r = await db.one<{ a: string | null; b: string | null }>(
      `SELECT strftime(min(day), '%Y-%m-%d') AS a, strftime(max(day), '%Y-%m-%d') AS b FROM pipeline_days`,
    );
    if (r?.a && r.b) return { start: r.a, end: r.b };
  }
  throw new UserError(`the workspace has no processed days: run 'epitrace run' first`);
}

/**
 * Reads EpiData from an open workspace database: daily confirmed per city by confirmation day from the case
 * registry (trace_cases), populations (see `populations`), daily OD from od_expanded, measured ratios.
 * `synthDir` is the workspace's synth/ folder when it has one. UserError without a case registry.
 */
export async function workspaceEpiData(
  db: Duck,
  ws: {
    synthetic: boolean;
    scenario?: { from: string; to: string; epicentre: string };
    synthDir: string | null;
  },
): Promise<WorkspaceEpi> {
  if (!(await hasTable(db, 'trace_cases')))
    throw new UserError(
      "the workspace has no case registry: import the health authority's cases with 'epitrace cases import FILE'",
    );
  const { start, end } = await window(db, ws.scenario);
  const days = daysBetween(start, end) + 1;
  const { pop, source } = await populations(db, ws.synthDir);
  const div = loadDivisions();
  const regions: EpiRegion[] = [...pop]
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, population]) => ({ code, name: div.byCode(code, 'city').name, population }));
  const index = new Map(regions.map((r, i) => [r.code, i]));
  const confirmed = new Float64Array(days * regions.length);
  const rows = await db.all<{ d: number; city: string | null; county: string | null; n: number }>(
    `SELECT (confirmed - $1::DATE)::INTEGER AS d, city, county, count(*)::INTEGER AS n FROM trace_cases
     WHERE status = 'confirmed' AND confirmed BETWEEN $1::DATE AND $2::DATE GROUP BY ALL`,
    [start, end],
  );
  let unplaced = 0;
  for (const r of rows) {
    const city = cityOfCase(div, r.city, r.county);
    const i = city ? index.get(city) : undefined;
    if (i === undefined) unplaced += r.n;
    else confirmed[r.d * regions.length + i]! += r.n;
  }
  const flows = await dailyFlows(db, index, pop, start, days);
  return {
    data: { regions, start, days, confirmed, flows, synthetic: ws.synthetic },
    ratios: await measuredRatios(db, start, end),
    populationSource: source,
    unplaced,
    epicentre: ws.scenario?.epicentre ?? null,
  };
}

/** Group codes: the whole country, and the country without a province ('CN-X' + province code). */
export const COUNTRY = 'CN';

/**
 * The aggregates the issue names: the epicentre's province, the country without it, the whole country; and,
 * when `withCases` is given, one group per other province holding a modelled city with a case (issue 17's
 * public page serves provinces), each of all its modelled cities. Without an epicentre: the whole country
 * and those provinces.
 */
export function forecastGroups(
  regions: readonly EpiRegion[],
  epicentre: string | null,
  withCases?: ReadonlySet<string>,
): RegionGroup[] {
  const all = regions.map((r) => r.code);
  const groups: RegionGroup[] = [{ code: COUNTRY, name: '全国', members: all }];
  const div = loadDivisions();
  const provinceOf = (c: string): string => div.parentAt(c, 'province').code;
  let epiProvince: string | null = null;
  if (epicentre) {
    const province = div.parentAt(epicentre, 'province');
    epiProvince = province.code;
    const inProvince = (c: string): boolean => provinceOf(c) === province.code;
    groups.push(
      { code: province.code, name: province.name, members: all.filter(inProvince) },
      {
        code: `${COUNTRY}-X${province.code}`,
        name: `全国（不含${province.name}）`,
        members: all.filter((c) => !inProvince(c)),
      },
    );
  }
  if (!withCases) return groups;
  const provinces = [...new Set([...withCases].filter((c) => all.includes(c)).map(provinceOf))]
    .filter((p) => p !== epiProvince)
    .sort();
  for (const p of provinces)
    groups.push({ code: p, name: div.byCode(p).name, members: all.filter((c) => provinceOf(c) === p) });
  return groups;
}
