import { formatDay } from './render-format.ts';
import { z } from 'zod';
import type { Duck } from '../db/duck.ts';
import type { Naming } from '../pipeline/flows.ts';
import { returnees } from '../pipeline/returnees.ts';
import { peopleCells } from '../risk/people-cells.ts';
import { RISK_KINDS } from '../risk/people.ts';
import type { RiskKind } from '../risk/people.ts';
import { isoDate } from '../server/validate.ts';
import { PEOPLE, SAMPLE_DEFINITIONS, SOURCES, cellOf, names } from './data-common.ts';
import type { Report, Text } from './model.ts';

const cityCode = z.string().regex(/^\d{6}$/, 'expected a 6-digit city code');

/** Parameters of the returnees report: the city is required; source, from and to default to the epicentre and data days. */
export const ReturneesParams = z.object({
  city: cityCode,
  source: cityCode.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});

export interface ReturneesRequest {
  city: string;
  source: string;
  from: string;
  to: string;
}

export const KIND_NAMES: Record<RiskKind, Text> = {
  confirmed: { zh: '确诊病例', en: 'Confirmed cases' },
  suspected: { zh: '疑似病例', en: 'Suspected cases' },
  companion: { zh: '密切接触者（同行者）', en: 'Companions of confirmed cases' },
};

/**
 * The "returnees and high-risk people" report for a city: returnees from the source as /api/flows/returnees
 * answers them, and the high-risk people resident in the city by the last day, per kind and county, as
 * published cells (src/risk/people-cells.ts). Nothing individual.
 */
export async function returneesReport(
  duck: Duck,
  q: ReturneesRequest,
  k: number,
  naming: Naming,
): Promise<Pick<Report, 'title' | 'sections' | 'definitions' | 'sources'>> {
  const r = await returnees(
    duck,
    { level: 'city', home: q.city, source: q.source, from: q.from, to: q.to, k },
    naming,
  );
  const people = await peopleCells(duck, { city: q.city, day: q.to, k });
  const city = names(q.city);
  const source = names(q.source);
  const kindColumns = RISK_KINDS.map((kind) => ({
    key: kind,
    label: KIND_NAMES[kind],
    unit: PEOPLE,
    basis: 'sample' as const,
  }));
  return {
    title: {
      zh: `${city.zh}返乡人员与高风险人员（自${source.zh}，${formatDay(q.from, 'zh')} 至 ${formatDay(q.to, 'zh')}）`,
      en: `Returnees and high-risk people, ${city.en} (from ${source.en}, ${formatDay(q.from, 'en')} to ${formatDay(q.to, 'en')})`,
    },
    sections: [
      {
        kind: 'figures',
        id: 'headline',
        title: { zh: '概况', en: 'Overview' },
        items: [
          {
            key: 'returnees',
            label: { zh: '返乡人员（样本）', en: 'Returnees (sample)' },
            value: cellOf(r.total, k),
            unit: PEOPLE,
            basis: 'sample',
          },
          {
            key: 'expanded',
            label: { zh: '返乡人员（扩样估计）', en: 'Returnees (expanded estimate)' },
            value: r.total.expanded?.value ?? null,
            unit: PEOPLE,
            basis: 'expanded',
          },
          {
            key: 'expandedLo',
            label: { zh: '扩样估计 95% 下限', en: 'Expanded, 95% low' },
            value: r.total.expanded?.lo ?? null,
            unit: PEOPLE,
            basis: 'expanded',
          },
          {
            key: 'expandedHi',
            label: { zh: '扩样估计 95% 上限', en: 'Expanded, 95% high' },
            value: r.total.expanded?.hi ?? null,
            unit: PEOPLE,
            basis: 'expanded',
          },
          ...RISK_KINDS.map((kind) => ({
            key: kind,
            label: KIND_NAMES[kind],
            value: cellOf(people.total[kind], k),
            unit: PEOPLE,
            basis: 'sample' as const,
          })),
        ],
        note: {
          zh: `高风险人员为截至 ${formatDay(q.to, 'zh')} 平台已知、居住在${city.zh}的人数（各区县单元之和，被抑制的区县不计入）。`,
          en: `High-risk people: those known to the platform by ${formatDay(q.to, 'en')} and resident in ${city.en} (sums of the county cells; suppressed counties are in no figure).`,
        },
      },
      {
        kind: 'chart',
        id: 'daily-chart',
        title: { zh: '每日返乡人员', en: 'Returnees per day' },
        x: {
          label: { zh: '返回日期', en: 'Day of return' },
          type: 'category',
          categories: r.daily.map((d) => d.date),
        },
        y: { label: PEOPLE, type: 'value' },
        series: [
          { name: { zh: '样本', en: 'Sample' }, type: 'line', data: r.daily.map((d) => d.count) },
          {
            name: { zh: '扩样估计', en: 'Expanded estimate' },
            type: 'line',
            data: r.daily.map((d) => d.expanded?.value ?? null),
          },
        ],
        note: { zh: '空缺：当日被抑制（低于 k）。', en: 'Gaps: the day is suppressed (below k).' },
      },
      {
        kind: 'table',
        id: 'daily',
        title: { zh: '每日返乡人员', en: 'Returnees per day' },
        columns: [
          { key: 'date', label: { zh: '日期', en: 'Day' } },
          { key: 'returnees', label: { zh: '返乡人员', en: 'Returnees' }, unit: PEOPLE, basis: 'sample' },
          {
            key: 'expanded',
            label: { zh: '扩样估计', en: 'Expanded estimate' },
            unit: PEOPLE,
            basis: 'expanded',
          },
        ],
        rows: r.daily.map((d) => ({
          date: d.date,
          returnees: cellOf(d, k),
          expanded: d.expanded?.value ?? null,
        })),
      },
      {
        kind: 'table',
        id: 'people',
        title: { zh: '高风险人员（按居住区县）', en: 'High-risk people by county of residence' },
        columns: [{ key: 'name', label: { zh: '区县', en: 'County' } }, ...kindColumns],
        rows: [
          ...people.counties.map((c) => {
            const n = names(c.code);
            return {
              code: c.code,
              name: `${n.zh} / ${n.en}`,
              ...Object.fromEntries(RISK_KINDS.map((kind) => [kind, cellOf(c.cells[kind], k)])),
            };
          }),
          {
            code: q.city,
            name: `${city.zh} / ${city.en}`,
            ...Object.fromEntries(RISK_KINDS.map((kind) => [kind, cellOf(people.total[kind], k)])),
          },
        ],
        note: people.built
          ? {
              zh: '每个区县×类别是一个固定的受保护单元；城市一行是已发布单元之和。',
              en: 'Each county x kind is one fixed protected cell; the city row is the sum of the published cells.',
            }
          : {
              zh: "工作区尚无风险表：请运行 'epitrace risk build'。",
              en: "The workspace has no risk tables yet: run 'epitrace risk build'.",
            },
      },
    ],
    definitions: [
      ...SAMPLE_DEFINITIONS,
      {
        term: { zh: '返乡人员', en: 'Returnees' },
        text: {
          zh: `在${city.zh}停留、随后到${source.zh}、再回到${city.zh}的样本用户，回程在出发后 30 天内，按返回日期计数；扩样用居住城市（${city.zh}）的系数。`,
          en: `Sample subscribers with a stay in ${city.en}, then in ${source.en}, then back in ${city.en}, the return within 30 days of the departure, counted on the day of return; expanded with the factor of the home city (${city.en}).`,
        },
      },
      {
        term: { zh: '高风险人员', en: 'High-risk people' },
        text: {
          zh: '病例登记中与样本用户匹配的确诊和疑似病例，以及确诊病例的同行者（确诊前 15 天内同一基站累计 ≥ 60 分钟）；按居住区县（夜间停留最久）计数；一人可同时属于多个类别。',
          en: 'Confirmed and suspected cases of the case registry matched to a sample subscriber, and companions of confirmed cases (>= 60 minutes in total at the same cell within the 15 days ending with the confirmation); counted by county of residence (most night-time hours); one person may be in more than one kind.',
        },
      },
    ],
    sources: [SOURCES.operator, SOURCES.registry, SOURCES.census, SOURCES.cellKey],
  };
}
