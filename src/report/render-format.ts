import escapeHtml from 'escape-html';
import type { Basis, Cell, Lang, Text } from './model.ts';

/** HTML-escapes any text shown in a report (names and labels come from data). */
export const esc = (s: string): string => escapeHtml(s);

/** The text in the report's language. */
export const t = (text: Text, lang: Lang): string => text[lang];

const LOCALE: Record<Lang, string> = { zh: 'zh-CN', en: 'en-GB' };

/** A number grouped per locale with `digits` decimals (default 0). */
export function formatNumber(n: number, lang: Lang, digits = 0): string {
  return new Intl.NumberFormat(LOCALE[lang], {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(n);
}

/** One cell as display text: a suppressed count is "< k" (never 0), null is "-". */
export function formatCell(c: Cell, lang: Lang, digits = 0): string {
  if (c === null) return '-';
  if (typeof c === 'number') return Number.isFinite(c) ? formatNumber(c, lang, digits) : '-';
  if (typeof c === 'string') return c;
  return `< ${c.lt}`;
}

const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A calendar day YYYY-MM-DD as 2020年1月23日 / 23 Jan 2020 (no time zone: data days are calendar days). */
export function formatDay(day: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  if (!m) return day;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return lang === 'zh' ? `${y}年${mo}月${d}日` : `${d} ${MONTHS_EN[mo - 1]} ${y}`;
}

/** An instant as its UTC day and time: 2020年1月23日 10:00 UTC / 23 Jan 2020 10:00 UTC. */
export function formatTime(iso: string, lang: Lang): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const hm = d.toISOString().slice(11, 16);
  return `${formatDay(d.toISOString().slice(0, 10), lang)} ${hm} UTC`;
}

/** What each basis means, shown in column headers and figure labels. */
export const BASIS: Record<Basis, Text> = {
  sample: { zh: '样本', en: 'sample' },
  expanded: { zh: '扩样估计', en: 'expanded' },
  model: { zh: '模型', en: 'model' },
  registry: { zh: '病例登记', en: 'case registry' },
  derived: { zh: '推算', en: 'derived' },
};

/** The fixed words of a report in both languages. */
export const WORDS = {
  synthetic: {
    zh: '合成数据：模拟记录，并非真实人员或真实出行',
    en: 'SYNTHETIC DATA: simulated records, not real people or real movements',
  },
  generatedAt: { zh: '生成时间', en: 'Generated' },
  asOf: { zh: '数据截至', en: 'Data as of' },
  snapshot: { zh: '数据快照', en: 'Snapshot' },
  params: { zh: '请求参数', en: 'Request' },
  definitions: { zh: '定义', en: 'Definitions' },
  sources: { zh: '数据来源', en: 'Sources' },
  privacy: { zh: '隐私保护说明', en: 'Privacy' },
  basis: { zh: '口径', en: 'basis' },
  none: { zh: '无', en: 'none' },
  privacyK: { zh: '发布阈值 k', en: 'publication threshold k' },
  suppressedKey: {
    zh: '“< k”表示该格计数小于 k，已隐去；“-”表示不适用或无数据。',
    en: '"< k": a count below k, suppressed; "-": not applicable or no data.',
  },
} satisfies Record<string, Text>;
