import type { Report } from '../report/model.ts';

/** A name from data that must be escaped: if it ran, the report would not be self-contained or safe. */
export const HOSTILE_NAME = '<script>alert(1)</script>县 & "Co"';

/**
 * A hand-made outflow-like report for the renderer's tests (the data helper builds real ones): every cell
 * kind (number, text, null, suppressed), every section kind, a band chart with a gap, and enough rows for
 * two printed pages. All figures are invented.
 */
export function reportFixture(over: Partial<Report> = {}): Report {
  const days = Array.from({ length: 23 }, (_, i) => `2020-01-${String(i + 1).padStart(2, '0')}`);
  const provinces = Array.from({ length: 40 }, (_, i) => ({
    code: String(110000 + i * 10000),
    name: i === 3 ? HOSTILE_NAME : `省份${i + 1}`,
    nameEn: i === 3 ? HOSTILE_NAME : `Province ${i + 1}`,
    arrivals: i === 5 ? { lt: 3 } : 12345 + i * 1001,
    expanded: i === 5 ? null : 987654 + i * 10007,
    cases: i === 7 ? { lt: 3 } : 40 + i,
    ratio: i === 5 || i === 7 ? null : (40 + i) / ((987654 + i * 10007) / 10000),
  }));
  return {
    kind: 'outflow',
    title: { zh: '武汉市外流人员按省份分布', en: 'Outflow from Wuhan by province' },
    generatedAt: '2020-01-24T02:05:00.000Z',
    asOf: { snapshot: 7, lastDay: '2020-01-23' },
    params: { origin: '420100', from: '2020-01-01', to: '2020-01-23', basis: 'expanded' },
    synthetic: true,
    privacy: {
      k: 3,
      method: 'cell-key perturbation + suppression below k',
      note: {
        zh: '仅发布聚合数据：计数小于 k 的格子隐去，不含任何个人数据。',
        en: 'Only aggregates are published: cells below k are suppressed; no individual data.',
      },
    },
    sections: [
      {
        kind: 'figures',
        id: 'headline',
        title: { zh: '概要', en: 'Headline' },
        items: [
          {
            key: 'total',
            label: { zh: '外流人数', en: 'Outflow' },
            value: 4567890,
            unit: { zh: '人', en: 'people' },
            basis: 'sample',
          },
          {
            key: 'slope',
            label: { zh: '斜率', en: 'Slope' },
            value: 0.61234,
            digits: 3,
            basis: 'derived',
          },
          { key: 'small', label: { zh: '小格', en: 'Small cell' }, value: { lt: 3 }, basis: 'sample' },
        ],
      },
      {
        kind: 'table',
        id: 'provinces',
        title: { zh: '各省到达人数与病例', en: 'Arrivals and cases by province' },
        columns: [
          { key: 'code', label: { zh: '代码', en: 'Code' } },
          { key: 'name', label: { zh: '省份', en: 'Province' } },
          {
            key: 'arrivals',
            label: { zh: '到达人数', en: 'Arrivals' },
            unit: { zh: '人', en: 'people' },
            basis: 'sample',
          },
          { key: 'expanded', label: { zh: '扩样到达', en: 'Arrivals, expanded' }, basis: 'expanded' },
          { key: 'cases', label: { zh: '确诊病例', en: 'Confirmed cases' }, basis: 'registry' },
          {
            key: 'ratio',
            label: { zh: '病例比', en: 'Case ratio' },
            unit: { zh: '每万名到达者病例数', en: 'cases per 10,000 arrivals' },
            basis: 'derived',
            digits: 2,
          },
        ],
        rows: provinces.map((p) => ({
          code: p.code,
          name: p.name,
          arrivals: p.arrivals,
          expanded: p.expanded,
          cases: p.cases,
          ratio: p.ratio,
        })),
        note: { zh: '扩样按2020年人口普查。', en: 'Expanded with the 2020 census.' },
      },
      {
        kind: 'chart',
        id: 'daily',
        title: { zh: '每日外流', en: 'Daily outflow' },
        x: { label: { zh: '日期', en: 'Day' }, type: 'category', categories: days },
        y: { label: { zh: '人', en: 'people' }, type: 'value' },
        series: [
          {
            name: { zh: '90%区间', en: '90% interval' },
            type: 'band',
            data: [],
            lower: days.map((_, i) => 900 + i * 40),
            upper: days.map((_, i) => 1300 + i * 60),
          },
          {
            name: { zh: '外流', en: 'Outflow' },
            type: 'line',
            data: days.map((_, i) => (i === 9 ? null : 1100 + i * 50)),
          },
        ],
      },
      {
        kind: 'chart',
        id: 'fit',
        title: { zh: '风险源拟合', en: 'Risk-source fit' },
        x: { label: { zh: '到达（对数）', en: 'Arrivals (log)' }, type: 'log' },
        y: { label: { zh: '病例（对数）', en: 'Cases (log)' }, type: 'log' },
        series: [
          {
            name: { zh: '目的地', en: 'Destinations' },
            type: 'scatter',
            data: provinces.map((_, i) => [1000 + i * 997, 40 + i * 3] as [number, number]),
          },
          { name: { zh: HOSTILE_NAME, en: HOSTILE_NAME }, type: 'bar', data: [] },
        ],
      },
      {
        kind: 'text',
        id: 'note',
        title: { zh: '说明', en: 'Note' },
        text: { zh: '第一段。\n\n第二段 <b>不加粗</b>。', en: 'First paragraph.\n\nSecond <b>not bold</b>.' },
      },
    ],
    definitions: [
      {
        term: { zh: '每万名到达者病例数', en: 'Cases per 10,000 arrivals' },
        text: {
          zh: '2020年平台把它称作发病率（%），这是错的。',
          en: 'The 2020 platform labelled this an incidence in %: that was wrong.',
        },
      },
    ],
    sources: [
      { zh: '运营商假名化记录（合成）', en: "The operator's pseudonymised records (synthetic)" },
      { zh: 'Jia 等，2020', en: 'Jia et al. 2020' },
    ],
    ...over,
  };
}
