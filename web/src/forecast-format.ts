// How the forecast view writes its numbers; the browser test formats the API's numbers with the same functions.
import { numberText } from './format.ts';
import type { Lang } from './i18n.ts';

/** A forecast count: whole numbers from 10 up, one decimal below (small medians are often fractions). */
export function countValue(v: number, lang: Lang): string {
  return Math.abs(v) >= 10 ? numberText(Math.round(v), lang) : numberText(v, lang, 1);
}

/** A median with its 90% interval: "12 (5–30)". */
export function bandText(median: number, lower: number, upper: number, lang: Lang): string {
  return `${countValue(median, lang)} (${countValue(lower, lang)}–${countValue(upper, lang)})`;
}

/** A parameter value: three significant digits. */
export function paramValue(v: number): string {
  return v.toPrecision(3);
}

/** A parameter with its 90% interval: "1.23 [0.98, 1.51]". */
export function paramText(p: { mean: number; lower: number; upper: number }): string {
  return `${paramValue(p.mean)} [${paramValue(p.lower)}, ${paramValue(p.upper)}]`;
}

/** Horizons summarised under each chart. */
export const SUMMARY_HORIZONS = [7, 14, 30] as const;
