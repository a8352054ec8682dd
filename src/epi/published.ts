import type { Duck } from '../db/duck.ts';
import { listRuns, observedSeries, observedTotals } from './store.ts';
import type { RunSummary, StoredRegion } from './store.ts';

/**
 * What the forecast routes publish from the stored runs (issue 13), shared by /api/forecast, the reports
 * (issue 17) and the public page: which regions are served, and the observed daily confirmed as published.
 */

/**
 * Every stored run with the regions served: a city's forecast grows from its own few cases, so a city with fewer
 * than k confirmed in the fitted days is not listed and not served. A group (the country included) is served only
 * when its members hold >= k confirmed in all and its members not served as cities hold 0 or >= k: a province
 * whose only case city has 2 cases would otherwise publish that city's forecast, and a group minus its served
 * cities would give away a small city's.
 */
export async function servedRuns(duck: Duck, k: number): Promise<RunSummary[]> {
  const all = await listRuns(duck);
  return Promise.all(
    all.map(async (r) => {
      const totals = await observedTotals(duck, r.run);
      const served = (code: string): boolean => (totals.get(code) ?? 0) >= k;
      return {
        ...r,
        regions: r.regions.filter((g) => {
          if (g.kind === 'region') return served(g.code);
          const total = g.members.reduce((s, m) => s + (totals.get(m) ?? 0), 0);
          const unserved = g.members.reduce((s, m) => s + (served(m) ? 0 : (totals.get(m) ?? 0)), 0);
          return total >= k && (unserved === 0 || unserved >= k);
        }),
      };
    }),
  );
}

/** One published day: counts below k suppressed (as risk levels publish registry counts); groups sum published cells. */
export interface ObservedDay {
  day: string;
  count: number | null;
  suppressed: boolean;
  suppressedCells: number;
  fitted: number | null;
}

/** The observed daily confirmed of a stored region or group, as published. */
export async function publishedObserved(
  duck: Duck,
  r: RunSummary,
  region: StoredRegion,
  k: number,
): Promise<ObservedDay[]> {
  const own = await observedSeries(duck, r.run, region.code);
  if (region.kind === 'region')
    return own.map((o) => ({
      day: o.day,
      // A true zero is not a small count: it is published as 0.
      count: o.confirmed >= k || o.confirmed === 0 ? o.confirmed : null,
      suppressed: o.confirmed < k && o.confirmed > 0,
      suppressedCells: o.confirmed < k && o.confirmed > 0 ? 1 : 0,
      // The filter tracks what it assimilates: a fitted value beside a suppressed count would all but give it away.
      fitted: o.confirmed < k && o.confirmed > 0 ? null : o.fitted,
    }));
  // A group: the members' own cells. Members without a stored series had no case (only cities with a case are
  // stored); a stored member that is not served counts as a suppressed cell on each of its days with cases, never
  // as 0, and so does a served member's day below k.
  const sums = new Map(
    own.map((o) => [o.day, { count: 0, published: 0, suppressedCells: 0, fitted: o.fitted }]),
  );
  const totals = await observedTotals(duck, r.run);
  const servedCities = new Set(r.regions.filter((g) => g.kind === 'region').map((g) => g.code));
  for (const m of region.members) {
    if ((totals.get(m) ?? 0) === 0) continue;
    const served = servedCities.has(m);
    for (const o of await observedSeries(duck, r.run, m)) {
      const s = sums.get(o.day);
      if (!s) continue;
      if (served && o.confirmed >= k) {
        s.count += o.confirmed;
        s.published++;
      } else if (o.confirmed > 0) s.suppressedCells++;
    }
  }
  return [...sums].map(([day, s]) => ({
    day,
    // Nothing published on the day: null, not 0. Some cells left out: the published sum, without its fitted line.
    count: s.published === 0 && s.suppressedCells > 0 ? null : s.count,
    suppressed: s.published === 0 && s.suppressedCells > 0,
    suppressedCells: s.suppressedCells,
    fitted: s.suppressedCells > 0 ? null : s.fitted,
  }));
}
