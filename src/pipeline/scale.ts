import type { Duck } from '../db/duck.ts';
import { methodNote } from '../privacy/disclosure.ts';
import { daysBetween, outflow } from './flows.ts';
import type { Figure, Naming, Region } from './flows.ts';

/** The migration scale index of a region: each day's published total against a baseline period's mean. */
export interface Scale {
  region: Region;
  direction: 'out' | 'in';
  from: string;
  to: string;
  k: number;
  method: ReturnType<typeof methodNote>;
  base: {
    from: string;
    to: string;
    /** Mean of the published daily totals of the base days; null when no base day is published. */
    mean: number | null;
    /** Base days whose total is published (a zero day is published: 0). */
    days: number;
    totalDays: number;
  };
  daily: (Figure & { date: string; index: number | null })[];
}

/** index = 100 x count / mean, one decimal; null when the day is suppressed or the mean is null or 0. */
export function scaleIndex(count: number | null, mean: number | null): number | null {
  if (count === null || mean === null || mean <= 0) return null;
  return Math.round((1000 * count) / mean) / 10;
}

/**
 * Migration scale index (issue 16): 100 x a day's published outflow (or inflow) total / the mean published
 * daily total over the base days. Built only from published daily totals (sums of published cells), so
 * index x mean / 100 gives back a published figure and nothing else.
 */
export async function scale(
  db: Duck,
  q: {
    region: string;
    direction: 'out' | 'in';
    from: string;
    to: string;
    baseFrom: string;
    baseTo: string;
    k: number;
  },
  naming: Naming,
): Promise<Scale> {
  const one = (from: string, to: string) =>
    outflow(db, { origin: q.region, direction: q.direction, from, to, k: q.k }, naming);
  const [range, base] = [await one(q.from, q.to), await one(q.baseFrom, q.baseTo)];
  const used = base.daily.filter((d) => !d.suppressed).map((d) => d.count!);
  const mean = used.length ? used.reduce((s, x) => s + x, 0) / used.length : null;
  return {
    region: range.origin,
    direction: q.direction,
    from: q.from,
    to: q.to,
    k: q.k,
    method: methodNote(q.k),
    base: { from: q.baseFrom, to: q.baseTo, mean, days: used.length, totalDays: base.daily.length },
    daily: range.daily.map((d) => ({ ...d, index: scaleIndex(d.count, mean) })),
  };
}

/**
 * The first `n` days of the data window, capped at its end: the scale index's default baseline.
 * Without a window (nothing run) the query's own first days.
 */
export function firstDays(window: { from: string; to: string }, n: number): { from: string; to: string } {
  const last = daysBetween(window.from, window.to).slice(0, n).at(-1) ?? window.from;
  return { from: window.from, to: last };
}
