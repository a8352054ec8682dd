// Strings of the risk, forecast, tracing, admin and map-layers views added for issue 16 (the older ones stay in
// i18n.ts). Chinese is the default language; every key exists in both tables.
import { useContext } from 'react';
import { dayText } from './format.ts';
import { LangContext } from './i18n.ts';
import type { Lang } from './i18n.ts';

const en = {
  // Map layers.
  layersLegendCensus: 'Resident population, 2020 census (people)',
  layersLegendSynthetic: 'Synthetic population (people)',
  layersNoData: 'No data (no census count)',
  layersNoDataWhere: 'Taiwan, Hong Kong and Macao (and Kinmen county) have no census count here.',
  layersClassRegions: (n: number) => `${n} regions`,
  layersSource: (day: string) =>
    `Source: 7th National Population Census (National Bureau of Statistics of China), county counts summed ` +
    `to cities and provinces; census reference day ${day}.`,
  layersSyntheticSource:
    'Synthetic population: each community gets a share of its county’s census population in proportion to ' +
    'its area (uniform density assumed). Not real figures.',
  layersLabels: {
    province: 'Names: every province is labelled.',
    city: 'Names: the most populous cities (two darkest classes) where they fit; hover over any city for its name.',
    county: 'Names: hover over a county (zoom in with the mouse wheel to find small ones).',
    community: 'Names: hover over a community.',
  },
  layersCode: 'Code',
  layersPopulation: 'Population',
  layersPeople: (n: string) => `${n} people`,
  layersNoFigures: 'This layer has no figures: boundaries only.',
  colNameZh: 'Name (Chinese)',
  colNameEn: 'Name (English)',
  colCode: 'Code',
  colSuppressed: 'Suppressed (below k)',
  colLower: 'Lower bound',
  colUpper: 'Upper bound',
  colFlagged: 'Above the upper bound',
  sourcesProblem:
    'too few destinations with both outflow and cases to fit; choose a longer date range or the linear model.',
  indexComponents: {
    cases: 'Cases present',
    companions: 'Companions present',
    inflow: 'Inflow from places with cases',
    density: 'Density',
  } as Record<string, string>,
  indexNote:
    'Each component is normalised to 0–1 over the areas; index = 100 × weighted mean (0–100). Warning thresholds: ' +
    'red ≥ 75, orange ≥ 50, yellow ≥ 25, blue ≥ 10.',
  heatmapHourText: (day: string, hour: string) => `${day} ${hour}:00 (UTC+8)`,
  heatmapLegend: 'People present per area (published areas; below k not shown)',
  alertsColumns: { level: 'Level', area: 'Area', what: 'What changed', from: 'Before', to: 'After' },
  colLon: 'Longitude',
  colLat: 'Latitude',
  // The model's symbols as the paper writes them (Li et al. 2020, Science 368:489): Greek letters, in both languages.
  fcParamNames: {
    Rt: 'Rt (effective reproduction number)',
    alpha: 'α (reported fraction)',
    latentDays: 'Z (latent period, days)',
    infectiousDays: 'D (infectious period, days)',
    beta: 'β (transmission rate, per day)',
    mu: 'μ (relative transmissibility, unreported)',
    theta: 'θ (travel factor)',
  } as Record<string, string>,
  fcTarget: 'Target day',
  fcHorizon: 'Days ahead',
  fcParameter: 'Parameter',
  fcDay: 'Day',
  fcMean: 'Ensemble mean',
  tracingExportNote: 'Each export asks the server again and is written to the audit log.',
  createdAt: 'Created',
  allRegions: 'all regions (*)',
  auditDetailNote: 'Detail: the entry exactly as recorded (JSON), as the chain of hashes covers it.',
  auditActions: {
    'account.create': 'account created',
    'account.disable': 'account disabled',
    'account.passwd': 'new password',
    'account.renew': 'account renewed',
    'flows.inflow': 'inflow query',
    'flows.outflow': 'outflow query',
    'flows.returnees': 'returnees query',
    'flows.scale': 'migration scale query',
    'forecast.params': 'forecast parameters',
    'forecast.runs': 'forecast runs',
    'forecast.series': 'forecast series',
    'risk.alerts': 'risk alerts',
    'risk.heatmap': 'risk heatmap',
    'risk.hours': 'risk hours',
    'risk.index': 'risk index',
    'risk.levels': 'risk levels',
    'risk.sources': 'risk sources',
    'trace.cases': 'case list',
    'trace.companions': 'companion search',
    'trace.trajectory': 'trajectory',
  } as Record<string, string>,
  levelsNoLevel: 'no level (not listed)',
  emptyLevels: 'No area of this city has a risk level on this day: choose another day or level.',
  emptyIndex: 'No area of this city has an index on this day: choose another day or level.',
};

export type ViewsStrings = typeof en;

const zh: ViewsStrings = {
  layersLegendCensus: '常住人口（2020 年第七次全国人口普查，人）',
  layersLegendSynthetic: '合成人口（人）',
  layersNoData: '无数据（无普查人口）',
  layersNoDataWhere: '台湾、香港、澳门（及金门县）在此无普查人口数据。',
  layersClassRegions: (n: number) => `${n} 个区域`,
  layersSource: (day: string) =>
    `来源：第七次全国人口普查（国家统计局），县级人口汇总至地市和省；普查标准时点 ${day}。`,
  layersSyntheticSource:
    '合成人口：每个社区按面积占其所在县区普查人口的相应份额（假定人口密度均匀），并非真实数字。',
  layersLabels: {
    province: '名称：显示全部省份名称。',
    city: '名称：空间允许处显示人口最多两档城市的名称；鼠标悬停可查看任一城市。',
    county: '名称：鼠标悬停于县区上查看（滚动鼠标滚轮放大以查找较小县区）。',
    community: '名称：鼠标悬停于社区上查看。',
  },
  layersCode: '代码',
  layersPopulation: '人口',
  layersPeople: (n: string) => `${n} 人`,
  layersNoFigures: '此图层无数值数据，仅显示边界。',
  colNameZh: '名称',
  colNameEn: '英文名称',
  colCode: '代码',
  colSuppressed: '已抑制（少于 k）',
  colLower: '下限',
  colUpper: '上限',
  colFlagged: '高于上限',
  sourcesProblem: '同时有迁出和病例的目的地太少，无法拟合；请选择更长的日期范围或改用线性模型。',
  indexComponents: {
    cases: '在场病例',
    companions: '在场伴随者',
    inflow: '来自有病例地区的流入',
    density: '人口密度',
  } as Record<string, string>,
  indexNote:
    '各分项在各区域间归一化到 0–1；指数 = 100 × 加权平均（0–100）。预警阈值：红色 ≥ 75，橙色 ≥ 50，黄色 ≥ 25，蓝色 ≥ 10。',
  heatmapHourText: (day: string, hour: string) => `${day} ${hour}:00（北京时间）`,
  heatmapLegend: '各区域在场人数（已公布区域；少于 k 的不显示）',
  alertsColumns: { level: '层级', area: '区域', what: '变化内容', from: '变化前', to: '变化后' },
  colLon: '经度',
  colLat: '纬度',
  fcParamNames: {
    Rt: 'Rt（有效再生数）',
    alpha: 'α（报告比例）',
    latentDays: 'Z（潜伏期，天）',
    infectiousDays: 'D（传染期，天）',
    beta: 'β（传播率，每天）',
    mu: 'μ（未报告感染者相对传染性）',
    theta: 'θ（出行系数）',
  } as Record<string, string>,
  fcTarget: '目标日期',
  fcHorizon: '预测天数',
  fcParameter: '参数',
  fcDay: '日期',
  fcMean: '集合均值',
  tracingExportNote: '每次导出都会重新向服务器请求，并记入审计日志。',
  createdAt: '创建时间',
  allRegions: '全部地区（*）',
  auditDetailNote: '详情：按记录原样显示（JSON），与哈希链所覆盖的内容一致。',
  auditActions: {
    'account.create': '创建账户',
    'account.disable': '停用账户',
    'account.passwd': '重置密码',
    'account.renew': '账户续期',
    'flows.inflow': '迁入查询',
    'flows.outflow': '迁出查询',
    'flows.returnees': '返乡人员查询',
    'flows.scale': '迁徙规模指数查询',
    'forecast.params': '预测参数',
    'forecast.runs': '预测运行列表',
    'forecast.series': '预测序列',
    'risk.alerts': '风险提示',
    'risk.heatmap': '风险热力图',
    'risk.hours': '风险时段',
    'risk.index': '风险指数',
    'risk.levels': '风险等级',
    'risk.sources': '风险来源',
    'trace.cases': '病例列表',
    'trace.companions': '伴随者查询',
    'trace.trajectory': '轨迹查询',
  } as Record<string, string>,
  levelsNoLevel: '无等级（未列出）',
  emptyLevels: '该城市在这一天没有任何区域的风险等级：请选择其他日期或层级。',
  emptyIndex: '该城市在这一天没有任何区域的风险指数：请选择其他日期或层级。',
};

/** The views' string tables, one per language. */
export const viewsStrings: Record<Lang, ViewsStrings> = { en, zh };

/** The views' strings in the current language. */
export function useViewsStrings(): ViewsStrings {
  return viewsStrings[useContext(LangContext)];
}

// The synthetic areas' generated names: '硚口区 合成街道 001 (synthetic)', '江岸区 合成街道 001 社区 004 (synthetic)'.
const SYNTHETIC_AREA = /^(\S+) 合成街道 (\d+)(?: 社区 (\d+))?(?: \(synthetic\))?$/;

/**
 * An area's name in the page's language: a generated synthetic street or community name is written out in
 * that language ('硚口区 合成街道 001（合成）' / '硚口区 synthetic street 001'; the county's Chinese name, or
 * `countyEn` in English when given, stays as a place name); any other name is returned as it is.
 */
export function areaName(name: string, lang: Lang, countyEn?: string): string {
  const m = SYNTHETIC_AREA.exec(name);
  if (!m) return name;
  const [, county = '', street = '', community] = m;
  if (lang === 'zh') return `${county} 合成街道 ${street}${community ? ` 社区 ${community}` : ''}（合成）`;
  return `${countyEn || county} synthetic street ${street}${community ? `, community ${community}` : ''}`;
}

/** A place's name in the page's language: the English name in English when there is one, else the Chinese. */
export function placeName(lang: Lang, name: string, nameEn: string | undefined): string {
  return lang === 'en' && nameEn ? nameEn : name;
}

/**
 * A wall-clock time of the data ('2020-01-10 08:30:00', China Standard Time as the tables store it) in the page's
 * language: '2020年1月10日 08:30' / '10 Jan 2020 08:30'; a bare day via dayText; anything else unchanged.
 */
export function wallText(s: string, lang: Lang): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}))?/.exec(s);
  if (!m?.[1]) return s;
  return m[2] ? `${dayText(m[1], lang)} ${m[2]}` : dayText(m[1], lang);
}
