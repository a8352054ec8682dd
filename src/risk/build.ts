import type { Duck } from '../db/duck.ts';
import { loadDivisions } from '../geo/divisions.ts';
import { DEFAULT_K } from '../privacy/disclosure.ts';
import { UserError } from '../errors.ts';
import { requireLayout } from '../tracing/companions.ts';
import { hasTable, streetColumn } from './areas.ts';
import type { AreaLevel } from './areas.ts';
import { buildRiskCases, buildRiskLinks, loadCasesAndLinks } from './cases.ts';
import { buildRiskPresence } from './heatmap.ts';
import { buildRiskIndex, DEFAULT_WEIGHTS } from './risk-index.ts';
import type { Weights } from './risk-index.ts';
import { addDays, areaLevels } from './levels.ts';
import { insertRows } from './insert.ts';
import { buildRiskPeople, DEFAULT_RISK_SET } from './people.ts';
import type { PeopleSummary, RiskKind } from './people.ts';

/** Options of `risk build`. */
export interface RiskBuildOptions {
  set: readonly RiskKind[];
  weights: Weights;
  /** Disclosure threshold the index's people counts are protected with (the API refuses a larger k). */
  k: number;
}

export const DEFAULT_BUILD: RiskBuildOptions = {
  set: DEFAULT_RISK_SET,
  weights: DEFAULT_WEIGHTS,
  k: DEFAULT_K,
};

/** What a build made. */
export interface RiskBuildSummary {
  people: PeopleSummary;
  first: string | null;
  last: string | null;
  presenceRows: number;
  cases: number;
  links: number;
  levelRows: number;
  indexRows: number;
  alerts: number;
  /** Milliseconds per step (people, heatmap, cases, levels, index, alerts). */
  steps: Record<string, number>;
  ms: number;
}

/** The city of every area of each level, from the cell registry (a county seen in no cell: the divisions). */
async function areaCities(db: Duck): Promise<Map<string, string>> {
  const street = await streetColumn(db);
  const rows = await db.all<{ code: string; city: string }>(
    `SELECT code, any_value(city_code) AS city FROM (
       SELECT county_code AS code, city_code FROM cells UNION ALL
       SELECT community_code, city_code FROM cells UNION ALL
       SELECT ${street}, city_code FROM cells) WHERE code IS NOT NULL AND city_code IS NOT NULL GROUP BY code`,
  );
  return new Map(rows.map((r) => [r.code, r.city]));
}

function cityOf(cities: Map<string, string>, code: string): string | null {
  const c = cities.get(code);
  if (c) return c;
  try {
    return loadDivisions().parentAt(code, 'city').code;
  } catch {
    return null;
  }
}

/** The data's days: first and last day with a stay. */
async function dataDays(db: Duck): Promise<{ first: string | null; last: string | null }> {
  const r = await db.one<{ first: string | null; last: string | null }>(
    `SELECT strftime(min(start_ts), '%Y-%m-%d') AS first, strftime(max(end_ts), '%Y-%m-%d') AS last FROM
     (SELECT start_ts, end_ts FROM stays UNION ALL SELECT start_ts, end_ts FROM open_stays)`,
  );
  return { first: r?.first ?? null, last: r?.last ?? null };
}

const LEVELS: readonly AreaLevel[] = ['county', 'street', 'community'];

/** Writes risk_levels for every day of the data: one row per area with a case by that day (others are low). */
export async function buildLevels(db: Duck, first: string, last: string): Promise<number> {
  await db.run(`CREATE OR REPLACE TABLE risk_levels (day DATE, level VARCHAR, code VARCHAR, city VARCHAR,
    cumulative INTEGER, new14 INTEGER, cluster BOOLEAN, risk VARCHAR)`);
  const { cases, links } = await loadCasesAndLinks(db);
  const cities = await areaCities(db);
  const rows: (string | number | boolean | null)[][] = [];
  for (let day = first; day <= last; day = addDays(day, 1))
    for (const level of LEVELS)
      for (const r of areaLevels(cases, links, level, day))
        rows.push([day, level, r.code, cityOf(cities, r.code), r.cumulative, r.new14, r.cluster, r.risk]);
  await insertRows(db, 'risk_levels', rows, ['DATE', '', '', '', '', '', '', '']);
  return rows.length;
}

/**
 * risk_alerts: what changed since the day before, per area: its risk level ('risk') or its index warning
 * ('warning'). An area with no row on a day is 'low' / 'none' (no case / no index).
 */
export async function buildAlerts(db: Duck, first: string, last: string): Promise<number> {
  await db.run(
    `CREATE OR REPLACE TABLE risk_alerts AS
WITH lv AS (SELECT day, level, code, city, risk AS v FROM risk_levels),
ix AS (SELECT day, level, code, city, warning AS v FROM risk_index),
pairs AS (
  SELECT coalesce(t.day, y.day + 1) AS day, coalesce(t.level, y.level) AS level, coalesce(t.code, y.code) AS code,
    coalesce(t.city, y.city) AS city, 'risk' AS what, coalesce(y.v, 'low') AS "from", coalesce(t.v, 'low') AS "to"
  FROM lv t FULL JOIN lv y ON y.day = t.day - 1 AND y.level = t.level AND y.code = t.code
  UNION ALL
  SELECT coalesce(t.day, y.day + 1), coalesce(t.level, y.level), coalesce(t.code, y.code), coalesce(t.city, y.city),
    'warning', coalesce(y.v, 'none'), coalesce(t.v, 'none')
  FROM ix t FULL JOIN ix y ON y.day = t.day - 1 AND y.level = t.level AND y.code = t.code)
SELECT day::DATE AS day, level, code, city, what, "from", "to" FROM pairs
WHERE "from" <> "to" AND day > $1::DATE AND day <= $2::DATE`,
    [first, last],
  );
  const r = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM risk_alerts`);
  return r?.n ?? 0;
}

/**
 * Rebuilds every risk table: risk_people, risk_presence, risk_cases, risk_links, risk_levels, risk_index,
 * risk_alerts, and risk_meta (the options used). `now` gives the clock (elapsed time is reported).
 */
export async function buildRisk(
  db: Duck,
  o: RiskBuildOptions = DEFAULT_BUILD,
  now: () => number = Date.now,
): Promise<RiskBuildSummary> {
  const t0 = now();
  for (const t of ['cells', 'stays', 'open_stays'])
    if (!(await hasTable(db, t)))
      throw new UserError(`the workspace has no ${t} yet: run 'epitrace ingest' and 'epitrace run' first`);
  // Companions and case links read the tracing layout that `epitrace run` builds at its end.
  await requireLayout(db);
  const steps: Record<string, number> = {};
  let lap = t0;
  const step = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const r = await f();
    const t = now();
    steps[name] = t - lap;
    lap = t;
    return r;
  };
  const people = await step('people', () => buildRiskPeople(db));
  const d = await dataDays(db);
  // No stays at all: empty tables, so every reader finds them.
  const [first, last] = d.first && d.last ? [d.first, d.last] : ['1970-01-01', '1969-12-31'];
  const presenceRows = await step('heatmap', () => buildRiskPresence(db, o.set, first, last));
  await step('cases', async () => {
    await buildRiskCases(db);
    await buildRiskLinks(db);
  });
  const levelRows = await step('levels', () => buildLevels(db, first, last));
  const indexRows = await step('index', () => buildRiskIndex(db, { ...o, first, last }));
  const alerts = await step('alerts', () => buildAlerts(db, first, last));
  await db.run(
    `CREATE OR REPLACE TABLE risk_meta (set VARCHAR, weights VARCHAR, k INTEGER, first DATE, last DATE)`,
  );
  await db.run(`INSERT INTO risk_meta VALUES ($1, $2, $3, $4::DATE, $5::DATE)`, [
    o.set.join(','),
    JSON.stringify(o.weights),
    o.k,
    d.first,
    d.last,
  ]);
  const n = await db.one<{ cases: number; links: number }>(
    `SELECT (SELECT count(*) FROM risk_cases)::INTEGER AS cases, (SELECT count(*) FROM risk_links)::INTEGER AS links`,
  );
  return {
    people,
    first: d.first,
    last: d.last,
    presenceRows,
    cases: n?.cases ?? 0,
    links: n?.links ?? 0,
    levelRows,
    indexRows,
    alerts,
    steps,
    ms: now() - t0,
  };
}
