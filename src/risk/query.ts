import type { Duck } from '../db/duck.ts';
import { HttpError, UserError } from '../errors.ts';
import { areaLabels, hasTable, streetColumn } from './areas.ts';
import type { AreaLevel, IndexLevel } from './areas.ts';
import type { RiskLevel } from './levels.ts';
import type { RiskKind } from './people.ts';
import { COMPONENTS } from './risk-index.ts';
import type { Component, Warning, Weights } from './risk-index.ts';

/** The options the risk tables were built with. */
export interface RiskMeta {
  set: RiskKind[];
  weights: Weights;
  k: number;
  first: string | null;
  last: string | null;
}

/** The build's options, or a UserError saying to run `risk build`. */
export async function riskMeta(db: Duck): Promise<RiskMeta> {
  if (!(await hasTable(db, 'risk_meta')))
    throw new UserError(`the workspace has no risk tables yet: run 'epitrace risk build'`);
  const r = await db.one<{
    set: string;
    weights: string;
    k: number;
    first: string | null;
    last: string | null;
  }>(
    `SELECT set, weights, k, strftime(first, '%Y-%m-%d') AS first, strftime(last, '%Y-%m-%d') AS last FROM risk_meta`,
  );
  if (!r) throw new UserError(`the risk tables are incomplete: run 'epitrace risk build'`);
  return {
    set: r.set.split(',').filter(Boolean) as RiskKind[],
    weights: JSON.parse(r.weights) as Weights,
    k: r.k,
    first: r.first,
    last: r.last,
  };
}

/**
 * Why risk tables built with k = meta.k cannot be published at `k`, or null when they can: the index holds counts
 * protected at build time, so a larger k must not publish them.
 */
export function riskKProblem(meta: RiskMeta, k: number): string | null {
  return meta.k < k
    ? `the risk tables were built with k = ${meta.k} < ${k}: run 'epitrace risk build --k ${k}'`
    : null;
}

/** 400 naming `field` when `v` (a day, or an hour YYYY-MM-DDTHH) lies outside the risk tables' data days. */
export function checkRiskDay(meta: RiskMeta, v: string, field = 'day'): void {
  const day = v.slice(0, 10);
  if (meta.first && day < meta.first)
    throw new HttpError(400, `${field}: ${v} is before the first data day ${meta.first}`, field);
  if (meta.last && day > meta.last)
    throw new HttpError(400, `${field}: ${v} is after the last data day ${meta.last}`, field);
}

/** First and last hour of the heatmap for a city ('YYYY-MM-DDTHH'), or nulls when it has none. */
export async function riskHours(
  db: Duck,
  city: string,
): Promise<{ first: string | null; last: string | null }> {
  const r = await db.one<{ first: string | null; last: string | null }>(
    `SELECT strftime(min(hour), '%Y-%m-%dT%H') AS first, strftime(max(hour), '%Y-%m-%dT%H') AS last
     FROM risk_presence WHERE city = $1`,
    [city],
  );
  return { first: r?.first ?? null, last: r?.last ?? null };
}

/** The areas of a level in a city, from the cell registry (streets only where cells carry street codes). */
async function cityAreas(db: Duck, city: string, level: IndexLevel): Promise<string[]> {
  const col = level === 'street' ? await streetColumn(db) : `${level}_code`;
  const rows = await db.all<{ code: string }>(
    `SELECT DISTINCT ${col} AS code FROM cells WHERE city_code = $1 AND ${col} IS NOT NULL ORDER BY 1`,
    [city],
  );
  return rows.map((r) => r.code);
}

const below = (n: number, k: number): number | null => (n >= k ? n : null);

/** One area's level as published: counts below k are null, the level itself is always shown. */
export interface LevelArea {
  code: string;
  name: string | null;
  risk: RiskLevel;
  cumulative: number | null;
  new14: number | null;
  cluster: boolean;
}

/** The areas of a city at one level on one day with their risk levels (areas with no case: low). */
export async function levelsOf(
  db: Duck,
  q: { city: string; day: string; level: AreaLevel; k: number },
): Promise<LevelArea[]> {
  const rows = await db.all<{
    code: string;
    risk: RiskLevel;
    cumulative: number;
    new14: number;
    cluster: boolean;
  }>(
    `SELECT code, risk, cumulative, new14, cluster FROM risk_levels WHERE city = $1 AND day = $2::DATE AND level = $3`,
    [q.city, q.day, q.level],
  );
  const by = new Map(rows.map((r) => [r.code, r]));
  const codes = [...new Set([...(await cityAreas(db, q.city, q.level)), ...by.keys()])].sort();
  const labels = await areaLabels(db, q.level, codes);
  return codes.map((code) => {
    const r = by.get(code);
    return {
      code,
      name: labels.get(code)?.name ?? null,
      risk: r?.risk ?? 'low',
      cumulative: below(r?.cumulative ?? 0, q.k),
      new14: below(r?.new14 ?? 0, q.k),
      cluster: r?.cluster ?? false,
    };
  });
}

/** One area's index with its components: normalised (what the index is computed from) and raw. */
export interface IndexArea {
  code: string;
  name: string | null;
  index: number;
  warning: Warning;
  components: Record<Component, number>;
  raw: Record<Component, number>;
}

/** The areas of a city at one level on one day with their index (areas with no component: 0, 'none'). */
export async function indexOf(
  db: Duck,
  q: { city: string; day: string; level: IndexLevel },
): Promise<IndexArea[]> {
  const rows = await db.all<Record<string, number | string>>(
    `SELECT * EXCLUDE (day) FROM risk_index WHERE city = $1 AND day = $2::DATE AND level = $3`,
    [q.city, q.day, q.level],
  );
  const by = new Map(rows.map((r) => [String(r['code']), r]));
  const codes =
    q.level === 'city'
      ? [q.city]
      : [...new Set([...(await cityAreas(db, q.city, q.level)), ...by.keys()])].sort();
  const labels = await areaLabels(db, q.level, codes);
  const zero = Object.fromEntries(COMPONENTS.map((c) => [c, 0])) as Record<Component, number>;
  return codes
    .map((code) => {
      const r = by.get(code);
      return {
        code,
        name: labels.get(code)?.name ?? null,
        index: r ? Number(r['idx']) : 0,
        warning: (r ? String(r['warning']) : 'none') as Warning,
        components: r
          ? (Object.fromEntries(COMPONENTS.map((c) => [c, Number(r[`${c}_norm`])])) as Record<
              Component,
              number
            >)
          : zero,
        raw: r
          ? (Object.fromEntries(COMPONENTS.map((c) => [c, Number(r[c])])) as Record<Component, number>)
          : zero,
      };
    })
    .sort((a, b) => b.index - a.index || (a.code < b.code ? -1 : 1));
}

/** One change since the day before. */
export interface Alert {
  code: string;
  name: string | null;
  level: IndexLevel;
  what: 'risk' | 'warning';
  from: string;
  to: string;
}

/** What changed in a city on a day, since the day before: risk levels and index warnings. */
export async function alertsOf(db: Duck, q: { city: string; day: string }): Promise<Alert[]> {
  const rows = await db.all<{
    code: string;
    level: IndexLevel;
    what: 'risk' | 'warning';
    from: string;
    to: string;
  }>(
    `SELECT code, level, what, "from", "to" FROM risk_alerts WHERE city = $1 AND day = $2::DATE
     ORDER BY CASE level WHEN 'city' THEN 0 WHEN 'county' THEN 1 WHEN 'street' THEN 2 ELSE 3 END, code, what`,
    [q.city, q.day],
  );
  const names = new Map<string, string | null>();
  for (const level of ['city', 'county', 'street', 'community'] as const) {
    const codes = rows.filter((r) => r.level === level).map((r) => r.code);
    for (const [c, l] of await areaLabels(db, level, codes)) names.set(`${level}|${c}`, l.name);
  }
  return rows.map((r) => ({ ...r, name: names.get(`${r.level}|${r.code}`) ?? null }));
}
