import Negotiator from 'negotiator';
import { z } from 'zod';
import type { HttpError } from '../errors.ts';

/**
 * Server messages in Chinese (issue 16, decision 5). Every HttpError message is written in English where it
 * is thrown; this catalogue turns it into Chinese when the request's Accept-Language prefers zh (q-values
 * honoured; English otherwise, so curl and the CLI see what they always saw). A template's `{name}` parts
 * are the values the message carries (field names, codes, dates) and are kept as they are.
 * src/server/messages.test.ts greps the source for `new HttpError(` and fails on a message with no entry.
 */

export type Lang = 'en' | 'zh';

/** One message: a machine code, the English template as thrown, its Chinese form. */
export interface Message {
  code: string;
  en: string;
  zh: string;
}

export const MESSAGES: readonly Message[] = [
  // Access and sessions
  { code: 'not-logged-in', en: 'not logged in', zh: '未登录' },
  {
    code: 'bad-login',
    en: 'wrong username or password, or the account has expired',
    zh: '用户名或密码错误，或账号已过期',
  },
  {
    code: 'login-throttled',
    en: 'too many failed logins: wait and try again',
    zh: '登录失败次数过多：请稍候再试',
  },
  { code: 'no-policy', en: 'this route has no access policy', zh: '此接口没有访问策略' },
  { code: 'wrong-role', en: 'role {role} may not use this route', zh: '角色 {role} 无权使用此接口' },
  {
    code: 'out-of-scope',
    en: '{field}: {code} is outside the regions of this account',
    zh: '{field}：{code} 不在本账号的地区范围内',
  },
  { code: 'cross-site', en: 'cross-site request refused', zh: '已拒绝跨站请求' },
  { code: 'bad-origin', en: 'origin {origin} refused: not {own}', zh: '来源 {origin} 被拒绝：不是 {own}' },
  {
    code: 'case-ref-needed',
    en: 'caseRef: individual-level queries need the case reference they serve',
    zh: 'caseRef：个体层面的查询须注明所服务的病例编号',
  },
  // Accounts
  {
    code: 'bad-regions',
    en: "regions: '{code}' is not a division code (use '*' or codes like 420100)",
    zh: "regions：'{code}' 不是行政区划代码（请用 '*' 或 420100 这样的代码）",
  },
  { code: 'empty-regions', en: "regions: empty (use '*' for all)", zh: "regions：为空（全部地区请用 '*'）" },
  {
    code: 'bad-username',
    en: "username: '{username}' must be 1-64 letters, digits, '.', '_' or '-'",
    zh: "username：'{username}' 须为 1-64 个字母、数字、'.'、'_' 或 '-'",
  },
  {
    code: 'bad-password',
    en: 'password: must have 12 to 256 characters',
    zh: 'password：须为 12 到 256 个字符',
  },
  {
    code: 'bad-days',
    en: 'days: must be a whole number from 1 to 366, got {days}',
    zh: 'days：须为 1 到 366 之间的整数，收到 {days}',
  },
  { code: 'bad-role', en: 'role: must be one of {roles}', zh: 'role：须为以下之一：{roles}' },
  { code: 'user-exists', en: "username: '{username}' already exists", zh: "username：'{username}' 已存在" },
  { code: 'no-user', en: "username: no account '{username}'", zh: "username：没有账号 '{username}'" },
  // Dates and limits
  {
    code: 'before-data',
    en: '{field}: {date} is before the first data day {first}',
    zh: '{field}：{date} 早于第一个数据日 {first}',
  },
  {
    code: 'after-data',
    en: '{field}: {date} is after the last data day {last}',
    zh: '{field}：{date} 晚于最后一个数据日 {last}',
  },
  {
    code: 'span-too-long',
    en: '{field}: {span} days from {from}, more than the {max} allowed',
    zh: '{field}：从 {from} 起共 {span} 天，超过允许的 {max} 天',
  },
  { code: 'range-reversed', en: '{field}: {a} is after {other} {b}', zh: '{field}：{a} 晚于 {other} {b}' },
  {
    code: 'from-to-pair',
    en: '{field}: give both from and to, or neither',
    zh: '{field}：请同时给出 from 和 to，或都不给',
  },
  {
    code: 'busy',
    en: 'the server is busy with other queries: retry shortly',
    zh: '服务器正忙于其他查询：请稍后重试',
  },
  {
    code: 'queue-timeout',
    en: 'the query waited too long for its turn: retry shortly',
    zh: '查询排队等待过久：请稍后重试',
  },
  {
    code: 'budget',
    en: 'the query took longer than {seconds} s: narrow it or retry later',
    zh: '查询耗时超过 {seconds} 秒：请缩小范围或稍后重试',
  },
  {
    code: 'print-busy',
    en: 'too many reports are being printed: retry shortly',
    zh: '正在打印的报告过多：请稍后重试',
  },
  // Reports (issue 17)
  {
    code: 'report-kind',
    en: 'kind: {kind} is not a report (outflow, returnees, risk or forecast)',
    zh: 'kind：{kind} 不是报告类型（outflow、returnees、risk 或 forecast）',
  },
  {
    code: 'no-epicentre',
    en: '{field}: required (the workspace names no epicentre)',
    zh: '{field}：必填（工作区未指定疫源地）',
  },
  {
    code: 'no-data-days',
    en: '{field}: required (the workspace has no data days)',
    zh: '{field}：必填（工作区没有数据日）',
  },
  // Regions
  { code: 'not-a-city', en: '{field}: {code} is not a city code', zh: '{field}：{code} 不是城市代码' },
  {
    code: 'not-a-region',
    en: '{field}: {code} is not a city or province code',
    zh: '{field}：{code} 不是城市或省级代码',
  },
  {
    code: 'county-not-published',
    en:
      '{field}: {code} is a county: county level is not published (county figures beside city figures would ' +
      'let their differences reveal suppressed counts); choose its city or province',
    zh: '{field}：{code} 是区县：区县级数据不发布（区县数据与城市数据并列时，两者之差会暴露被抑制的数字）；请选择其所属城市或省份',
  },
  // Forecast
  {
    code: 'no-forecast',
    en: "the workspace has no forecast yet: run 'epitrace forecast build'",
    zh: "工作区还没有预测：请运行 'epitrace forecast build'",
  },
  { code: 'no-run', en: 'run: no forecast run {run}', zh: 'run：没有第 {run} 次预测运行' },
  {
    code: 'no-region-forecast',
    en: 'region: {region} has no published forecast in run {run} (no case, or fewer than k = {k} confirmed)',
    zh: 'region：{region} 在第 {run} 次运行中没有发布的预测（无病例，或确诊少于 k = {k}）',
  },
  {
    code: 'no-scenario',
    en: 'scenario: no scenario {scenario} in run {run}',
    zh: 'scenario：第 {run} 次运行中没有情景 {scenario}',
  },
  {
    code: 'report-no-param',
    en: '{field}: not a parameter of this route (this report takes {keys})',
    zh: '{field}：不是此接口的参数（此报告的参数为 {keys}）',
  },
  // Public page (issue 17)
  {
    code: 'public-no-param',
    en: '{field}: not a parameter of this route (the public page shows the latest data day only)',
    zh: '{field}：不是此接口的参数（公开页面只显示最新一天的数据）',
  },
  // onlyKeys (src/server/validate.ts) of another route: after the two above, which say more.
  {
    code: 'no-param',
    en: '{field}: not a parameter of this route ({why})',
    zh: '{field}：不是此接口的参数（{why}）',
  },
  {
    code: 'public-no-city',
    en: '{field}: {code} is not a city of this workspace',
    zh: '{field}：{code} 不是本工作区的城市',
  },
  {
    code: 'public-no-forecast',
    en: 'region: {region} has no public forecast (no case, or fewer than k = {k} confirmed)',
    zh: 'region：{region} 没有公开的预测（无病例，或确诊少于 k = {k}）',
  },
  {
    code: 'no-risk-tables',
    en: "the workspace has no risk tables yet: run 'epitrace risk build'",
    zh: "工作区还没有风险表：请运行 'epitrace risk build'",
  },
  {
    code: 'risk-incomplete',
    en: "the risk tables are incomplete: run 'epitrace risk build'",
    zh: "风险表不完整：请运行 'epitrace risk build'",
  },
  // Risk
  {
    code: 'risk-k',
    en: "the risk tables were built with k = {built} < {k}: run 'epitrace risk build --k {k2}'",
    zh: "风险表以 k = {built} < {k} 构建：请运行 'epitrace risk build --k {k2}'",
  },
  // Tracing
  {
    code: 'case-mismatch',
    en: 'caseRef: {caseRef} is not the case of this request ({ref})',
    zh: 'caseRef：{caseRef} 不是本请求的病例（{ref}）',
  },
  {
    code: 'no-case',
    en: 'ref: no case {ref} within the regions of this account',
    zh: 'ref：本账号的地区内没有病例 {ref}',
  },
  {
    code: 'case-unmatched',
    en: 'ref: case {ref} matched no subscriber of the operator: there are no records to trace',
    zh: 'ref：病例 {ref} 未匹配到运营商的任何用户：没有可追踪的记录',
  },
  {
    code: 'case-misses',
    en: 'too many unknown case references ({misses} in {minutes} min): work from the case list, retry in {seconds} s',
    zh: '未知病例编号过多（{minutes} 分钟内 {misses} 次）：请从病例列表操作，{seconds} 秒后重试',
  },
  // Validation details written in the schemas (zod's own messages go through its zh-CN locale)
  { code: 'bad-city-code', en: '{field}: expected a 6-digit city code', zh: '{field}：应为 6 位城市代码' },
  {
    code: 'bad-region-code',
    en: '{field}: expected a 6-digit city or province code',
    zh: '{field}：应为 6 位城市或省级代码',
  },
  {
    code: 'bad-forecast-region',
    en: '{field}: expected a 6-digit code, CN or CN-X<province>',
    zh: '{field}：应为 6 位代码、CN 或 CN-X<省级代码>',
  },
  { code: 'bad-date', en: '{field}: expected a date YYYY-MM-DD', zh: '{field}：应为日期 YYYY-MM-DD' },
  { code: 'bad-day', en: '{field}: not a calendar date', zh: '{field}：不是有效的日期' },
  { code: 'bad-hour', en: '{field}: expected an hour YYYY-MM-DDTHH', zh: '{field}：应为小时 YYYY-MM-DDTHH' },
  { code: 'bad-hour-day', en: '{field}: not a calendar hour', zh: '{field}：不是有效的小时' },
  { code: 'bad-case-ref', en: '{field}: not a case reference', zh: '{field}：不是病例编号' },
  { code: 'bad-scenario', en: '{field}: expected a scenario name', zh: '{field}：应为情景名称' },
  {
    code: 'bad-run',
    en: '{field}: expected a run number (see /api/forecast/runs)',
    zh: '{field}：应为运行编号（见 /api/forecast/runs）',
  },
  { code: 'bad-choice-12', en: '{field}: expected 1 or 2', zh: '{field}：应为 1 或 2' },
  { code: 'internal', en: 'internal error', zh: '服务器内部错误' },
];

const escape = (s: string) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&');

/** An English template as an anchored pattern; each `{name}` matches any text (shortest first). */
function pattern(en: string): RegExp {
  return new RegExp(`^${escape(en).replace(/\\?\{(\w+)\\?\}/g, (_, n: string) => `(?<${n}>.+?)`)}$`, 's');
}

const COMPILED = MESSAGES.map((m) => ({ ...m, re: pattern(m.en) }));

/** The catalogue entry of an English message and its values; undefined when none matches. */
export function lookup(message: string): { entry: Message; values: Record<string, string> } | undefined {
  for (const m of COMPILED) {
    const hit = m.re.exec(message);
    if (hit) return { entry: m, values: { ...hit.groups } };
  }
  return undefined;
}

/** The message in `lang`; unknown messages stay English. */
export function translate(message: string, lang: Lang): { text: string; code?: string } {
  const hit = lookup(message);
  if (!hit) return { text: message };
  if (lang === 'en') return { text: message, code: hit.entry.code };
  const text = hit.entry.zh.replace(/\{(\w+)\}/g, (all, n: string) => hit.values[n] ?? all);
  return { text, code: hit.entry.code };
}

/**
 * The language the request prefers among en and zh (Accept-Language with q-values); `fallback` (English unless
 * told) when the header is absent, "*" or names neither.
 */
export function preferredLang(acceptLanguage: string | string[] | undefined, fallback: Lang = 'en'): Lang {
  if (!acceptLanguage) return fallback;
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : acceptLanguage;
  // The fallback first: Negotiator answers the first language for "*" and for a tie.
  const order: Lang[] = fallback === 'zh' ? ['zh', 'en'] : ['en', 'zh'];
  const lang = new Negotiator({ headers: { 'accept-language': header } }).language(order);
  return lang === 'zh' || lang === 'en' ? lang : fallback;
}

/** zod's own message of a validation failure in Chinese, kept beside the HttpError thrown for it. */
const ZOD_ZH = new WeakMap<HttpError, string>();

/** Records the Chinese form of a zod validation failure (zod's zh-CN locale; a schema's own message stays). */
export function rememberZodZh(
  err: HttpError,
  schema: z.ZodType,
  input: unknown,
  field: string | undefined,
): void {
  const r = schema.safeParse(input, { error: z.locales.zhCN().localeError });
  const issue = r.success ? undefined : r.error.issues[0];
  if (issue) ZOD_ZH.set(err, `${field ?? 'request'}：${issue.message}`);
}

/** The error body `{ error, field?, code? }` of an HttpError in the request's language. */
export function errorBody(err: HttpError, lang: Lang): { error: string; field?: string; code?: string } {
  const t = translate(err.message, lang);
  const zod = lang === 'zh' && t.code === undefined ? ZOD_ZH.get(err) : undefined;
  return {
    error: zod ?? t.text,
    ...(err.field ? { field: err.field } : {}),
    ...(t.code ? { code: t.code } : {}),
  };
}
