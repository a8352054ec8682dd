import { z } from 'zod';
import type { Duck } from '../db/duck.ts';
import { HttpError } from '../errors.ts';
import { publishedObserved, servedRuns } from '../epi/published.ts';
import type { ObservedDay } from '../epi/published.ts';
import { forecastSeries, hasForecast, paramTrajectory } from '../epi/store.ts';
import type { ForecastPoint, RunSummary, StoredRegion } from '../epi/store.ts';
import { QUANTITIES } from '../epi/types.ts';
import type { Quantity } from '../epi/types.ts';
import { SOURCES, round } from './data-common.ts';
import type { Cell, Report, Section, TableSection, Text } from './model.ts';

/** Parameters of the forecast report: region CN by default, the newest run by default. */
export const ForecastParams = z.object({
  region: z
    .string()
    .regex(/^(\d{6}|CN|CN-X\d{6})$/, 'expected a 6-digit code, CN or CN-X<province>')
    .default('CN'),
  run: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'expected a run number (see /api/forecast/runs)')
    .transform(Number)
    .optional(),
});

export interface ForecastRequest {
  region: string;
  run: number | null;
}

/** Horizons the report tabulates, in days after the forecast origin. */
export const HORIZONS = [7, 14, 30] as const;

/** Days compared at the end of the fit for the honest note. */
export const LAST_DAYS = 7;

/**
 * A fit is called poor when the observed sum of the last days and the fitted sum differ by more than this factor
 * (either way): a house threshold for the note, not an external figure.
 */
export const POOR_FACTOR = 2;

const QUANTITY_NAMES: Record<Quantity, Text> = {
  confirmed: { zh: '确诊', en: 'Confirmed' },
  deaths: { zh: '死亡', en: 'Deaths' },
  contacts: { zh: '密切接触者', en: 'Contacts' },
  suspected: { zh: '疑似', en: 'Suspected' },
};

/** The run a request names (the newest by default) and the region in it, as /api/forecast serves them; 400 naming the field otherwise. */
export async function forecastTarget(
  duck: Duck,
  q: { region: string; run?: number | undefined },
  k: number,
): Promise<{ run: RunSummary; region: StoredRegion } | { problem: string }> {
  if (!(await hasForecast(duck)))
    return { problem: "the workspace has no forecast yet: run 'epitrace forecast build'" };
  const runs = await servedRuns(duck, k);
  const run = q.run === undefined ? runs[0] : runs.find((x) => x.run === q.run);
  if (!run) throw new HttpError(400, `run: no forecast run ${q.run}`, 'run');
  const region = run.regions.find((g) => g.code === q.region);
  if (!region)
    throw new HttpError(
      400,
      `region: ${q.region} has no published forecast in run ${run.run} (no case, or fewer than k = ${k} confirmed)`,
      'region',
    );
  return { run, region };
}

const at = (series: ForecastPoint[], h: number): ForecastPoint | undefined =>
  series.find((p) => p.horizon === h);

function obsCell(o: ObservedDay, k: number): Cell {
  return o.suppressed || o.count === null ? { lt: k } : o.count;
}

/**
 * The forecast report of a region: the baseline fan chart of confirmed with the observed counts as published,
 * the median and 90% interval at 7/14/30 days per quantity, the scenarios on confirmed, Rt over the fitted days,
 * the measured ratios and the honest note on the fit's last days. The same functions as /api/forecast and
 * /api/forecast/params.
 */
export async function forecastReport(
  duck: Duck,
  q: ForecastRequest,
  k: number,
): Promise<Pick<Report, 'title' | 'sections' | 'definitions' | 'sources'> & { synthetic: boolean }> {
  const t = await forecastTarget(duck, { region: q.region, run: q.run ?? undefined }, k);
  const definitions = forecastDefinitions();
  const sources = [SOURCES.registry, SOURCES.operator, SOURCES.li];
  if ('problem' in t)
    return {
      synthetic: false,
      title: { zh: `疫情预测（${q.region}）`, en: `Forecast (${q.region})` },
      sections: [
        {
          kind: 'text',
          id: 'problem',
          text: { zh: `无预测：${t.problem}`, en: `No forecast: ${t.problem}` },
        },
      ],
      definitions,
      sources,
    };
  const { run, region } = t;
  const observed = await publishedObserved(duck, run, region, k);
  const series = new Map<Quantity, ForecastPoint[]>();
  for (const quantity of QUANTITIES)
    series.set(
      quantity,
      await forecastSeries(duck, { run: run.run, region: region.code, quantity, scenario: 'baseline' }),
    );
  const confirmed = series.get('confirmed')!;
  const days = [...observed.map((o) => o.day), ...confirmed.map((p) => p.target)];
  const pad = <T>(obs: T, fc: T): T[] => [...observed.map(() => obs), ...confirmed.map(() => fc)];
  const sections: Section[] = [
    {
      kind: 'chart',
      id: 'fan',
      title: {
        zh: '每日确诊：观测与预测（基线情景）',
        en: 'Daily confirmed: observed and forecast (baseline)',
      },
      x: { label: { zh: '日期', en: 'Day' }, type: 'category', categories: days },
      y: { label: { zh: '每日确诊', en: 'Confirmed per day' }, type: 'value' },
      series: [
        {
          name: { zh: '90% 区间', en: '90% band' },
          type: 'band',
          data: pad(null, null),
          lower: [...observed.map(() => null), ...confirmed.map((p) => round(p.q05, 2))],
          upper: [...observed.map(() => null), ...confirmed.map((p) => round(p.q95, 2))],
        },
        {
          name: { zh: '50% 区间', en: '50% band' },
          type: 'band',
          data: pad(null, null),
          lower: [...observed.map(() => null), ...confirmed.map((p) => round(p.q25, 2))],
          upper: [...observed.map(() => null), ...confirmed.map((p) => round(p.q75, 2))],
        },
        {
          name: { zh: '中位数', en: 'Median' },
          type: 'line',
          data: [...observed.map(() => null), ...confirmed.map((p) => round(p.median, 2))],
        },
        {
          name: { zh: '拟合', en: 'Fitted' },
          type: 'line',
          data: [...observed.map((o) => round(o.fitted, 2)), ...confirmed.map(() => null)],
        },
        {
          name: { zh: '观测', en: 'Observed' },
          type: 'scatter',
          data: [...observed.map((o) => o.count), ...confirmed.map(() => null)],
        },
      ],
      note: {
        zh: `观测点空缺：当日计数低于 k = ${k}，被抑制。`,
        en: `Gaps in the observed dots: the day's count is below k = ${k}, suppressed.`,
      },
    },
    {
      kind: 'table',
      id: 'horizons',
      title: { zh: '中位数与 90% 区间', en: 'Median and 90% interval' },
      columns: [
        { key: 'quantity', label: { zh: '指标', en: 'Quantity' } },
        { key: 'horizon', label: { zh: '预测天数', en: 'Days ahead' } },
        { key: 'target', label: { zh: '日期', en: 'Day' } },
        {
          key: 'median',
          label: { zh: '中位数', en: 'Median' },
          unit: { zh: '每日人数', en: 'per day' },
          basis: 'model',
          digits: 1,
        },
        { key: 'q05', label: { zh: '5%', en: '5%' }, basis: 'model', digits: 1 },
        { key: 'q95', label: { zh: '95%', en: '95%' }, basis: 'model', digits: 1 },
      ],
      rows: QUANTITIES.flatMap((quantity) =>
        HORIZONS.flatMap((h) => {
          const p = at(series.get(quantity)!, h);
          return p
            ? [
                {
                  quantity: `${QUANTITY_NAMES[quantity].zh} / ${QUANTITY_NAMES[quantity].en}`,
                  key: quantity,
                  horizon: h,
                  target: p.target,
                  median: round(p.median, 1),
                  q05: round(p.q05, 1),
                  q95: round(p.q95, 1),
                },
              ]
            : [];
        }),
      ),
    },
  ];
  const scen: Record<string, ForecastPoint[]> = {};
  for (const s of run.scenarios)
    scen[s.name] =
      s.name === 'baseline'
        ? confirmed
        : await forecastSeries(duck, {
            run: run.run,
            region: region.code,
            quantity: 'confirmed',
            scenario: s.name,
          });
  sections.push(
    {
      kind: 'table',
      id: 'scenarios',
      title: { zh: '情景比较（每日确诊中位数）', en: 'Scenarios compared (median confirmed per day)' },
      columns: [
        { key: 'scenario', label: { zh: '情景', en: 'Scenario' } },
        ...HORIZONS.map((h) => ({
          key: `h${h}`,
          label: { zh: `${h} 天`, en: `${h} days` },
          basis: 'model' as const,
          digits: 1,
        })),
      ],
      rows: run.scenarios.map((s) => ({
        scenario: s.name,
        ...Object.fromEntries(HORIZONS.map((h) => [`h${h}`, round(at(scen[s.name]!, h)?.median, 1)])),
      })),
    },
    {
      kind: 'chart',
      id: 'scenarios-chart',
      title: { zh: '情景比较', en: 'Scenarios compared' },
      x: { label: { zh: '日期', en: 'Day' }, type: 'category', categories: confirmed.map((p) => p.target) },
      y: { label: { zh: '每日确诊中位数', en: 'Median confirmed per day' }, type: 'value' },
      series: run.scenarios.map((s) => ({
        name: { zh: s.name, en: s.name },
        type: 'line' as const,
        data: scen[s.name]!.map((p) => round(p.median, 2)),
      })),
    },
  );
  const rt = (await paramTrajectory(duck, run.run)).filter((p) => p.param === 'Rt');
  if (rt.length)
    sections.push({
      kind: 'chart',
      id: 'rt',
      title: { zh: '拟合期的有效再生数 Rt', en: 'Rt over the fitted days' },
      x: { label: { zh: '日期', en: 'Day' }, type: 'category', categories: rt.map((p) => p.day) },
      y: { label: { zh: 'Rt', en: 'Rt' }, type: 'value' },
      series: [
        {
          name: { zh: '90% 区间', en: '90% interval' },
          type: 'band',
          data: rt.map(() => null),
          lower: rt.map((p) => round(p.lower, 3)),
          upper: rt.map((p) => round(p.upper, 3)),
        },
        { name: { zh: '均值', en: 'Mean' }, type: 'line', data: rt.map((p) => round(p.mean, 3)) },
      ],
      note: {
        zh: `最后一天 Rt = ${round(rt.at(-1)!.mean, 2)}。`,
        en: `Rt on the last day: ${round(rt.at(-1)!.mean, 2)}.`,
      },
    });
  if (run.ratios)
    sections.push({
      kind: 'figures',
      id: 'ratios',
      title: { zh: '平台测得的比值', en: 'Ratios the platform measured' },
      items: [
        {
          key: 'contactsPerCase',
          label: { zh: '每例确诊的密切接触者', en: 'Contacts per case' },
          value: round(run.ratios.contactsPerCase, 2),
          digits: 2,
          basis: 'derived',
        },
        {
          key: 'suspectedPerConfirmed',
          label: { zh: '每例确诊的疑似病例', en: 'Suspected per confirmed' },
          value: round(run.ratios.suspectedPerConfirmed, 2),
          digits: 2,
          basis: 'derived',
        },
      ],
      note: { zh: `来源：${run.ratios.source}`, en: `Source: ${run.ratios.source}` },
    });
  sections.push(fitNote(observed, k));
  return {
    synthetic: run.synthetic,
    title: {
      zh: `疫情预测：${region.name}（第 ${run.run} 次运行，起点 ${run.origin}）`,
      en: `Forecast: ${region.name} (run ${run.run}, origin ${run.origin})`,
    },
    sections,
    definitions,
    sources,
  };
}

/** The observed and fitted on the last published days, and the honest note when they disagree. */
export function fitNote(observed: ObservedDay[], k: number): TableSection {
  const last = observed.slice(-LAST_DAYS);
  const both = last.filter((o) => o.count !== null && o.fitted !== null);
  const obs = both.reduce((s, o) => s + o.count!, 0);
  const fit = both.reduce((s, o) => s + o.fitted!, 0);
  const poor = both.length > 0 && (obs > POOR_FACTOR * fit || fit > POOR_FACTOR * obs) && obs + fit > 0;
  return {
    kind: 'table',
    id: 'fit-last-days',
    title: {
      zh: `拟合的最后 ${LAST_DAYS} 天：观测与拟合`,
      en: `The fit's last ${LAST_DAYS} days: observed and fitted`,
    },
    columns: [
      { key: 'day', label: { zh: '日期', en: 'Day' } },
      { key: 'observed', label: { zh: '观测', en: 'Observed' }, basis: 'registry' },
      { key: 'fitted', label: { zh: '拟合', en: 'Fitted' }, basis: 'model', digits: 1 },
    ],
    rows: last.map((o) => ({ day: o.day, observed: obsCell(o, k), fitted: round(o.fitted, 1) })),
    note: poor
      ? {
          zh: `拟合不佳：最后 ${both.length} 个已发布日观测共 ${obs} 例，拟合共 ${round(fit, 1)} 例，相差超过 ${POOR_FACTOR} 倍；预测应谨慎看待（README“The demo's forecast for Wuhan is poor”）。`,
          en: `The fit is poor: over the last ${both.length} published days ${obs} cases were observed against ${round(fit, 1)} fitted, more than a factor ${POOR_FACTOR} apart; read the forecast with care (README "The demo's forecast for Wuhan is poor").`,
        }
      : {
          zh: `最后 ${both.length} 个已发布日观测共 ${obs} 例，拟合共 ${round(fit, 1)} 例。`,
          en: `Over the last ${both.length} published days ${obs} cases were observed against ${round(fit, 1)} fitted.`,
        },
  };
}

function forecastDefinitions(): Report['definitions'] {
  return [
    {
      term: { zh: '预测', en: 'Forecast' },
      text: {
        zh: '集合调整卡尔曼滤波（EAKF）拟合的 SEIR 型城市间传播模型（仿照 Li 等 2020），按集合成员给出每日人数的中位数和分位数；50% 和 90% 区间为 25%-75% 和 5%-95% 分位数。',
        en: 'A SEIR-type metapopulation model fitted with an ensemble adjustment Kalman filter (after Li et al. 2020); the median and quantiles of the daily counts across ensemble members; the 50% and 90% bands are the 25-75% and 5-95% quantiles.',
      },
    },
    {
      term: { zh: '观测', en: 'Observed' },
      text: {
        zh: '病例登记中按确诊日计数的每日确诊；低于 k 的计数被抑制（0 照常发布），组合地区为各成员已发布计数之和。',
        en: "Daily confirmed of the case registry by confirmation day; counts below k are suppressed (0 is published as 0), a group is the sum of its members' published counts.",
      },
    },
  ];
}
