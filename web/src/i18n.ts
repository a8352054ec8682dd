import { createContext, useContext } from 'react';

export type Lang = 'en' | 'zh';

const en = {
  appName: 'EpiTrace',
  tagline: 'Mobility-informed epidemic response',
  loading: 'Loading…',
  username: 'Username',
  password: 'Password',
  login: 'Log in',
  loggingIn: 'Logging in…',
  logout: 'Log out',
  role: 'role',
  langToggle: '中文',
  syntheticTitle: 'SYNTHETIC DATA',
  syntheticNote: 'Simulated records, not real people or real movements.',
  outflowTitle: 'Outflow from a city',
  origin: 'Origin city',
  from: 'From',
  to: 'To',
  total: 'Total outflow',
  topDestination: 'Top destination',
  none: 'none',
  mapTitle: 'Destinations by province',
  barTitle: 'Top 15 destination cities',
  dailyTitle: 'Daily outflow (by arrival date)',
  tableTitle: 'All destination cities',
  rank: '#',
  city: 'City',
  province: 'Province',
  people: 'People',
  suppressed: (k: number) => `< ${k} (suppressed)`,
  suppressedNote: (k: number) =>
    `Counts below k = ${k} are suppressed for disclosure control and shown as "< ${k} (suppressed)".`,
  cellsBelowK: (k: number) => `Cells < ${k}`,
  excludedCells: (n: number, k: number) =>
    `${n} region-day cells below k = ${k} are not included in any figure`,
  perturbedNote: (k: number, bound: number) =>
    `Disclosure control: every figure is a sum of fixed region-day cells (origin city, destination city, ` +
    `arrival day). Each cell with at least k = ${k} people is perturbed by the cell-key method ` +
    `(Australian Bureau of Statistics) by at most ±${bound}, the same cell always alike; cells below k are ` +
    `left out of every figure, so totals, provinces and rankings are slightly below the true flow.`,
  noFlows: 'no recorded outflow',
  mapUnavailable: 'The province map could not be loaded',
  error: 'Error',
  views: 'Views',
  navOutflow: 'Outflow',
  navLayers: 'Map layers',
  layersTitle: 'Map layers',
  layer: 'Layer',
  layerNames: {
    province: 'Provinces',
    city: 'Cities (prefecture level)',
    county: 'Counties',
    community: 'Communities of Wuhan (synthetic)',
  },
  regions: (n: number) => `${n} regions`,
  layerUnavailable: 'The map layer could not be loaded',
  communitiesSynthetic:
    'SYNTHETIC boundaries: these Wuhan "communities" are generated Voronoi cells for testing, ' +
    'not real community boundaries.',
  navAccounts: 'Accounts',
  navAudit: 'Audit',
  accountsTitle: 'Accounts',
  roleNames: { admin: 'admin', analyst: 'analyst', tracer: 'tracer', public: 'public' },
  regionsLabel: 'Regions',
  days: 'Days',
  expires: 'Expires',
  state: 'State',
  active: 'active',
  disabled: 'disabled',
  createAccount: 'Create account',
  renew: 'Renew',
  disable: 'Disable',
  newPassword: 'New password',
  passwordOnce: (u: string) => `Password for ${u} (shown once, pass it on safely):`,
  auditTitle: 'Audit log',
  auditOk: (n: number) => `Verified: ${n} entries, chain and checkpoints agree.`,
  auditBad: (id: number | null, why: string) =>
    `VERIFICATION FAILED at ${id === null ? 'the checkpoints' : `entry ${id}`}: ${why}`,
  time: 'Time',
  action: 'Action',
  detail: 'Detail',
  publicOnly: 'This account may only see the public page; there is no data view for it yet.',
  navTracing: 'Tracing',
  tracingTitle: 'Case tracing',
  tracingNote:
    'Individual-level data for authorised tracers: every query is written to the audit log with its case ' +
    'reference and the number of people returned. People appear by pseudonym only.',
  casesTitle: 'Cases within your regions',
  caseRef: 'Case',
  status: 'Status',
  statusNames: { confirmed: 'confirmed', suspected: 'suspected' },
  onset: 'Onset',
  confirmedOn: 'Confirmed',
  reportedIn: 'Reported in',
  inRecords: 'In records',
  yes: 'yes',
  no: 'no',
  noCases: 'No cases within the regions of this account.',
  chooseCase: 'Choose a case from the list.',
  noSubscriber: "The case's number matched no subscriber of the operator: there are no records to trace.",
  window: (from: string, to: string) => `Window ${from} – ${to}`,
  dwellCount: (n: number) => `${n} dwells`,
  placeCount: (n: number) => `${n} places`,
  timelineTitle: 'Timeline: dwells in time order',
  placesTitle: 'Map of the places',
  start: 'Start',
  end: 'End',
  minutes: 'Minutes',
  place: 'Place',
  cell: 'Cell',
  transmissionPoint: 'Transmission point',
  companionsTitle: 'Companions',
  minMinutes: 'Shared minutes at least',
  toleranceMeters: 'Neighbour cells within (m)',
  secondDegree: 'Also second degree',
  findCompanions: 'Find companions',
  companionCount: (n: number) => `${n} companions`,
  pseudonym: 'Pseudonym',
  degree: 'Degree',
  via: 'Via',
  firstContact: 'First contact',
  lastContact: 'Last contact',
  lastSeen: 'Last seen',
  residentCounty: 'Lives in (county)',
  exportCsv: 'Export CSV',
  shownOf: (shown: number, total: number) => `Showing the first ${shown} of ${total}; the CSV has them all.`,
  distributionTitle: 'Companions by where they were last seen',
  levelNames: { city: 'City', county: 'County', street: 'Street', community: 'Community' },
  unknown: 'unknown',
};

export type Strings = typeof en;

const zh: Strings = {
  appName: 'EpiTrace',
  tagline: '人口流动与疫情防控平台',
  loading: '加载中…',
  username: '用户名',
  password: '密码',
  login: '登录',
  loggingIn: '登录中…',
  logout: '退出',
  role: '角色',
  langToggle: 'English',
  syntheticTitle: '合成数据（SYNTHETIC）',
  syntheticNote: '模拟记录，并非真实人员或真实出行。',
  outflowTitle: '城市迁出',
  origin: '迁出城市',
  from: '开始日期',
  to: '结束日期',
  total: '迁出总人数',
  topDestination: '首要目的地',
  none: '无',
  mapTitle: '按省份的目的地分布',
  barTitle: '前 15 个目的地城市',
  dailyTitle: '每日迁出（按到达日期）',
  tableTitle: '全部目的地城市',
  rank: '序号',
  city: '城市',
  province: '省份',
  people: '人数',
  suppressed: (k: number) => `< ${k}（已抑制）`,
  suppressedNote: (k: number) => `为防止信息泄露，少于 k = ${k} 的计数不予公布，显示为“< ${k}（已抑制）”。`,
  cellsBelowK: (k: number) => `< ${k} 的单元`,
  excludedCells: (n: number, k: number) => `${n} 个少于 k = ${k} 的“地区×日”单元未计入任何数字`,
  perturbedNote: (k: number, bound: number) =>
    `信息泄露控制：所有数字均由固定的“地区×日”单元（迁出城市、到达城市、到达日期）相加而成。` +
    `人数不少于 k = ${k} 的单元按单元键法（澳大利亚统计局）加入至多 ±${bound} 的扰动，同一单元的扰动始终相同；` +
    `少于 k 的单元不计入任何数字，因此总数、省份合计和排名略低于真实流量。`,
  noFlows: '无迁出记录',
  mapUnavailable: '省级地图加载失败',
  error: '错误',
  views: '视图',
  navOutflow: '迁出',
  navLayers: '地图图层',
  layersTitle: '地图图层',
  layer: '图层',
  layerNames: {
    province: '省级',
    city: '地级市',
    county: '县级',
    community: '武汉市社区（合成）',
  },
  regions: (n: number) => `${n} 个区域`,
  layerUnavailable: '地图图层加载失败',
  communitiesSynthetic: '合成边界（SYNTHETIC）：这些武汉“社区”是为测试生成的泰森多边形，并非真实社区边界。',
  navAccounts: '账户',
  navAudit: '审计',
  accountsTitle: '账户管理',
  roleNames: { admin: '管理员', analyst: '分析员', tracer: '流调员', public: '公众' },
  regionsLabel: '辖区',
  days: '天数',
  expires: '到期时间',
  state: '状态',
  active: '启用',
  disabled: '已停用',
  createAccount: '创建账户',
  renew: '续期',
  disable: '停用',
  newPassword: '重置密码',
  passwordOnce: (u: string) => `${u} 的密码（仅显示一次，请安全转交）：`,
  auditTitle: '审计日志',
  auditOk: (n: number) => `校验通过：共 ${n} 条，哈希链与检查点一致。`,
  auditBad: (id: number | null, why: string) =>
    `校验失败，位置：${id === null ? '检查点' : `第 ${id} 条`}：${why}`,
  time: '时间',
  action: '操作',
  detail: '详情',
  publicOnly: '此账户仅可查看公开页面，暂无可用的数据视图。',
  navTracing: '流调追踪',
  tracingTitle: '病例流调追踪',
  tracingNote:
    '仅供授权流调人员使用的个人级数据：每次查询连同病例编号和返回人数记入审计日志。人员仅以化名显示。',
  casesTitle: '辖区内病例',
  caseRef: '病例编号',
  status: '状态',
  statusNames: { confirmed: '确诊', suspected: '疑似' },
  onset: '发病日期',
  confirmedOn: '确诊日期',
  reportedIn: '报告地区',
  inRecords: '匹配记录',
  yes: '是',
  no: '否',
  noCases: '此账户辖区内暂无病例。',
  chooseCase: '请从列表中选择一个病例。',
  noSubscriber: '该病例的号码未匹配到本运营商用户，没有可追踪的记录。',
  window: (from: string, to: string) => `时间窗 ${from} – ${to}`,
  dwellCount: (n: number) => `${n} 次停留`,
  placeCount: (n: number) => `${n} 个地点`,
  timelineTitle: '时间线：按时间排序的停留',
  placesTitle: '停留地点地图',
  start: '开始',
  end: '结束',
  minutes: '分钟',
  place: '地点',
  cell: '基站小区',
  transmissionPoint: '传播风险点',
  companionsTitle: '时空伴随者',
  minMinutes: '共处时长至少（分钟）',
  toleranceMeters: '邻近小区范围（米）',
  secondDegree: '包括次级伴随者',
  findCompanions: '查找伴随者',
  companionCount: (n: number) => `${n} 名伴随者`,
  pseudonym: '化名',
  degree: '级别',
  via: '经由',
  firstContact: '首次接触',
  lastContact: '末次接触',
  lastSeen: '最后出现',
  residentCounty: '居住县区',
  exportCsv: '导出 CSV',
  shownOf: (shown: number, total: number) => `仅显示前 ${shown} 名（共 ${total} 名），CSV 包含全部。`,
  distributionTitle: '伴随者按最后出现地分布',
  levelNames: { city: '城市', county: '县区', street: '街道', community: '社区' },
  unknown: '未知',
};

/** The string tables, one per language. */
export const strings: Record<Lang, Strings> = { en, zh };

const storageKey = 'epitrace.lang';

/** The language chosen last time in this browser, English by default. */
export function initialLang(): Lang {
  try {
    return localStorage.getItem(storageKey) === 'zh' ? 'zh' : 'en';
  } catch {
    return 'en';
  }
}

/** Remembers the chosen language (best effort: storage may be disabled). */
export function saveLang(lang: Lang): void {
  try {
    localStorage.setItem(storageKey, lang);
  } catch {
    // Private browsing can forbid storage; the toggle still works for this page.
  }
}

/** The current language, provided by the app root. */
export const LangContext = createContext<Lang>('en');

/** The strings of the current language. */
export function useStrings(): Strings {
  return strings[useContext(LangContext)];
}
