import { HttpError } from '../errors.ts';
import { loadDivisions } from '../geo/divisions.ts';
import type { Published } from '../privacy/disclosure.ts';
import type { Cell, Report, ReportKind, Text } from './model.ts';

/** Pieces every report's data share: cells, the privacy note, sources, the header, parameter checks. */

/** A published figure as a table cell: the count, or `{lt: k}` when suppressed (never 0, never the true count). */
export function cellOf(p: Published | { count: number | null; suppressed: boolean }, k: number): Cell {
  return p.suppressed || p.count === null ? { lt: k } : p.count;
}

/** A number rounded to `digits` decimals, null stays null (a ratio without a denominator). */
export function round(v: number | null | undefined, digits: number): number | null {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** The privacy note of every report: k, cell-key perturbation, suppression, no individual data. */
export function privacyOf(k: number): Report['privacy'] {
  return {
    k,
    method: 'cell-key',
    note: {
      zh:
        `本报告只含受保护的汇总数字，不含任何个人数据（无假名、无个人记录）。运营商样本计数采用单元格密钥法` +
        `（Fraser and Wooton 2005）：每个固定发布单元加入至多 ±2 的确定性扰动，低于 k = ${k} 的计数不发布，显示为“< ${k}”；` +
        `合计只由已发布的单元相加，被抑制的单元不进入任何数字。`,
      en:
        `This report holds protected aggregates only, no individual data (no pseudonym, no individual row). Counts of ` +
        `the operator's sample use the cell-key method (Fraser and Wooton 2005): each fixed published cell gets a ` +
        `deterministic perturbation of at most ±2, counts below k = ${k} are not published and show as "< ${k}"; totals ` +
        `are sums of published cells only, so a suppressed cell is in no figure.`,
    },
  };
}

/** Sources cited by the reports. */
export const SOURCES = {
  operator: {
    zh: '运营商的假名化位置记录（经 EpiTrace 流水线处理：停留、出行、居住地）',
    en: "The operator's pseudonymised location records (EpiTrace pipeline: stays, trips, residence)",
  },
  registry: {
    zh: '卫生部门的病例登记（epitrace cases import）',
    en: "The health authority's case registry (epitrace cases import)",
  },
  census: {
    zh: '第七次全国人口普查（2020年）各市常住人口，用于样本扩样',
    en: 'China 2020 (seventh) population census, city populations, for the expansion of sample counts',
  },
  jia: {
    zh: 'Jia, J.S. 等, Population flow drives spatio-temporal distribution of COVID-19 in China, Nature 582, 389-394 (2020)',
    en: 'Jia, J.S. et al., Population flow drives spatio-temporal distribution of COVID-19 in China, Nature 582, 389-394 (2020)',
  },
  li: {
    zh: 'Li, R. 等, Substantial undocumented infection facilitates the rapid dissemination of novel coronavirus (SARS-CoV-2), Science 368, 489-493 (2020)',
    en: 'Li, R. et al., Substantial undocumented infection facilitates the rapid dissemination of novel coronavirus (SARS-CoV-2), Science 368, 489-493 (2020)',
  },
  cellKey: {
    zh: 'Fraser, B., Wooton, J., A proposed method for confidentialising tabular output to protect against differencing, UNECE 2005',
    en: 'Fraser, B., Wooton, J., A proposed method for confidentialising tabular output to protect against differencing, UNECE 2005',
  },
} satisfies Record<string, Text>;

/** A division's names: Chinese and English (built-in geography). */
export function names(code: string): Text {
  const d = loadDivisions().byCode(code);
  return { zh: d.name, en: d.nameEn };
}

const cityCodes = (): Set<string> =>
  new Set(
    loadDivisions()
      .list('city')
      .map((c) => c.code),
  );

/** 400 naming `field` unless `code` is a city (the same message as the flows and risk routes). */
export function checkCity(code: string, field: string): void {
  if (!cityCodes().has(code)) throw new HttpError(400, `${field}: ${code} is not a city code`, field);
}

/** 400 naming `from` when the range is reversed (the flows routes' message). */
export function checkRange(q: { from: string; to: string }): void {
  if (q.from > q.to) throw new HttpError(400, `from: ${q.from} is after to ${q.to}`, 'from');
}

/** The report's frame: title, dates, synthetic flag, privacy around the kind's title, sections, definitions and sources. */
export function frame(
  kind: ReportKind,
  body: Pick<Report, 'title' | 'sections' | 'definitions' | 'sources'>,
  ctx: { k: number; snapshot: number | null; lastDay: string | null; synthetic: boolean; now: Date },
  params: Report['params'],
): Report {
  return {
    kind,
    title: body.title,
    generatedAt: ctx.now.toISOString(),
    asOf: { snapshot: ctx.snapshot, lastDay: ctx.lastDay },
    params,
    synthetic: ctx.synthetic,
    privacy: privacyOf(ctx.k),
    sections: body.sections,
    definitions: body.definitions,
    sources: body.sources,
  };
}

/** Definition of sample and expanded counts, shared by the flows reports. */
export const SAMPLE_DEFINITIONS: Report['definitions'] = [
  {
    term: { zh: '样本人数', en: 'People (sample)' },
    text: {
      zh: '运营商样本中的用户数，经披露控制（低于 k 不发布，其余扰动至多 ±2）。',
      en: "Subscribers in the operator's sample, after disclosure control (not published below k, otherwise perturbed by at most 2).",
    },
  },
  {
    term: { zh: '扩样估计', en: 'Expanded estimate' },
    text: {
      zh:
        '全人口估计 = 已发布的样本数 × 扩样系数 F，F = 该市2020年人口普查常住人口 / 该月样本居民数（居民：每月夜间22:00-06:00停留最久的区县）；' +
        '95% 区间按居民数服从泊松分布：人口 / (n ± 1.96√n)。城市样本居民少于 k 时无估计。',
      en:
        'Estimate of all people = published sample count × expansion factor F, F = 2020 census population of the city / ' +
        'sample residents of the city in the month (residents: county of most night-time hours, 22:00-06:00); the 95% ' +
        'interval treats the resident count as Poisson: population / (n ± 1.96 √n). No estimate where the city has fewer than k sample residents.',
    },
  },
];
