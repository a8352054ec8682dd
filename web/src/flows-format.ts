// How a flows figure reads on screen: sample count, expanded estimate and its interval, in the page's language.
import type { Figure } from './flows-api.ts';
import type { FlowsStrings } from './flows-i18n.ts';
import { numberText } from './format.ts';
import type { Lang } from './i18n.ts';

/** The sample count, or "< k (suppressed)" ("< k" when `short`, in tables); never 0 for a suppressed figure. */
export function sampleText(f: Figure, k: number, t: FlowsStrings, lang: Lang, short = false): string {
  if (f.count === null || f.suppressed) return short ? t.suppressedShort(k) : t.suppressed(k);
  return numberText(f.count, lang);
}

/** The expanded estimate's value, "< k (suppressed)" ("< k" when `short`) or "not available". */
export function expandedText(f: Figure, k: number, t: FlowsStrings, lang: Lang, short = false): string {
  if (f.count === null || f.suppressed) return short ? t.suppressedShort(k) : t.suppressed(k);
  return f.expanded ? numberText(f.expanded.value, lang) : t.notAvailable;
}

/** The 95% interval "lo – hi" (an open upper end when the sample is too small for one), or "". */
export function intervalText(f: Figure, t: FlowsStrings, lang: Lang): string {
  const e = f.expanded;
  if (!e || f.count === null) return '';
  const lo = numberText(e.lo, lang);
  return e.hi === null ? t.intervalOpen(lo) : `${lo} – ${numberText(e.hi, lang)}`;
}

/** The figure's value in the chosen unit, null when it has none (suppressed, or no expansion factor). */
export function valueIn(f: Figure, unit: 'sample' | 'expanded'): number | null {
  if (f.count === null || f.suppressed) return null;
  return unit === 'sample' ? f.count : (f.expanded?.value ?? null);
}
