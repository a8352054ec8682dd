/**
 * Scenarios: mobility cuts applied to the daily OD flows of a forecast
 * (issue 13). A cut scales every pair that leaves OR enters a listed region by
 * 1 - cut from the scenario's date on: Li et al. (Science 368, 489-493, 2020)
 * model the 23 January 2020 Wuhan lockdown as travel stopped both out of and
 * into the city, and a region closed to departures only would still import
 * cases, which is not what "cut mobility of a region" means to its users.
 */
import { UserError } from '../errors.ts';
import type { DailyFlows } from './model.ts';
import type { EpiRegion, Scenario } from './types.ts';

/** The ISO date `n` days after `day` (UTC calendar). */
export function addDays(day: string, n: number): string {
  const t = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(t)) throw new UserError(`not a date (YYYY-MM-DD): ${day}`);
  return new Date(t + n * 86_400_000).toISOString().slice(0, 10);
}

/** Which regions (by index) a scenario's cut touches; '*' = all. Unknown codes are a UserError naming them. */
export function cutRegions(regions: readonly EpiRegion[], scenario: Scenario): Uint8Array {
  const touched = new Uint8Array(regions.length);
  const cut = scenario.mobilityCut;
  if (!cut) return touched;
  if (!(cut.cut >= 0 && cut.cut <= 1))
    throw new UserError(`scenario ${scenario.name}: cut must be between 0 and 1, got ${cut.cut}`);
  const index = new Map(regions.map((r, i) => [r.code, i]));
  for (const code of cut.regions) {
    if (code === '*') touched.fill(1);
    else {
      const i = index.get(code);
      if (i === undefined) throw new UserError(`scenario ${scenario.name}: unknown region ${code}`);
      touched[i] = 1;
    }
  }
  return touched;
}

/** A day's flows with every pair out of or into a touched region scaled by `factor` (a new object; the input is not changed). */
export function scaleFlows(flows: DailyFlows, touched: Uint8Array, factor: number): DailyFlows {
  const people = Float64Array.from(flows.people, (v, k) =>
    touched[flows.origin[k]!] || touched[flows.dest[k]!] ? v * factor : v,
  );
  return { origin: flows.origin, dest: flows.dest, people };
}

/**
 * The flows of `days` forecast days, day d being date `firstDate` + d, taking
 * `flows[min(d, length - 1)]` and cutting it from the scenario's date on. Each
 * source day is scaled once and the result reused, so the integrator's
 * per-object flow cache keeps working. Empty flows stay empty (no travel).
 */
export function scenarioFlows(
  flows: readonly DailyFlows[],
  regions: readonly EpiRegion[],
  scenario: Scenario,
  firstDate: string,
  days: number,
): DailyFlows[] {
  if (flows.length === 0) return [];
  const cut = scenario.mobilityCut;
  const touched = cutRegions(regions, scenario);
  if (cut) addDays(cut.from, 0); // validates the date
  const scaled = new Map<DailyFlows, DailyFlows>();
  return Array.from({ length: days }, (_, d) => {
    const base = flows[Math.min(d, flows.length - 1)]!;
    if (!cut || addDays(firstDate, d) < cut.from) return base;
    let s = scaled.get(base);
    if (!s) {
      s = scaleFlows(base, touched, 1 - cut.cut);
      scaled.set(base, s);
    }
    return s;
  });
}
