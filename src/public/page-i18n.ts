/** The public page's words in Chinese (the default) and English (issue 17). */
import type { RiskLevel } from '../risk/levels.ts';

export type PublicLang = 'zh' | 'en';

const zh = {
  htmlLang: 'zh-CN',
  title: '疫情风险公开信息',
  other: 'English',
  synthetic: '合成数据：本页数字来自模拟，不是真实疫情',
  asOf: (d: string) => `数据截至 ${d}`,
  level: { high: '高风险', medium: '中风险', low: '低风险' } as Record<RiskLevel, string>,
  areasTitle: '中、高风险地区（区县）',
  areasNone: '目前没有中、高风险区县。',
  areasCount: (high: number, medium: number) => `高风险区县 ${high} 个，中风险区县 ${medium} 个`,
  cumulative: '累计确诊',
  new14: '14天内新增',
  citiesTitle: '各城市风险等级',
  cityLevelNote: '城市的风险等级取其所辖区县中最高的等级；括号内为各等级的区县数。',
  city: '城市',
  cityLevel: '等级',
  counties: '区县数（高 / 中 / 低）',
  lowCities: (n: number) => `其余 ${n} 个城市均为低风险`,
  countyTitle: '城市所辖区县',
  county: '区县',
  show: '查看',
  forecastTitle: '确诊病例预测（基准情景）',
  region: '地区',
  forecastNone: '暂无可公开的预测。',
  chartNote:
    '实线为中位数，深色带为50%区间，浅色带为90%区间，圆点为每日观察到的确诊数（少于 k 的天数不显示，留空）。',
  horizon: '预测天数',
  targetDay: '日期',
  median: '中位数（90%区间）',
  days: (h: number) => `${h} 天`,
  observedLast: '最后观察日',
  suppressed: (k: number) => `< ${k}`,
  definitionsTitle: '说明',
  definitions: [
    '区县风险等级按2020年2月国务院联防联控机制的规则：14天内无新增确诊为低风险；累计确诊超过50例且14天内有聚集性疫情为高风险；其余为中风险。病例按居住地计入区县。',
    '城市等级为其区县中最高的等级。只发布区县及以上层级，不发布街道、社区。',
    '预测为模型输出（集合卡尔曼滤波拟合的传播模型，基准情景，不假设新的出行限制），只对确诊数不少于 k 的城市以及省、全国汇总发布。',
  ],
  privacyTitle: '隐私保护',
  privacy: (k: number) =>
    `本页只含汇总数字，没有任何个人信息。少于 k = ${k} 的数字不发布（显示为“< ${k}”）；只显示最新一天的数据。`,
  sources: '数据来源：卫生健康部门的病例登记；运营商的去标识化位置记录（用于病例居住地）；2020年人口普查。',
  noRisk: '暂无风险等级数据。',
  k: 'k',
};

/** Every word of the page; English has the same keys. */
export type Strings = typeof zh;

const en: Strings = {
  htmlLang: 'en',
  title: 'Epidemic risk: public information',
  other: '中文',
  synthetic: 'SYNTHETIC DATA: the figures on this page come from a simulation, not a real epidemic',
  asOf: (d: string) => `Data as of ${d}`,
  level: { high: 'High risk', medium: 'Medium risk', low: 'Low risk' },
  areasTitle: 'Medium and high-risk areas (counties)',
  areasNone: 'No county is at medium or high risk.',
  areasCount: (high: number, medium: number) => `${high} high-risk and ${medium} medium-risk counties`,
  cumulative: 'cumulative confirmed',
  new14: 'new in 14 days',
  citiesTitle: 'Risk level of each city',
  cityLevelNote:
    "A city's level is the highest level of its counties; the numbers are how many of its counties are at each level.",
  city: 'City',
  cityLevel: 'Level',
  counties: 'Counties (high / medium / low)',
  lowCities: (n: number) => `The other ${n} cities are all at low risk`,
  countyTitle: "A city's counties",
  county: 'County',
  show: 'Show',
  forecastTitle: 'Forecast of confirmed cases (baseline scenario)',
  region: 'Region',
  forecastNone: 'No forecast may be published yet.',
  chartNote:
    'Line: median; dark band: 50% interval; light band: 90% interval; dots: confirmed cases observed per day (days below k are not shown and left blank).',
  horizon: 'Days ahead',
  targetDay: 'Date',
  median: 'Median (90% interval)',
  days: (h: number) => `${h} days`,
  observedLast: 'Last observed day',
  suppressed: (k: number) => `< ${k}`,
  definitionsTitle: 'About these figures',
  definitions: [
    'County risk levels follow the national rule of February 2020 (State Council joint prevention and control mechanism): low when no case was confirmed in 14 days; high with more than 50 cumulative cases and a cluster within 14 days; medium otherwise. Cases count where they live.',
    "A city's level is the highest level of its counties. Only counties and larger areas are published, never streets or communities.",
    'Forecasts are model output (a transmission model fitted with an ensemble Kalman filter, baseline scenario: no new travel restriction assumed), published only for cities with at least k confirmed cases and for provinces and the country.',
  ],
  privacyTitle: 'Privacy',
  privacy: (k: number) =>
    `This page holds aggregates only, nothing about any individual. Counts below k = ${k} are not published (shown as "< ${k}"); only the latest day is shown.`,
  sources:
    "Sources: the health authority's case registry; the operator's pseudonymised location records (for where cases live); the 2020 census.",
  noRisk: 'No risk levels yet.',
  k: 'k',
};

/** The page's words in `lang`. */
export function strings(lang: PublicLang): Strings {
  return lang === 'en' ? en : zh;
}
