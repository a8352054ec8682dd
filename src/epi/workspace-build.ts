/**
 * `forecast build` (issue 13): fit the ensemble filter to the workspace's daily confirmed cases, forecast
 * every scenario, and store the run (src/epi/store.ts). The fitting and forecasting functions are passed in.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Duck } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import { saveForecastRun } from './store.ts';
import type { StoredRegion } from './store.ts';
import type { EpiData, FitOptions, FitResult, ForecastOptions, ForecastRow, Scenario } from './types.ts';
import { addDays, forecastGroups, workspaceEpiData } from './workspace-data.ts';
import type { WorkspaceInfo } from '../workspace.ts';

/** The two entry points of src/epi/fit.ts and src/epi/forecast.ts. */
export interface ForecastEngine {
  fitEnsemble(data: EpiData, options: FitOptions): FitResult;
  forecastEnsemble(fit: FitResult, data: EpiData, options: ForecastOptions): ForecastRow[];
}

/** Options of `forecast build`. */
export interface ForecastBuildOptions {
  horizon: number;
  members: number;
  seed: number;
  /** Scenarios besides the baseline. */
  scenarios: readonly Scenario[];
}

/** Longest horizon and largest ensemble `forecast build` accepts (the API's parameters are stored runs only). */
export const MAX_HORIZON = 60;
export const MAX_MEMBERS = 1000;

/**
 * The demo's scenarios: travel out of the epicentre cut by 50% and by 90% from the first forecast day,
 * as the example ("mobility out of a region cut by x% from a date").
 */
export function outflowCutScenarios(epicentre: string, origin: string): Scenario[] {
  const from = addDays(origin, 1);
  return [50, 90].map((pct) => ({
    name: `outflow-${epicentre}-cut-${pct}`,
    mobilityCut: { regions: [epicentre], cut: pct / 100, from },
  }));
}

/** What a build did. */
export interface ForecastBuildSummary {
  run: number;
  synthetic: boolean;
  regions: number;
  storedRegions: number;
  start: string;
  origin: string;
  confirmed: number;
  unplaced: number;
  rows: number;
  populationSource: string;
  fitMs: number;
  forecastMs: number;
}

/**
 * Builds and stores a forecast run from the workspace: EpiData (workspace-data.ts), the fit, the forecast of
 * the baseline and `o.scenarios` for every region and group. Rows are stored for the cities with at least one
 * confirmed case and for the groups (the other cities are modelled, as travel links them, but not stored).
 * `scenarios` may also be a function of the epicentre and the origin (the demo's outflow cuts).
 */
export async function buildForecast(
  db: Duck,
  ws: { root: string; info: WorkspaceInfo; synthDir?: string },
  o: Omit<ForecastBuildOptions, 'scenarios'> & {
    scenarios: readonly Scenario[] | ((epicentre: string, origin: string) => Scenario[]);
  },
  engine: ForecastEngine,
  clock: { now: () => number; date: () => Date } = { now: () => performance.now(), date: () => new Date() },
): Promise<ForecastBuildSummary> {
  if (!Number.isInteger(o.horizon) || o.horizon < 1 || o.horizon > MAX_HORIZON)
    throw new UserError(`--horizon must be 1..${MAX_HORIZON} days, got ${o.horizon}`);
  if (!Number.isInteger(o.members) || o.members < 2 || o.members > MAX_MEMBERS)
    throw new UserError(`--members must be 2..${MAX_MEMBERS}, got ${o.members}`);
  // The simulator's folder: inside a demo workspace; tests keep it beside theirs.
  const synthDir = ws.synthDir ?? join(ws.root, 'synth');
  const w = await workspaceEpiData(db, {
    synthetic: ws.info.synthetic,
    ...(ws.info.scenario ? { scenario: ws.info.scenario } : {}),
    synthDir: existsSync(synthDir) ? synthDir : null,
  });
  const { data } = w;
  const n = data.regions.length;
  const totals = new Float64Array(n);
  for (let d = 0; d < data.days; d++) for (let i = 0; i < n; i++) totals[i]! += data.confirmed[d * n + i]!;
  const confirmed = totals.reduce((a, b) => a + b, 0);
  if (confirmed === 0)
    throw new UserError(
      `the case registry has no confirmed case from ${data.start} to ${addDays(data.start, data.days - 1)}: nothing to fit`,
    );
  const origin = addDays(data.start, data.days - 1);
  const scenarios =
    typeof o.scenarios === 'function' ? (w.epicentre ? o.scenarios(w.epicentre, origin) : []) : o.scenarios;
  // Provinces with a case get a group of their own (the public page's province forecasts).
  const withCases = new Set(data.regions.filter((_, i) => totals[i]! > 0).map((r) => r.code));
  const groups = forecastGroups(data.regions, w.epicentre, withCases);
  const t0 = clock.now();
  const fit = engine.fitEnsemble(data, { members: o.members, seed: o.seed });
  const t1 = clock.now();
  const rows = engine.forecastEnsemble(fit, data, {
    horizon: o.horizon,
    seed: o.seed + 1,
    scenarios,
    groups,
    ...(w.ratios ? { ratios: w.ratios } : {}),
  });
  const t2 = clock.now();
  const stored: StoredRegion[] = [
    ...groups.map((g) => ({
      code: g.code,
      name: g.name,
      population: g.members.reduce(
        (s, c) => s + data.regions[data.regions.findIndex((r) => r.code === c)]!.population,
        0,
      ),
      kind: 'group' as const,
      members: g.members,
    })),
    ...data.regions
      .map((r, i) => ({ ...r, i }))
      .filter((r) => totals[r.i]! > 0)
      .map((r) => ({
        code: r.code,
        name: r.name,
        population: r.population,
        kind: 'region' as const,
        members: [],
      })),
  ];
  const index = new Map(data.regions.map((r, i) => [r.code, i]));
  const observed: { region: string; day: string; confirmed: number; fitted: number | null }[] = [];
  for (const s of stored) {
    const members = s.kind === 'group' ? s.members.map((c) => index.get(c)!) : [index.get(s.code)!];
    for (let d = 0; d < data.days; d++) {
      let obs = 0;
      let fitted = 0;
      for (const i of members) {
        obs += data.confirmed[d * n + i]!;
        fitted += d < fit.days ? fit.fittedConfirmed[d * n + i]! : NaN;
      }
      observed.push({
        region: s.code,
        day: addDays(data.start, d),
        confirmed: obs,
        fitted: Number.isFinite(fitted) ? fitted : null,
      });
    }
  }
  const run = await saveForecastRun(db, {
    createdAt: clock.date().toISOString(),
    start: data.start,
    origin,
    horizon: o.horizon,
    members: o.members,
    seed: o.seed,
    synthetic: data.synthetic,
    populationSource: w.populationSource,
    regions: stored,
    rows,
    observed,
    trajectory: fit.trajectory,
    ratios: w.ratios,
    scenarios: [{ name: 'baseline' }, ...scenarios],
    fitMs: t1 - t0,
    forecastMs: t2 - t1,
  });
  const codes = new Set(stored.map((s) => s.code));
  return {
    run,
    synthetic: data.synthetic,
    regions: n,
    storedRegions: stored.length,
    start: data.start,
    origin,
    confirmed,
    unplaced: w.unplaced,
    rows: rows.filter((r) => codes.has(r.region)).length,
    populationSource: w.populationSource,
    fitMs: t1 - t0,
    forecastMs: t2 - t1,
  };
}
