import type { Duck } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import type { Naming } from '../pipeline/flows.ts';
import { platformFit } from '../risk/sources-platform.ts';
import { PEOPLE, round } from './data-common.ts';
import type { OutflowRequest } from './data-outflow.ts';
import type { Section, Text } from './model.ts';

/** The outflow report's risk-source fit (Jia et al. 2020): the answer of /api/risk/sources as report sections. */

const WHY: Record<string, Text> = {
  suppressed: { zh: '迁出低于 k（被抑制）', en: 'outflow below k (suppressed)' },
  'no-outflow': { zh: '无迁出（双对数需要迁出 > 0）', en: 'no outflow (log-log needs outflow > 0)' },
  'no-cases': { zh: '无病例（双对数需要病例 > 0）', en: 'no cases (log-log needs cases > 0)' },
  epicentre: { zh: '出发城市', en: 'the origin' },
};

/** The risk-source fit of /api/risk/sources (platformFit), or its problem as text. */
export async function fitSections(
  duck: Duck,
  q: OutflowRequest,
  k: number,
  naming: Naming,
): Promise<Section[]> {
  const title: Text = { zh: '风险源拟合（Jia 等 2020）', en: 'Risk-source fit (Jia et al. 2020)' };
  let r: Awaited<ReturnType<typeof platformFit>>;
  try {
    r = await platformFit(
      duck,
      { origin: q.origin, from: q.from, to: q.to, casesTo: q.casesTo ?? undefined, k },
      q.model,
      naming,
    );
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return [
      {
        kind: 'text',
        id: 'fit-problem',
        title,
        text: { zh: `无法拟合：${e.message}`, en: `No fit: ${e.message}` },
      },
    ];
  }
  const excluded = new Map<string, number>();
  for (const x of r.excluded) excluded.set(x.why, (excluded.get(x.why) ?? 0) + 1);
  const byX = [...r.points].sort((a, b) => a.outflow - b.outflow);
  const line = (v: (p: (typeof byX)[number]) => number): [number, number][] =>
    byX.map((p) => [p.outflow, round(v(p), 3)!]);
  return [
    {
      kind: 'figures',
      id: 'fit',
      title,
      items: [
        {
          key: 'model',
          label: { zh: '模型', en: 'Model' },
          value: q.model === 'loglog' ? 'log-log' : 'linear',
        },
        { key: 'n', label: { zh: '城市数 n', en: 'Cities n' }, value: r.n },
        {
          key: 'slope',
          label: { zh: '斜率', en: 'Slope' },
          value: round(r.fit.slope, 3),
          digits: 3,
          basis: 'model',
        },
        {
          key: 'intercept',
          label: { zh: '截距', en: 'Intercept' },
          value: round(r.fit.intercept, 3),
          digits: 3,
          basis: 'model',
        },
        {
          key: 'r',
          label: { zh: '相关系数 r', en: 'r' },
          value: round(r.fit.r, 3),
          digits: 3,
          basis: 'model',
        },
        { key: 'r2', label: { zh: 'R²', en: 'R²' }, value: round(r.fit.r2, 3), digits: 3, basis: 'model' },
        {
          key: 'flagged',
          label: { zh: '标记城市数', en: 'Flagged cities' },
          value: r.points.filter((p) => p.flagged).length,
        },
      ],
    },
    {
      kind: 'chart',
      id: 'fit-chart',
      title: { zh: '病例与迁出人数', en: 'Cases against outflow' },
      x: {
        label: { zh: '迁出人数（样本，已发布）', en: 'Outflow (sample, published)' },
        type: q.model === 'loglog' ? 'log' : 'value',
      },
      y: { label: { zh: '确诊病例', en: 'Confirmed cases' }, type: q.model === 'loglog' ? 'log' : 'value' },
      series: [
        {
          name: { zh: '城市', en: 'Cities' },
          type: 'scatter',
          data: r.points.map((p) => [p.outflow, p.cases]),
        },
        { name: { zh: '拟合', en: 'Fit' }, type: 'line', data: line((p) => p.predicted) },
        { name: { zh: '90% 下限', en: '90% lower bound' }, type: 'line', data: line((p) => p.lower) },
        { name: { zh: '90% 上限', en: '90% upper bound' }, type: 'line', data: line((p) => p.upper) },
      ],
    },
    {
      kind: 'table',
      id: 'fit-flagged',
      title: {
        zh: '标记的城市（高于 90% 上限：可能存在本地传播）',
        en: 'Flagged cities (above the 90% upper bound: likely local transmission)',
      },
      columns: [
        { key: 'name', label: { zh: '城市', en: 'City' } },
        { key: 'outflow', label: { zh: '迁出人数', en: 'Outflow' }, unit: PEOPLE, basis: 'sample' },
        { key: 'cases', label: { zh: '确诊病例', en: 'Confirmed cases' }, basis: 'registry' },
        { key: 'predicted', label: { zh: '拟合值', en: 'Fitted' }, basis: 'model', digits: 1 },
        { key: 'upper', label: { zh: '90% 上限', en: '90% upper' }, basis: 'model', digits: 1 },
      ],
      rows: r.points
        .filter((p) => p.flagged)
        .map((p) => ({
          code: p.code,
          name: p.name,
          outflow: p.outflow,
          cases: p.cases,
          predicted: round(p.predicted, 1),
          upper: round(p.upper, 1),
        })),
    },
    {
      kind: 'table',
      id: 'fit-excluded',
      title: { zh: '未纳入拟合的城市', en: 'Cities left out of the fit' },
      columns: [
        { key: 'reason', label: { zh: '原因', en: 'Reason' } },
        { key: 'n', label: { zh: '城市数', en: 'Cities' } },
      ],
      rows: [...excluded].map(([why, n]) => ({
        why,
        reason: `${WHY[why]?.zh ?? why} / ${WHY[why]?.en ?? why}`,
        n,
      })),
      note: {
        zh: `出发城市自身的病例 ${r.epicentreCases} 例、无地点的病例 ${r.unplacedCases} 例不参与拟合。`,
        en: `${r.epicentreCases} cases in the origin itself and ${r.unplacedCases} cases with no place are not fitted.`,
      },
    },
  ];
}
