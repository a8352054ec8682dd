/**
 * Backtest of the forecast on real data (issue 13, README "Backtest"): for
 * several forecast origins, fit the ensemble to the data up to the origin
 * (fitEnsemble), forecast `horizon` days (forecastEnsemble), and score daily
 * confirmed against what was then reported, next to the naive baseline
 * (score.ts) on the same targets: WIS per horizon, relative WIS (model / baseline, ratio of mean WIS over
 * the same targets), and 50% and 90% interval coverage. The epicentre province's regions are scored apart
 * from the rest, and both are also scored as aggregates (the country without the epicentre province; the
 * province itself at city level).
 */
import { UserError } from '../errors.ts';
import { loadDivisions } from '../geo/divisions.ts';
import { daysBetween } from './csv-text.ts';
import { fitEnsemble } from './fit.ts';
import { forecastEnsemble } from './forecast.ts';
import type { DailyFlows } from './model.ts';
import type { RegionLevel } from './region-names.ts';
import { covers, naiveBaseline, negbinBaseline, wis } from './score.ts';
import type { QuantileValue } from './score.ts';
import { readChinaCases, readLi } from './shared-data.ts';
import type { EpiData, ForecastRow, RegionGroup } from './types.ts';
import { HUB_QUANTILES } from './types.ts';

/** Which real data set the backtest runs on. */
export type BacktestSource = 'china-cases' | 'li2020';

export interface BacktestOptions {
  dir: string;
  source: BacktestSource;
  level: RegionLevel;
  /** Forecast origins (the last day fitted), ISO dates. */
  origins: readonly string[];
  horizon: number;
  members: number;
  seed: number;
  /** First day of data used (china-cases; Li's data start on 10 January 2020). */
  start: string;
  /** The epicentre province (its regions scored apart; default Hubei, 420000). */
  epicentre?: string;
  /**
   * Travel after Li et al.'s last day (23 January 2020, the day Wuhan closed): 'carry' keeps that day's
   * flows, 'none' stops travel between regions (default 'carry').
   */
  mobilityAfter?: 'carry' | 'none';
  /** Clock for timing (effects passed in). */
  now?: () => number;
}

/** Scores of one horizon over a set of targets: the model and the two naive baselines (score.ts). */
export interface HorizonScore {
  horizon: number;
  targets: number;
  /** Mean WIS of the model, the empirical-error baseline and the negative binomial baseline. */
  wis: Record<Scorer, number>;
  /** Share of targets inside the central 50% and 90% intervals. */
  cover50: Record<Scorer, number>;
  cover90: Record<Scorer, number>;
}

export const SCORERS = ['model', 'empirical', 'negbin'] as const;
export type Scorer = (typeof SCORERS)[number];

/** Relative WIS of the model against a baseline: ratio of mean WIS over the same targets. */
export const relativeWis = (s: HorizonScore, baseline: Exclude<Scorer, 'model'>): number =>
  s.wis.model / s.wis[baseline];

/** A scored block: the regions outside the epicentre province, their sum, the province's regions, their sum. */
export interface BacktestBlock {
  name: string;
  regions: number;
  rows: HorizonScore[];
}

export interface BacktestResult {
  source: BacktestSource;
  level: RegionLevel;
  origins: readonly string[];
  members: number;
  seed: number;
  epicentre: string;
  mobilityAfter: 'carry' | 'none';
  blocks: BacktestBlock[];
  /** Fit + forecast time per origin, ms. */
  ms: number[];
  /** What the readers quarantined, for the header line. */
  inputNote: string;
}

const perScorer = (): Record<Scorer, number> => ({ model: 0, empirical: 0, negbin: 0 });
const emptySums = (): HorizonScore => ({
  horizon: 0,
  targets: 0,
  wis: perScorer(),
  cover50: perScorer(),
  cover90: perScorer(),
});

const NO_TRAVEL: DailyFlows = {
  origin: new Int32Array(0),
  dest: new Int32Array(0),
  people: new Float64Array(0),
};

/** The data and mobility of the chosen source. */
function load(o: BacktestOptions): { data: EpiData; note: string } {
  const li = readLi(o.dir, o.level);
  const liNote = `Li et al. mobility ${li.mobility.rows} rows = ${li.mobility.accepted} accepted + ${li.mobility.quarantined.length} quarantined`;
  if (o.source === 'li2020') {
    const c = li.cases;
    const flows = [...li.mobility.flows];
    if (o.mobilityAfter === 'none' && flows.length < c.data.days) flows.push(NO_TRAVEL);
    return {
      data: { ...c.data, flows },
      note: `Li et al. incidence ${c.rows} rows = ${c.accepted} accepted + ${c.quarantined.length} quarantined; ${liNote}`,
    };
  }
  const last = [...o.origins].sort().at(-1)!;
  const end = new Date(Date.parse(`${last}T00:00:00Z`) + o.horizon * 86_400_000).toISOString().slice(0, 10);
  const c = readChinaCases(o.dir, o.level, o.start, end);
  // Li's flows (10..23 January) onto china-cases' regions and days; after 23 January the last day's carry on.
  const index = new Map(c.data.regions.map((r, i) => [r.code, i]));
  const liIndex = li.cases.data.regions.map((r) => index.get(r.code) ?? -1);
  const shift = daysBetween(li.cases.data.start, c.data.start);
  const flows: DailyFlows[] = [];
  for (let d = Math.max(0, shift); d < li.mobility.flows.length; d++) {
    const f = li.mobility.flows[d]!;
    const keep = [...f.people.keys()].filter((k) => liIndex[f.origin[k]!]! >= 0 && liIndex[f.dest[k]!]! >= 0);
    flows.push({
      origin: Int32Array.from(keep, (k) => liIndex[f.origin[k]!]!),
      dest: Int32Array.from(keep, (k) => liIndex[f.dest[k]!]!),
      people: Float64Array.from(keep, (k) => f.people[k]!),
    });
  }
  if (o.mobilityAfter === 'none' && flows.length < c.data.days) flows.push(NO_TRAVEL);
  return {
    data: { ...c.data, flows },
    note:
      `china-cases-2020 ${c.rows} rows = ${c.accepted} accepted + ${c.quarantined.length} quarantined ` +
      `(${c.revisions} downward revisions kept); ${liNote}`,
  };
}

/** The first `days` days of the data (what was known at the origin). */
export function upTo(data: EpiData, days: number): EpiData {
  const n = data.regions.length;
  return {
    ...data,
    days,
    confirmed: data.confirmed.slice(0, days * n),
    ...(data.deaths ? { deaths: data.deaths.slice(0, days * n) } : {}),
    flows: data.flows.slice(0, days),
  };
}

/** Runs the backtest (see the module comment). */
export function runBacktest(o: BacktestOptions): BacktestResult {
  const now = o.now ?? (() => 0);
  const { data, note } = load(o);
  const n = data.regions.length;
  const epicentre = o.epicentre ?? '420000';
  const div = loadDivisions();
  const inEpi = data.regions.map((r) => div.parentAt(r.code, 'province').code === epicentre);
  const epiCount = inEpi.filter(Boolean).length;
  if (!epiCount) throw new UserError(`epicentre province ${epicentre} has no region in the data`);
  const codes = data.regions.map((r) => r.code);
  const groups: RegionGroup[] = [
    { code: 'REST', name: 'outside the epicentre province', members: codes.filter((_, i) => !inEpi[i]) },
    { code: 'EPI', name: 'the epicentre province', members: codes.filter((_, i) => inEpi[i]) },
  ];
  const blocks = [
    'outside the epicentre province (each region)',
    'outside the epicentre province (sum)',
    o.level === 'province' ? 'epicentre province' : 'epicentre province (each city)',
    ...(o.level === 'province' ? [] : ['epicentre province (sum)']),
  ];
  const sizes = [n - epiCount, 1, epiCount, 1];
  const sums = blocks.map(() => Array.from({ length: o.horizon }, emptySums));
  const ms: number[] = [];
  // A sum is observed on a day only when every region in it is (an unobserved region would bias it low).
  const series = (i: number | 'REST' | 'EPI'): Float64Array => {
    const s = new Float64Array(data.days);
    for (let d = 0; d < data.days; d++) {
      if (typeof i === 'number') s[d] = data.confirmed[d * n + i]!;
      else
        for (let j = 0; j < n; j++) if (inEpi[j] === (i === 'EPI')) s[d] = s[d]! + data.confirmed[d * n + j]!;
    }
    return s;
  };
  for (const origin of o.origins) {
    const at = daysBetween(data.start, origin);
    if (at < 13 || at + o.horizon >= data.days)
      throw new UserError(
        `origin ${origin} needs 14 days of data up to it and ${o.horizon} after (data ${data.start}, ${data.days} days)`,
      );
    const t0 = now();
    const known = upTo(data, at + 1);
    const fit = fitEnsemble(known, { members: o.members, seed: o.seed });
    const rows = forecastEnsemble(fit, known, { horizon: o.horizon, seed: o.seed + 1, groups });
    ms.push(now() - t0);
    const quantiles = new Map<string, QuantileValue[]>();
    for (const r of rows as ForecastRow[]) {
      if (r.scenario !== 'baseline' || r.quantity !== 'confirmed' || r.quantile === null) continue;
      const k = `${r.region}|${r.horizon}`;
      const list = quantiles.get(k) ?? [];
      quantiles.set(k, list);
      list.push({ level: r.quantile, value: r.value });
    }
    const targets: [number, string, number | 'REST' | 'EPI'][] = [
      ...data.regions.map((r, i): [number, string, number] => [inEpi[i] ? 2 : 0, r.code, i]),
      [1, 'REST', 'REST'],
      ...(o.level === 'province' ? [] : [[3, 'EPI', 'EPI'] as [number, string, 'EPI']]),
    ];
    for (const [block, code, i] of targets) {
      const s = series(i);
      const empirical = naiveBaseline(s, at, o.horizon, HUB_QUANTILES);
      const negbin = negbinBaseline(s, at, o.horizon, HUB_QUANTILES);
      for (let h = 1; h <= o.horizon; h++) {
        const y = s[at + h]!;
        const model = quantiles.get(`${code}|${h}`);
        if (Number.isNaN(y) || !model) continue;
        const acc = sums[block]![h - 1]!;
        acc.targets++;
        const f: Record<Scorer, QuantileValue[]> = {
          model,
          empirical: empirical[h - 1]!,
          negbin: negbin[h - 1]!,
        };
        for (const k of SCORERS) {
          acc.wis[k] += wis(f[k], y);
          acc.cover50[k] += covers(f[k], y, 0.5) ? 1 : 0;
          acc.cover90[k] += covers(f[k], y, 0.9) ? 1 : 0;
        }
      }
    }
  }
  return {
    source: o.source,
    level: o.level,
    origins: o.origins,
    members: o.members,
    seed: o.seed,
    epicentre: `${epicentre} ${div.byCode(epicentre, 'province').name}`,
    mobilityAfter: o.mobilityAfter ?? 'carry',
    blocks: blocks.map((name, b) => ({
      name,
      regions: sizes[b]!,
      rows: sums[b]!.map((s, k) => pooled([{ ...s, horizon: k + 1 }], k + 1, k + 1, true)),
    })),
    ms,
    inputNote: note,
  };
}

/** Targets' sums (`sums`) or per-horizon means over horizons from..to, as means over all their targets. */
export function pooled(rows: readonly HorizonScore[], from: number, to: number, sums = false): HorizonScore {
  const sel = rows.filter((r) => r.horizon >= from && r.horizon <= to && r.targets > 0);
  const t = sel.reduce((s, r) => s + r.targets, 0);
  const mean = (f: (r: HorizonScore) => Record<Scorer, number>): Record<Scorer, number> => {
    const out = perScorer();
    for (const k of SCORERS) out[k] = sel.reduce((s, r) => s + f(r)[k] * (sums ? 1 : r.targets), 0) / t;
    return out;
  };
  return {
    horizon: from,
    targets: t,
    wis: mean((r) => r.wis),
    cover50: mean((r) => r.cover50),
    cover90: mean((r) => r.cover90),
  };
}

/** The backtest as text lines: a header, then per block a table per horizon and the pooled 1-7/8-14/15-28 lines. */
export function backtestTable(r: BacktestResult): string[] {
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(x < 10 ? 2 : x < 1000 ? 1 : 0) : '-');
  const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(100 * x)}%` : '-');
  const line = (label: string, s: HorizonScore) =>
    [
      label,
      s.targets,
      f(s.wis.model),
      f(s.wis.empirical),
      f(s.wis.negbin),
      f(relativeWis(s, 'empirical')),
      f(relativeWis(s, 'negbin')),
      pct(s.cover50.model),
      pct(s.cover90.model),
      pct(s.cover90.empirical),
      pct(s.cover90.negbin),
    ].join('\t');
  const out = [
    `backtest: ${r.source}, ${r.level} level, origins ${r.origins.join(', ')}, ${r.members} members, seed ${r.seed}; epicentre ${r.epicentre}; travel after 2020-01-23: ${r.mobilityAfter}`,
    `fit + forecast ${r.ms.map((m) => `${(m / 1000).toFixed(1)} s`).join(', ')} per origin; ${r.inputNote}`,
    'daily confirmed; WIS = mean over targets; rel = WIS model / WIS baseline (emp = empirical-error baseline, nb = negative binomial baseline); cov = central interval coverage',
  ];
  for (const b of r.blocks) {
    out.push('', `${b.name} (${b.regions} region(s))`);
    out.push(
      [
        'horizon',
        'targets',
        'WIS',
        'WIS_emp',
        'WIS_nb',
        'rel_emp',
        'rel_nb',
        'cov50',
        'cov90',
        'emp_cov90',
        'nb_cov90',
      ].join('\t'),
    );
    for (const s of b.rows) out.push(line(String(s.horizon), s));
    for (const [a, z] of [
      [1, 7],
      [8, 14],
      [15, 28],
    ] as const)
      if (b.rows.length >= a) out.push(line(`${a}-${Math.min(z, b.rows.length)}`, pooled(b.rows, a, z)));
  }
  return out;
}
