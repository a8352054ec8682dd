import type { Duck } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import type { CaseRecord, Window } from './types.ts';

/**
 * Days of a default window: the "last 15 days" of a case, i.e. 14 days before the confirmation day (the
 * usual quarantine span; Lauer et al., Ann Intern Med 2020, put ~99% of incubation periods under 14 days) plus that day.
 */
export const WINDOW_DAYS = 15;

const DAY_MS = 86_400_000;
const TS = /^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?$/;

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** A date or timestamp as 'YYYY-MM-DD HH:MM:SS' (a bare date is its midnight), or a UserError naming it. */
export function timestamp(v: string, what: string): string {
  if (!TS.test(v) || Number.isNaN(Date.parse(v.replace(' ', 'T') + 'Z')))
    throw new UserError(`${what} must be YYYY-MM-DD or 'YYYY-MM-DD HH:MM:SS', got '${v}'`);
  return v.length === 10 ? `${v} 00:00:00` : v;
}

/**
 * The case's default window: the 15 calendar days ending with its confirmation day, i.e.
 * [confirmed - 14 days, confirmed + 1 day); a case with no confirmation date (a suspect) ends with the last
 * day of the data.
 */
export async function defaultWindow(db: Duck, c: CaseRecord): Promise<Window> {
  let last = c.confirmed;
  if (!last) {
    const r = await db.one<{ d: string | null }>(
      `SELECT strftime(max(end_ts), '%Y-%m-%d') AS d FROM trace_stays_user`,
    );
    if (!r?.d) throw new UserError(`the workspace has no stays yet: run 'epitrace run' first`);
    last = r.d;
  }
  return { from: `${addDays(last, 1 - WINDOW_DAYS)} 00:00:00`, to: `${addDays(last, 1)} 00:00:00` };
}

/** The window to use: the given one (checked) or the case's default. */
export async function resolveWindow(db: Duck, c: CaseRecord, w?: Window): Promise<Window> {
  if (!w) return defaultWindow(db, c);
  const from = timestamp(w.from, 'window start');
  const to = timestamp(w.to, 'window end');
  if (from >= to) throw new UserError(`window start ${from} is not before its end ${to}`);
  return { from, to };
}
