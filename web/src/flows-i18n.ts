// Strings of the flows module (outflow, inflow, returnees), Chinese and English; the shell's i18n.ts keeps the rest.
import { useContext } from 'react';
import { LangContext } from './i18n.ts';
import type { Lang } from './i18n.ts';

const en = {
  nav: 'Flows',
  title: 'Population flows',
  modes: { out: 'Outflow', in: 'Inflow', returnees: 'Returnees' },
  modeTitles: {
    out: 'Outflow: where people from the region went',
    in: 'Inflow: where people in the region came from',
    returnees: 'Returnees: people who went to a place and came home',
  },
  regionLevel: 'Region',
  levels: { city: 'City', province: 'Province' },
  region: { city: 'City', province: 'Province' },
  groupBy: 'Other end by',
  unit: 'Map and charts in',
  units: { sample: 'sample people', expanded: 'expanded estimate' },
  days: 'Days',
  loading: 'Loading…',
  error: 'Error',
  synthetic: 'SYNTHETIC DATA: simulated records, not real people or movements',
  sampleLabel: "People in the operator's sample",
  expandedLabel: 'Expanded estimate for the whole population',
  interval: '95% interval',
  intervalOpen: (lo: string) => `${lo} – (no upper bound)`,
  notAvailable: 'not available',
  notAvailableWhy:
    'not available: a city of this figure has no expansion factor (no sample residents, or fewer than k)',
  totalOut: 'Total outflow',
  totalIn: 'Total inflow',
  totalReturnees: 'Returnees in total',
  suppressed: (k: number) => `< ${k} (suppressed)`,
  suppressedShort: (k: number) => `< ${k}`,
  tableNote: (k: number) =>
    `< ${k}: suppressed, fewer than k = ${k} people in each of its cells (not zero). Largest first; suppressed rows last.`,
  excludedCells: (n: number, k: number) =>
    `${n} region-day cells below k = ${k} are not included in any figure`,
  definitionsTitle: 'How these figures are made',
  defWasThere:
    'A person "was there" when their phone stayed in a city for at least 120 minutes; a trip is counted on ' +
    'its arrival date (the day the person was first there).',
  defSample:
    "Sample: people among one mobile operator's subscribers (the records we hold), not the whole population.",
  defExpansion:
    'Expanded estimate = sample count × expansion factor; expansion factor = census population of the ' +
    'origin city ÷ sample residents of that city (people whose phone spends the night there), per month. ' +
    'Returnees use the home city.',
  defInterval:
    '95% interval: the range the expanded estimate would take if the number of sample residents were 1.96 ' +
    'standard deviations (√n) lower or higher; it shows how uncertain the expansion is, not the perturbation.',
  cellsOd: 'origin city, destination city, arrival day',
  cellsReturnees: 'home city, visited city, day of return',
  perturbedNote: (k: number, bound: number, cells: string) =>
    `Disclosure control: every figure is a sum of fixed region-day cells (${cells}). Each cell with at least k = ${k} people is perturbed by the cell-key method ` +
    `(Australian Bureau of Statistics) by at most ±${bound}, the same cell always alike; cells below k are ` +
    `left out of every figure, so totals, provinces and rankings are slightly below the true flow.`,
  mapTitle: { out: 'Where they went', in: 'Where they came from' },
  mapUnavailable: 'The province map could not be loaded',
  legendUnit: { sample: 'people (sample)', expanded: 'people (expanded estimate)' },
  legendSuppressed: (k: number) => `< ${k} (suppressed)`,
  legendZero: '0 (no recorded flow)',
  legendNoData: 'no data (outside the coverage)',
  legendSelf: 'queried region',
  insetLabel: 'South China Sea islands',
  tooltipSample: 'Sample',
  tooltipExpanded: 'Expanded',
  tooltipNoData: 'no data: Taiwan, Hong Kong and Macao are outside the operator and census coverage',
  rankingTitle: { city: 'Ranking by city', province: 'Ranking by province' },
  top10: 'Top 10',
  rank: '#',
  regionCol: { city: 'City', province: 'Province' },
  province: 'Province',
  sample: 'Sample',
  expanded: 'Expanded',
  lohi: '95% interval',
  cellsBelowK: (k: number) => `Cells < ${k}`,
  dailyTitle: { out: 'Daily outflow (by arrival date)', in: 'Daily inflow (by arrival date)' },
  dailySlider: 'Drag the slider under the chart to choose the days the map and the ranking show.',
  dailyLegend: (k: number) =>
    `Gap with grey band: suppressed day (< ${k}); hatched band: no data (day not processed).`,
  dayCol: 'Day',
  scaleTitle: 'Migration scale index',
  scaleAxis: 'index (baseline = 100)',
  baseline: 'Baseline period',
  baselineNote: (mean: string, used: number, all: number) =>
    `Baseline mean ${mean} people (sample) per day, from ${used} of ${all} baseline days with a published total.`,
  baselineNone: 'No baseline day has a published total: choose another baseline period.',
  home: 'Home city',
  source: 'Visited city',
  returneesTitle: 'Returnees by day of return',
  returneesDef:
    'A returnee lives in the home city (night-time rule), was in the visited city, and came back home within ' +
    '30 days; counted on the day of return.',
  allSuppressedTitle: 'Every figure of this selection is suppressed',
  allSuppressed: (k: number) =>
    `Fewer than k = ${k} people are behind each published cell of this selection, so no number can be shown. ` +
    'This is disclosure control, not "no one travelled".',
  allSuppressedDo:
    'What to do: widen the days (other days may have published cells), or choose a larger city or a province ' +
    '(a province counts only trips that leave it, not those between its own cities). Grouping the other end by ' +
    'province does not help: every figure adds only published city cells.',
  allSuppressedDoReturnees:
    'What to do: widen the days, or choose another home or visited city. Each returnee cell is one home city, ' +
    'one visited city and one day of return, so returnees between small cities rarely reach k.',
  zeroTitle: 'No recorded flow',
  zero: 'The operator recorded no trip for this selection: the count is 0 (not suppressed).',
  zeroDo: 'Try other days or another region.',
  errorDo: 'Check the selection and try again; if it persists, tell the administrator.',
  noDataDays: 'No data for these days: they have not been processed.',
  csvName: { out: 'outflow', in: 'inflow', returnees: 'returnees' },
};

export type FlowsStrings = typeof en;

const zh: FlowsStrings = {
  nav: '人口流动',
  title: '人口流动',
  modes: { out: '迁出', in: '迁入', returnees: '返程' },
  modeTitles: {
    out: '迁出：该地区的人去了哪里',
    in: '迁入：到达该地区的人来自哪里',
    returnees: '返程：去过某地后返回家乡的人',
  },
  regionLevel: '地区',
  levels: { city: '城市', province: '省份' },
  region: { city: '城市', province: '省份' },
  groupBy: '另一端按',
  unit: '地图和图表显示',
  units: { sample: '样本人数', expanded: '扩样估计' },
  days: '日期',
  loading: '加载中…',
  error: '错误',
  synthetic: '合成数据：模拟记录，并非真实人员或真实出行',
  sampleLabel: '运营商样本人数',
  expandedLabel: '全人口扩样估计',
  interval: '95% 区间',
  intervalOpen: (lo: string) => `${lo} –（无上限）`,
  notAvailable: '不可用',
  notAvailableWhy: '不可用：该数字涉及的某个城市没有扩样系数（无样本常住人口，或少于 k）',
  totalOut: '迁出总人数',
  totalIn: '迁入总人数',
  totalReturnees: '返程总人数',
  suppressed: (k: number) => `< ${k}（已抑制）`,
  suppressedShort: (k: number) => `< ${k}`,
  tableNote: (k: number) =>
    `< ${k}：已抑制，其每个单元都少于 k = ${k} 人（并非 0）。按人数从多到少排列，已抑制的排在最后。`,
  excludedCells: (n: number, k: number) => `${n} 个少于 k = ${k} 的“地区×日”单元未计入任何数字`,
  definitionsTitle: '数字的含义',
  defWasThere: '手机在某城市停留至少 120 分钟即视为“到过”该城市；一次出行计在到达日期（首次到达的那一天）。',
  defSample: '样本：一家移动运营商用户中的人数（我们所持有的记录），并非全体人口。',
  defExpansion:
    '扩样估计 = 样本人数 × 扩样系数；扩样系数 = 迁出城市的普查人口 ÷ 该城市的样本常住人口（夜间手机所在地），按月计算。' +
    '返程使用家乡城市的系数。',
  defInterval:
    '95% 区间：若样本常住人口 n 低或高 1.96 个标准差（√n），扩样估计将落在的范围；它表示扩样的不确定性，不含扰动。',
  cellsOd: '迁出城市、到达城市、到达日期',
  cellsReturnees: '家乡城市、到访城市、返回日期',
  perturbedNote: (k: number, bound: number, cells: string) =>
    `信息泄露控制：所有数字均由固定的“地区×日”单元（${cells}）相加而成。` +
    `人数不少于 k = ${k} 的单元按单元键法（澳大利亚统计局）加入至多 ±${bound} 的扰动，同一单元的扰动始终相同；` +
    `少于 k 的单元不计入任何数字，因此总数、省份合计和排名略低于真实流量。`,
  mapTitle: { out: '去向分布', in: '来源分布' },
  mapUnavailable: '省级地图加载失败',
  legendUnit: { sample: '人（样本）', expanded: '人（扩样估计）' },
  legendSuppressed: (k: number) => `< ${k}（已抑制）`,
  legendZero: '0（无流动记录）',
  legendNoData: '无数据（不在覆盖范围内）',
  legendSelf: '所查询地区',
  insetLabel: '南海诸岛',
  tooltipSample: '样本',
  tooltipExpanded: '扩样',
  tooltipNoData: '无数据：台湾、香港、澳门不在运营商和普查数据覆盖范围内',
  rankingTitle: { city: '按城市排名', province: '按省份排名' },
  top10: '前 10 名',
  rank: '序号',
  regionCol: { city: '城市', province: '省份' },
  province: '省份',
  sample: '样本',
  expanded: '扩样',
  lohi: '95% 区间',
  cellsBelowK: (k: number) => `< ${k} 的单元`,
  dailyTitle: { out: '每日迁出（按到达日期）', in: '每日迁入（按到达日期）' },
  dailySlider: '拖动图表下方的滑块，选择地图和排名所显示的日期。',
  dailyLegend: (k: number) => `断开并带灰色底：该日已抑制（< ${k}）；斜线底：无数据（该日未处理）。`,
  dayCol: '日期',
  scaleTitle: '迁徙规模指数',
  scaleAxis: '指数（基期 = 100）',
  baseline: '基期',
  baselineNote: (mean: string, used: number, all: number) =>
    `基期日均 ${mean} 人（样本），取自 ${all} 个基期日中总数已公布的 ${used} 天。`,
  baselineNone: '基期内没有一天的总数可公布：请另选基期。',
  home: '家乡城市',
  source: '到访城市',
  returneesTitle: '每日返程人数（按返回日期）',
  returneesDef: '返程者：常住家乡城市（夜间规则），到过到访城市，并在 30 天内回到家乡；计在返回当天。',
  allSuppressedTitle: '此选择的所有数字均已抑制',
  allSuppressed: (k: number) =>
    `此选择中每个可公布单元的人数都少于 k = ${k}，因此不能显示任何数字。这是信息泄露控制，并不表示“无人出行”。`,
  allSuppressedDo:
    '可以：扩大日期范围（其他日期可能有可公布的单元），或改选更大的城市或省份（省份只计离开该省的出行，不计省内城市之间的出行）。' +
    '另一端改为按省份汇总没有帮助：所有数字只累加已公布的城市单元。',
  allSuppressedDoReturnees:
    '可以：扩大日期范围，或另选家乡城市或到访城市。每个返程单元是一个家乡城市、一个到访城市和一个返回日，' +
    '因此小城市之间的返程人数很少达到 k。',
  zeroTitle: '无流动记录',
  zero: '运营商没有记录到此选择的任何出行：人数为 0（并非抑制）。',
  zeroDo: '请尝试其他日期或其他地区。',
  errorDo: '请检查选择后重试；若仍然出错，请联系管理员。',
  noDataDays: '这些日期没有数据：尚未处理。',
  csvName: { out: 'outflow', in: 'inflow', returnees: 'returnees' },
};

export const flowsStrings: Record<Lang, FlowsStrings> = { en, zh };

/** The flows strings of the page's language. */
export function useFlowsStrings(): FlowsStrings {
  return flowsStrings[useContext(LangContext)];
}
