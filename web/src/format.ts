import type { Guarded } from './api.ts';
import type { Strings } from './i18n.ts';

/**
 * A disclosure-controlled count as text: the exact number, or "< k (suppressed)".
 * Never 0 for a suppressed count: it means "fewer than k", not "none".
 */
export function countText(g: Guarded, k: number, t: Strings): string {
  return g.suppressed || g.count === null ? t.suppressed(k) : String(g.count);
}

/** Minutes as the tracing views and the companion CSV show them: one decimal. */
export function minutesText(minutes: number): string {
  return minutes.toFixed(1);
}
