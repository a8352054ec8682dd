import { formatDay } from './render-format.ts';
import { z } from 'zod';
import type { Duck } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import type { AreaLevel } from '../risk/areas.ts';
import type { RiskLevel } from '../risk/levels.ts';
import { alertsOf, indexOf, levelsOf, riskKProblem, riskMeta } from '../risk/query.ts';
import type { RiskMeta } from '../risk/query.ts';
import { COMPONENTS } from '../risk/risk-index.ts';
import { isoDate } from '../server/validate.ts';
import { SOURCES, cellOf, names, round } from './data-common.ts';
import type { Report, Section, Text } from './model.ts';

/** Parameters of the risk report: the city is required, the day defaults to the last data day. */
export const RiskParams = z.object({
  city: z.string().regex(/^\d{6}$/, 'expected a 6-digit city code'),
  day: isoDate.optional(),
});

export interface RiskRequest {
  city: string;
  day: string;
}

/** The risk tables' options, or why there are none (no tables, or protected with a smaller k than asked). */
export async function riskMetaFor(
  duck: Duck,
  k: number,
): Promise<{ meta: RiskMeta | null; problem: string | null }> {
  try {
    const meta = await riskMeta(duck);
    const problem = riskKProblem(meta, k);
    if (problem) return { meta: null, problem };
    return { meta, problem: null };
  } catch (e) {
    if (e instanceof UserError) return { meta: null, problem: e.message };
    throw e;
  }
}

export const LEVEL_NAMES: Record<RiskLevel, Text> = {
  high: { zh: '高风险', en: 'High' },
  medium: { zh: '中风险', en: 'Medium' },
  low: { zh: '低风险', en: 'Low' },
};

const AREA_NAMES: Record<AreaLevel, Text> = {
  county: { zh: '区县', en: 'Counties' },
  street: { zh: '街道', en: 'Streets' },
  community: { zh: '社区', en: 'Communities' },
};

const COMPONENT_NAMES: Record<(typeof COMPONENTS)[number], Text> = {
  cases: { zh: '病例', en: 'Cases' },
  companions: { zh: '同行者', en: 'Companions' },
  inflow: { zh: '输入', en: 'Inflow' },
  density: { zh: '人群密度', en: 'Density' },
};

const DAY_MS = 86_400_000;

/**
 * The risk report of a city on a day: area levels per class and the medium and high areas (/api/risk/levels),
 * the alerts since the day before (/api/risk/alerts), the index's top areas with components and weights
 * (/api/risk/index): the same functions, the same published counts.
 */
export async function riskReport(
  duck: Duck,
  q: RiskRequest,
  k: number,
): Promise<Pick<Report, 'title' | 'sections' | 'definitions' | 'sources'>> {
  const city = names(q.city);
  const title = {
    zh: `${city.zh}风险等级（${formatDay(q.day, 'zh')}）`,
    en: `Risk levels, ${city.en} (${formatDay(q.day, 'en')})`,
  };
  const { meta, problem } = await riskMetaFor(duck, k);
  const definitions = riskDefinitions();
  const sources = [SOURCES.operator, SOURCES.registry, SOURCES.cellKey];
  if (!meta)
    return {
      title,
      sections: [
        {
          kind: 'text',
          id: 'problem',
          text: { zh: `无风险数据：${problem}`, en: `No risk data: ${problem}` },
        },
      ],
      definitions,
      sources,
    };
  const sections: Section[] = [];
  for (const level of ['county', 'street', 'community'] as const) {
    const areas = await levelsOf(duck, { city: q.city, day: q.day, level, k });
    if (level !== 'county' && areas.length === 0) continue;
    const count = (r: RiskLevel): number => areas.filter((a) => a.risk === r).length;
    sections.push({
      kind: 'figures',
      id: `levels-${level}`,
      title: { zh: `${AREA_NAMES[level].zh}风险等级`, en: `${AREA_NAMES[level].en}: risk levels` },
      items: (['high', 'medium', 'low'] as const).map((r) => ({
        key: r,
        label: LEVEL_NAMES[r],
        value: count(r),
        unit: AREA_NAMES[level],
      })),
    });
    sections.push({
      kind: 'table',
      id: `areas-${level}`,
      title: {
        zh: `中、高风险${AREA_NAMES[level].zh}`,
        en: `${AREA_NAMES[level].en} at medium and high risk`,
      },
      columns: [
        { key: 'name', label: { zh: '地区', en: 'Area' } },
        { key: 'risk', label: { zh: '等级', en: 'Level' } },
        { key: 'cumulative', label: { zh: '累计病例', en: 'Cumulative cases' }, basis: 'registry' },
        { key: 'new14', label: { zh: '14 天新增', en: 'New in 14 days' }, basis: 'registry' },
        { key: 'cluster', label: { zh: '聚集性', en: 'Cluster' } },
      ],
      rows: areas
        .filter((a) => a.risk !== 'low')
        .sort((a, b) => (a.risk === b.risk ? a.code.localeCompare(b.code) : a.risk === 'high' ? -1 : 1))
        .map((a) => ({
          code: a.code,
          name: a.name ?? a.code,
          risk: `${LEVEL_NAMES[a.risk].zh} / ${LEVEL_NAMES[a.risk].en}`,
          cumulative: cellOf({ count: a.cumulative, suppressed: a.cumulative === null }, k),
          new14: cellOf({ count: a.new14, suppressed: a.new14 === null }, k),
          cluster: a.cluster ? '是 / yes' : '否 / no',
        })),
    });
  }
  const alerts = await alertsOf(duck, q);
  const before = new Date(Date.parse(`${q.day}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
  sections.push({
    kind: 'table',
    id: 'alerts',
    title: { zh: `${before} 以来的变化`, en: `Changes since ${before}` },
    columns: [
      { key: 'name', label: { zh: '地区', en: 'Area' } },
      { key: 'level', label: { zh: '层级', en: 'Level' } },
      { key: 'what', label: { zh: '项目', en: 'What' } },
      { key: 'from', label: { zh: '原为', en: 'From' } },
      { key: 'to', label: { zh: '现为', en: 'To' } },
    ],
    rows: alerts.map((a) => ({
      code: a.code,
      name: a.name ?? a.code,
      level: a.level,
      what: a.what,
      from: a.from,
      to: a.to,
    })),
  });
  const index = (await indexOf(duck, { city: q.city, day: q.day, level: 'county' })).slice(0, 10);
  sections.push({
    kind: 'figures',
    id: 'weights',
    title: { zh: '风险指数的权重', en: 'Weights of the risk index' },
    items: COMPONENTS.map((c) => ({ key: c, label: COMPONENT_NAMES[c], value: meta.weights[c], digits: 2 })),
  });
  sections.push({
    kind: 'table',
    id: 'index',
    title: { zh: '风险指数最高的区县（前 10）', en: 'Counties with the highest risk index (first 10)' },
    columns: [
      { key: 'name', label: { zh: '区县', en: 'County' } },
      {
        key: 'index',
        label: { zh: '指数', en: 'Index' },
        unit: { zh: '0-100', en: '0-100' },
        basis: 'derived',
        digits: 1,
      },
      { key: 'warning', label: { zh: '预警', en: 'Warning' } },
      ...COMPONENTS.map((c) => ({
        key: c,
        label: COMPONENT_NAMES[c],
        unit: { zh: '归一化 0-1', en: 'normalised 0-1' },
        basis: 'derived' as const,
        digits: 2,
      })),
    ],
    rows: index.map((a) => ({
      code: a.code,
      name: a.name ?? a.code,
      index: round(a.index, 1),
      warning: a.warning,
      ...Object.fromEntries(COMPONENTS.map((c) => [c, round(a.components[c], 2)])),
    })),
  });
  return { title, sections, definitions, sources };
}

function riskDefinitions(): Report['definitions'] {
  return [
    {
      term: { zh: '地区风险等级', en: 'Area risk level' },
      text: {
        zh: '2020年国务院联防联控机制的规则，按病例登记的确诊病例（居住地）逐日计算：截至当日的 14 天内无确诊为低风险；否则累计确诊超过 50 例且 14 天内有聚集性疫情为高风险；其余为中风险。等级总是发布；病例数低于 k 时显示“< k”。',
        en: 'The 2020 national rule (State Council joint prevention and control mechanism), per day from the confirmed cases of the case registry where they live: low with no case confirmed in the 14 days ending with the day; otherwise high with more than 50 cumulative cases and a cluster within 14 days; otherwise medium. Levels are always published; case counts below k show as "< k".',
      },
    },
    {
      term: { zh: '风险指数', en: 'Risk index' },
      text: {
        zh: '0-100：四个归一化分量（病例、同行者、输入、人群密度）的加权平均 × 100；预警：红 ≥ 75，橙 ≥ 50，黄 ≥ 25，蓝 ≥ 10。',
        en: '0-100: 100 x the weighted mean of four normalised components (cases, companions, inflow, density); warnings: red >= 75, orange >= 50, yellow >= 25, blue >= 10.',
      },
    },
  ];
}
