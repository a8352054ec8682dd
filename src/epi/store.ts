/**
 * Forecast runs in the workspace DuckDB (issue 13): the run, its Forecast-Hub rows, the observed and fitted
 * series it was fitted to, the parameter trajectory, the ratios and the scenarios. `saveForecastRun` replaces
 * every forecast table in one transaction, so a reader sees the old run or the new one, never a mix.
 */
import { DuckDBDateValue } from '@duckdb/node-api';
import type { DuckDBAppender } from '@duckdb/node-api';
import type { Duck } from '../db/duck.ts';
import type { DerivedRatios, ForecastRow, ParamSummary, Quantity, ReportedParam, Scenario } from './types.ts';

/** A modelled region or an aggregate, as stored with a run. */
export interface StoredRegion {
  code: string;
  name: string;
  population: number;
  /** 'group' for an aggregate (its members listed). */
  kind: 'region' | 'group';
  members: readonly string[];
}

/** Everything one forecast build stores. */
export interface ForecastRunInput {
  createdAt: string;
  start: string;
  /** Last observed day = forecast origin. */
  origin: string;
  horizon: number;
  members: number;
  seed: number;
  synthetic: boolean;
  populationSource: string;
  /** Regions and groups whose rows are stored (the API serves only these). */
  regions: readonly StoredRegion[];
  rows: readonly ForecastRow[];
  /** Observed and fitted daily confirmed per stored region (groups: sums over members). */
  observed: readonly { region: string; day: string; confirmed: number; fitted: number | null }[];
  trajectory: readonly { day: string; params: Record<ReportedParam, ParamSummary> }[];
  ratios: DerivedRatios | null;
  scenarios: readonly Scenario[];
  /** Milliseconds of the fit and of the forecast. */
  fitMs: number;
  forecastMs: number;
}

const SCHEMA = `
CREATE OR REPLACE TABLE forecast_runs (run INTEGER, created_at VARCHAR, start DATE, origin DATE, horizon INTEGER,
  members INTEGER, seed BIGINT, synthetic BOOLEAN, population_source VARCHAR, fit_ms INTEGER, forecast_ms INTEGER);
CREATE OR REPLACE TABLE forecast_regions (run INTEGER, code VARCHAR, name VARCHAR, population DOUBLE,
  kind VARCHAR, members VARCHAR);
CREATE OR REPLACE TABLE forecast_rows (run INTEGER, scenario VARCHAR, origin DATE, target DATE, horizon INTEGER,
  region VARCHAR, quantity VARCHAR, quantile DOUBLE, value DOUBLE);
CREATE OR REPLACE TABLE forecast_observed (run INTEGER, region VARCHAR, day DATE, confirmed DOUBLE, fitted DOUBLE);
CREATE OR REPLACE TABLE forecast_params (run INTEGER, day DATE, param VARCHAR, mean DOUBLE, lower DOUBLE,
  upper DOUBLE);
CREATE OR REPLACE TABLE forecast_ratios (run INTEGER, contacts_per_case DOUBLE, suspected_per_confirmed DOUBLE,
  source VARCHAR);
CREATE OR REPLACE TABLE forecast_scenarios (run INTEGER, name VARCHAR, regions VARCHAR, cut DOUBLE, "from" DATE);`;

type Kind = 'int' | 'text' | 'date' | 'num';
type Cell = string | number | null;

/** Appends rows value by value; dates are ISO strings, a null any column's NULL. */
class Rows {
  constructor(
    private readonly a: DuckDBAppender,
    private readonly kinds: readonly Kind[],
  ) {}
  row(...values: Cell[]): void {
    this.kinds.forEach((k, i) => {
      const v = values[i] ?? null;
      if (v === null) this.a.appendNull();
      else if (k === 'int') this.a.appendInteger(v as number);
      else if (k === 'num') this.a.appendDouble(v as number);
      else if (k === 'text') this.a.appendVarchar(v as string);
      else this.a.appendDate(new DuckDBDateValue(Date.parse(`${v as string}T00:00:00Z`) / 86_400_000));
    });
    this.a.endRow();
  }
}

async function append(db: Duck, table: string, kinds: readonly Kind[], fill: (w: Rows) => void) {
  const a = await db.conn.createAppender(table);
  fill(new Rows(a, kinds));
  a.closeSync();
}

/** Replaces the workspace's forecast tables with one run (id 1 more than the last); returns its id. */
export async function saveForecastRun(db: Duck, r: ForecastRunInput): Promise<number> {
  const last = (await hasForecast(db))
    ? ((await db.one<{ n: number | null }>(`SELECT max(run)::INTEGER AS n FROM forecast_runs`))?.n ?? 0)
    : 0;
  const run = last + 1;
  await db.run('BEGIN TRANSACTION');
  try {
    for (const s of SCHEMA.split(';').filter((x) => x.trim())) await db.run(s);
    await db.run(
      `INSERT INTO forecast_runs VALUES ($1, $2, $3::DATE, $4::DATE, $5, $6, $7, $8, $9, $10, $11)`,
      [
        run,
        r.createdAt,
        r.start,
        r.origin,
        r.horizon,
        r.members,
        r.seed,
        r.synthetic,
        r.populationSource,
        Math.round(r.fitMs),
        Math.round(r.forecastMs),
      ],
    );
    await append(db, 'forecast_regions', ['int', 'text', 'text', 'num', 'text', 'text'], (w) => {
      for (const g of r.regions) w.row(run, g.code, g.name, g.population, g.kind, g.members.join(','));
    });
    const stored = new Set(r.regions.map((g) => g.code));
    await append(
      db,
      'forecast_rows',
      ['int', 'text', 'date', 'date', 'int', 'text', 'text', 'num', 'num'],
      (w) => {
        for (const x of r.rows)
          if (stored.has(x.region))
            w.row(run, x.scenario, x.origin, x.target, x.horizon, x.region, x.quantity, x.quantile, x.value);
      },
    );
    await append(db, 'forecast_observed', ['int', 'text', 'date', 'num', 'num'], (w) => {
      for (const o of r.observed) w.row(run, o.region, o.day, o.confirmed, o.fitted);
    });
    await append(db, 'forecast_params', ['int', 'date', 'text', 'num', 'num', 'num'], (w) => {
      for (const t of r.trajectory)
        for (const [p, s] of Object.entries(t.params)) w.row(run, t.day, p, s.mean, s.lower, s.upper);
    });
    if (r.ratios)
      await db.run(`INSERT INTO forecast_ratios VALUES ($1, $2, $3, $4)`, [
        run,
        r.ratios.contactsPerCase,
        r.ratios.suspectedPerConfirmed,
        r.ratios.source,
      ]);
    await append(db, 'forecast_scenarios', ['int', 'text', 'text', 'num', 'date'], (w) => {
      for (const s of r.scenarios)
        w.row(
          run,
          s.name,
          s.mobilityCut ? s.mobilityCut.regions.join(',') : null,
          s.mobilityCut?.cut ?? null,
          s.mobilityCut ? s.mobilityCut.from : null,
        );
    });
    await db.run('COMMIT');
  } catch (e) {
    await db.run('ROLLBACK');
    throw e;
  }
  return run;
}

/** True when the workspace has forecast tables. */
export async function hasForecast(db: Duck): Promise<boolean> {
  const r = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'forecast_runs'`,
  );
  return (r?.n ?? 0) > 0;
}

/** A stored run as listed: its number and what the build stored about it, without the series. */
export type RunSummary = Omit<
  ForecastRunInput,
  'rows' | 'observed' | 'trajectory' | 'regions' | 'scenarios'
> & {
  run: number;
  regions: StoredRegion[];
  scenarios: Scenario[];
};

/** The stored runs, newest first, with regions, scenarios and ratios. */
export async function listRuns(db: Duck): Promise<RunSummary[]> {
  if (!(await hasForecast(db))) return [];
  const runs = await db.all<Omit<RunSummary, 'regions' | 'scenarios' | 'ratios'>>(
    `SELECT run, created_at AS "createdAt", strftime(start, '%Y-%m-%d') AS start, strftime(origin, '%Y-%m-%d') AS origin,
       horizon, members, seed::DOUBLE AS seed, synthetic, population_source AS "populationSource", fit_ms AS "fitMs",
       forecast_ms AS "forecastMs" FROM forecast_runs ORDER BY run DESC`,
  );
  const out: RunSummary[] = [];
  for (const r of runs) {
    const regions = await db.all<{
      code: string;
      name: string;
      population: number;
      kind: 'region' | 'group';
      members: string;
    }>(
      `SELECT code, name, population, kind, members FROM forecast_regions WHERE run = $1 ORDER BY kind DESC, code`,
      [r.run],
    );
    const scen = await db.all<{
      name: string;
      regions: string | null;
      cut: number | null;
      from: string | null;
    }>(
      `SELECT name, regions, cut, strftime("from", '%Y-%m-%d') AS "from" FROM forecast_scenarios WHERE run = $1 ORDER BY rowid`,
      [r.run],
    );
    const ratio = await db.one<{ c: number; s: number; source: string }>(
      `SELECT contacts_per_case AS c, suspected_per_confirmed AS s, source FROM forecast_ratios WHERE run = $1`,
      [r.run],
    );
    out.push({
      ...r,
      regions: regions.map((g) => ({ ...g, members: g.members ? g.members.split(',') : [] })),
      scenarios: scen.map((s) =>
        s.regions !== null && s.cut !== null && s.from !== null
          ? { name: s.name, mobilityCut: { regions: s.regions.split(','), cut: s.cut, from: s.from } }
          : { name: s.name },
      ),
      ratios: ratio
        ? { contactsPerCase: ratio.c, suspectedPerConfirmed: ratio.s, source: ratio.source }
        : null,
    });
  }
  return out;
}

/** One target day of a forecast: the median (point), the 50% and 90% bands and all 23 quantiles. */
export interface ForecastPoint {
  target: string;
  horizon: number;
  median: number;
  q05: number;
  q25: number;
  q75: number;
  q95: number;
  quantiles: { level: number; value: number }[];
}

/** The forecast of one quantity of one region under one scenario, target by target. */
export async function forecastSeries(
  db: Duck,
  q: { run: number; region: string; quantity: Quantity; scenario: string },
): Promise<ForecastPoint[]> {
  const rows = await db.all<{ target: string; horizon: number; quantile: number | null; value: number }>(
    `SELECT strftime(target, '%Y-%m-%d') AS target, horizon, quantile, value FROM forecast_rows
     WHERE run = $1 AND region = $2 AND quantity = $3 AND scenario = $4 ORDER BY horizon, quantile NULLS FIRST`,
    [q.run, q.region, q.quantity, q.scenario],
  );
  const by = new Map<number, ForecastPoint>();
  for (const r of rows) {
    let p = by.get(r.horizon);
    if (!p) {
      p = {
        target: r.target,
        horizon: r.horizon,
        median: NaN,
        q05: NaN,
        q25: NaN,
        q75: NaN,
        q95: NaN,
        quantiles: [],
      };
      by.set(r.horizon, p);
    }
    if (r.quantile === null) p.median = r.value;
    else {
      p.quantiles.push({ level: r.quantile, value: r.value });
      // Stored levels are exactly HUB_QUANTILES' doubles: compare after rounding to avoid 0.05 != 0.05000000000000001.
      const level = Math.round(r.quantile * 1000);
      if (level === 50) p.q05 = r.value;
      else if (level === 250) p.q25 = r.value;
      else if (level === 750) p.q75 = r.value;
      else if (level === 950) p.q95 = r.value;
    }
  }
  return [...by.values()];
}

/** Observed and fitted daily confirmed of one stored region. */
export async function observedSeries(
  db: Duck,
  run: number,
  region: string,
): Promise<{ day: string; confirmed: number; fitted: number | null }[]> {
  return db.all(
    `SELECT strftime(day, '%Y-%m-%d') AS day, confirmed, fitted FROM forecast_observed
     WHERE run = $1 AND region = $2 ORDER BY day`,
    [run, region],
  );
}

/** Total observed confirmed per stored region of a run (disclosure control decides from it which forecasts are shown). */
export async function observedTotals(db: Duck, run: number): Promise<Map<string, number>> {
  const rows = await db.all<{ region: string; total: number }>(
    `SELECT region, coalesce(sum(confirmed), 0)::DOUBLE AS total FROM forecast_observed WHERE run = $1 GROUP BY region`,
    [run],
  );
  return new Map(rows.map((r) => [r.region, r.total]));
}

/** The parameter trajectory of a run: per day, per reported parameter, mean and 90% interval. */
export async function paramTrajectory(
  db: Duck,
  run: number,
): Promise<{ day: string; param: string; mean: number; lower: number; upper: number }[]> {
  return db.all(
    `SELECT strftime(day, '%Y-%m-%d') AS day, param, mean, lower, upper FROM forecast_params
     WHERE run = $1 ORDER BY param, day`,
    [run],
  );
}
