import { formatDay } from './render-format.ts';
import { z } from 'zod';
import type { Duck } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import { outflow } from '../pipeline/flows.ts';
import type { Figure, Naming } from '../pipeline/flows.ts';
import { casesByCity } from '../risk/sources-platform.ts';
import { isoDate } from '../server/validate.ts';
import { PEOPLE, SAMPLE_DEFINITIONS, SOURCES, cellOf, round } from './data-common.ts';
import { fitSections } from './data-outflow-fit.ts';
import type { Basis, Cell, Column, Report, Section, Text } from './model.ts';

/** Parameters of the outflow report; origin, from and to default to the scenario's epicentre and data days. */
export const OutflowParams = z.object({
  origin: z
    .string()
    .regex(/^\d{6}$/, 'expected a 6-digit city code')
    .optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  casesTo: isoDate.optional(),
  model: z.enum(['loglog', 'linear']).default('loglog'),
  basis: z.enum(['expanded', 'sample']).default('expanded'),
});

export interface OutflowRequest {
  origin: string;
  from: string;
  to: string;
  casesTo: string | null;
  model: 'loglog' | 'linear';
  basis: 'expanded' | 'sample';
}

/** Ratios are per this many arrivals: the 2020 platform's "incidence %" was cases per 10,000 arrivals. */
export const PER_ARRIVALS = 10_000;

/** Cases per 10,000 arrivals, or null without a denominator. */
export function casesPer10k(cases: number | null, arrivals: number | null): number | null {
  if (cases === null || arrivals === null || arrivals <= 0) return null;
  return round((cases / arrivals) * PER_ARRIVALS, 2);
}

export const RATIO_UNIT: Text = { zh: '每万名到达者病例数', en: 'cases per 10,000 arrivals' };

/** The arrivals a ratio divides by, as the basis parameter says. */
function denominator(f: Figure, basis: 'expanded' | 'sample'): number | null {
  return basis === 'expanded' ? (f.expanded?.value ?? null) : f.count;
}

function arrivalColumns(): Column[] {
  return [
    { key: 'arrivals', label: { zh: '到达人数', en: 'Arrivals' }, unit: PEOPLE, basis: 'sample' },
    { key: 'expanded', label: { zh: '扩样估计', en: 'Expanded estimate' }, unit: PEOPLE, basis: 'expanded' },
    { key: 'lo', label: { zh: '95% 下限', en: '95% low' }, unit: PEOPLE, basis: 'expanded' },
    { key: 'hi', label: { zh: '95% 上限', en: '95% high' }, unit: PEOPLE, basis: 'expanded' },
  ];
}

function arrivalCells(f: Figure, k: number): Record<string, Cell> {
  return {
    arrivals: cellOf(f, k),
    expanded: f.expanded?.value ?? null,
    lo: f.expanded?.lo ?? null,
    hi: f.expanded?.hi ?? null,
  };
}

/**
 * The "epicentre outflow by province" report: the same outflow as /api/flows/outflow, the registry's confirmed
 * cases per province (the cases of /api/risk/sources), the ratio in its true unit, and the risk-source fit.
 */
export async function outflowReport(
  duck: Duck,
  q: OutflowRequest,
  k: number,
  naming: Naming,
): Promise<Pick<Report, 'title' | 'sections' | 'definitions' | 'sources'>> {
  const o = await outflow(duck, { origin: q.origin, from: q.from, to: q.to, k }, naming);
  let cases: Map<string, number> | null = null;
  let casesProblem: string | null = null;
  try {
    cases = (await casesByCity(duck, q.casesTo ?? undefined)).byCity;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    casesProblem = e.message;
  }
  // Cases of the origin city itself are not arrivals' cases: every province counts its cities but the origin.
  const casesOfProvince = new Map<string, number>();
  for (const [city, n] of cases ?? []) {
    if (city === q.origin) continue;
    const p = naming.province(city).code;
    casesOfProvince.set(p, (casesOfProvince.get(p) ?? 0) + n);
  }
  const originName = { zh: naming.name(q.origin), en: naming.nameEn(q.origin) };
  const ratioBasis: Basis = 'derived';
  const provinceRows = o.byProvince.map((p) => {
    const c = cases ? (casesOfProvince.get(p.code) ?? 0) : null;
    return {
      code: p.code,
      name: p.name,
      nameEn: p.nameEn,
      ...arrivalCells(p, k),
      cases: c,
      ratio: casesPer10k(c, denominator(p, q.basis)),
    };
  });
  // The headline ratio divides by the published arrivals: its cases are only those of the provinces whose
  // arrivals are published (a row with a ratio), so the headline cases are the sum of the table's ratio rows.
  const totalCases = cases
    ? provinceRows.reduce((s, r) => s + (r.ratio !== null && r.cases !== null ? r.cases : 0), 0)
    : null;
  const sections: Section[] = [
    {
      kind: 'figures',
      id: 'headline',
      title: { zh: '概况', en: 'Overview' },
      items: [
        {
          key: 'arrivals',
          label: { zh: '到达人数（样本）', en: 'Arrivals (sample)' },
          value: cellOf(o.total, k),
          unit: PEOPLE,
          basis: 'sample',
        },
        {
          key: 'expanded',
          label: { zh: '到达人数（扩样估计）', en: 'Arrivals (expanded estimate)' },
          value: o.total.expanded?.value ?? null,
          unit: PEOPLE,
          basis: 'expanded',
        },
        {
          key: 'expandedLo',
          label: { zh: '扩样估计 95% 下限', en: 'Expanded, 95% low' },
          value: o.total.expanded?.lo ?? null,
          unit: PEOPLE,
          basis: 'expanded',
        },
        {
          key: 'expandedHi',
          label: { zh: '扩样估计 95% 上限', en: 'Expanded, 95% high' },
          value: o.total.expanded?.hi ?? null,
          unit: PEOPLE,
          basis: 'expanded',
        },
        {
          key: 'cases',
          label: {
            zh: '目的地确诊病例（不含出发城市）',
            en: 'Confirmed cases at destinations (origin excluded)',
          },
          value: totalCases,
          basis: 'registry',
        },
        {
          key: 'ratio',
          label: { zh: '病例 / 到达者', en: 'Cases / arrivals' },
          value: casesPer10k(totalCases, denominator(o.total, q.basis)),
          unit: RATIO_UNIT,
          basis: ratioBasis,
          digits: 2,
        },
        {
          key: 'suppressedCells',
          label: { zh: '被抑制的单元数', en: 'Suppressed cells' },
          value: o.total.suppressedCells,
        },
      ],
      note: {
        zh: `比值以${q.basis === 'expanded' ? '扩样估计' : '样本'}到达人数为分母。概况中的病例数只计到达人数已发布（表中有比值）的省份。`,
        en: `Ratios divide by the ${q.basis === 'expanded' ? 'expanded estimate of' : 'sample count of'} arrivals. The overview's cases count only the provinces whose arrivals are published (the table's rows with a ratio).`,
      },
    },
    {
      kind: 'table',
      id: 'provinces',
      title: { zh: '按目的地省份', en: 'By destination province' },
      columns: [
        { key: 'name', label: { zh: '省份', en: 'Province' } },
        ...arrivalColumns(),
        { key: 'cases', label: { zh: '确诊病例', en: 'Confirmed cases' }, basis: 'registry' },
        {
          key: 'ratio',
          label: { zh: '病例 / 到达者', en: 'Cases / arrivals' },
          unit: RATIO_UNIT,
          basis: ratioBasis,
          digits: 2,
        },
      ],
      rows: provinceRows.map(({ nameEn, ...r }) => ({ ...r, name: `${r.name} / ${nameEn}` })),
      ...(casesProblem
        ? { note: { zh: `无病例数：${casesProblem}`, en: `No case counts: ${casesProblem}` } }
        : {}),
    },
    {
      kind: 'chart',
      id: 'provinces-chart',
      title: { zh: '各省到达人数', en: 'Arrivals by province' },
      x: {
        label: { zh: '省份', en: 'Province' },
        type: 'category',
        categories: o.byProvince.map((p) => p.name),
      },
      y: {
        label:
          q.basis === 'expanded'
            ? { zh: '人（扩样估计）', en: 'people (expanded)' }
            : { zh: '人（样本）', en: 'people (sample)' },
        type: 'value',
      },
      series: [
        {
          name:
            q.basis === 'expanded'
              ? { zh: '扩样估计', en: 'Expanded estimate' }
              : { zh: '样本', en: 'Sample' },
          type: 'bar',
          data: o.byProvince.map((p) => denominator(p, q.basis)),
        },
      ],
    },
    {
      kind: 'chart',
      id: 'daily',
      title: { zh: '每日迁出', en: 'Daily outflow' },
      x: {
        label: { zh: '到达日期', en: 'Arrival day' },
        type: 'category',
        categories: o.daily.map((d) => d.date),
      },
      y: { label: PEOPLE, type: 'value' },
      series: [
        { name: { zh: '样本', en: 'Sample' }, type: 'line', data: o.daily.map((d) => d.count) },
        {
          name: { zh: '扩样估计', en: 'Expanded estimate' },
          type: 'line',
          data: o.daily.map((d) => d.expanded?.value ?? null),
        },
      ],
      note: { zh: '空缺：当日被抑制（低于 k）。', en: 'Gaps: the day is suppressed (below k).' },
    },
    {
      kind: 'table',
      id: 'cities',
      title: { zh: '主要目的地城市（前 20）', en: 'Top destination cities (first 20)' },
      columns: [
        { key: 'name', label: { zh: '城市', en: 'City' } },
        { key: 'province', label: { zh: '省份', en: 'Province' } },
        ...arrivalColumns(),
      ],
      rows: o.destinations.slice(0, 20).map((d) => ({
        code: d.code,
        name: `${d.name} / ${d.nameEn}`,
        province: d.provinceName,
        ...arrivalCells(d, k),
      })),
      note: {
        zh: `共 ${o.destinations.length} 个目的地城市；被抑制的排在已发布的之后，按代码排序。`,
        en: `${o.destinations.length} destination cities in all; suppressed ones come after the published ones, by code.`,
      },
    },
    ...(await fitSections(duck, q, k, naming)),
  ];
  return {
    title: {
      zh: `${originName.zh}迁出人口按省份分布（${formatDay(q.from, 'zh')} 至 ${formatDay(q.to, 'zh')}）`,
      en: `Outflow from ${originName.en} by province (${formatDay(q.from, 'en')} to ${formatDay(q.to, 'en')})`,
    },
    sections,
    definitions: [
      ...SAMPLE_DEFINITIONS,
      {
        term: { zh: '确诊病例', en: 'Confirmed cases' },
        text: {
          zh: `病例登记中的确诊病例，按病例所在城市（只有区县时按其城市）计数，截至 ${q.casesTo ? formatDay(q.casesTo, 'zh') : '登记中的全部'}；出发城市自身的病例不计入。卫生部门公布的数字，原样显示。`,
          en: `Confirmed cases of the case registry, counted by the case's city (its county's city when only the county is given), up to ${q.casesTo ? formatDay(q.casesTo, 'en') : 'every case of the registry'}; the origin city's own cases are not counted. The health authority's bulletin figures, shown as they are.`,
        },
      },
      {
        term: RATIO_UNIT,
        text: {
          zh: `病例数 / ${q.basis === 'expanded' ? '扩样估计' : '样本'}到达人数 × 10,000。2020年的平台把这个比值标为“发病率（%）”，这是错的：它不是百分比（分母是到达人数，比值乘的是一万而不是一百），也不是发病率（分子是目的地全部病例，不只是到达者中的病例，且没有时间段）。`,
          en: `Cases / ${q.basis === 'expanded' ? 'expanded' : 'sample'} arrivals × 10,000. The 2020 platform labelled this ratio an "incidence (%)", which was wrong: it is not a percentage (it is scaled by ten thousand, not a hundred) and not an incidence (the numerator is every case of the destination, not cases among the arrivals, over no stated period).`,
        },
      },
      {
        term: { zh: '风险源拟合', en: 'Risk-source fit' },
        text: {
          zh: '按 Jia 等（2020）：各目的地城市的确诊病例对来自出发城市的已发布迁出人数做最小二乘回归（默认双对数）；病例数高于 90% 预测区间上限的城市标为可能存在本地传播。',
          en: 'After Jia et al. (2020): ordinary least squares of the confirmed cases of each destination city on its published outflow from the origin (log-log by default); a city above the upper bound of the 90% prediction interval is flagged as likely local transmission.',
        },
      },
    ],
    sources: [SOURCES.operator, SOURCES.registry, SOURCES.census, SOURCES.jia, SOURCES.cellKey],
  };
}
