import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Duck } from '../db/duck.ts';
import { HttpError } from '../errors.ts';
import {
  forecastSeries,
  hasForecast,
  listRuns,
  observedSeries,
  observedTotals,
  paramTrajectory,
} from '../epi/store.ts';
import type { RunSummary, StoredRegion } from '../epi/store.ts';
import { QUANTITIES } from '../epi/types.ts';
import type { AuditLog } from '../privacy/audit.ts';
import type { Account, Accounts } from './accounts.ts';
import { inScope } from './scope.ts';
import { requireAccount } from './session.ts';
import { parse } from './validate.ts';

// A run id is a small whole number; a longer string is refused before it reaches the database.
const run = z
  .string()
  .regex(/^[1-9]\d{0,8}$/, 'expected a run number (see /api/forecast/runs)')
  .transform(Number);
const RunQuery = z.object({ run });
const ForecastQuery = z.object({
  run,
  region: z.string().regex(/^(\d{6}|CN|CN-X\d{6})$/, 'expected a 6-digit code, CN or CN-X<province>'),
  quantity: z.enum(QUANTITIES),
  scenario: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected a scenario name')
    .default('baseline'),
});

/** An account sees a region within its scope; an aggregate of several provinces (CN, CN-X...) needs all regions. */
function visible(account: Account, code: string): boolean {
  return /^\d{6}$/.test(code) ? inScope(account.regions, code) : account.regions.trim() === '*';
}

/** One published day: counts below k suppressed (as risk levels publish registry counts); groups sum published cells. */
export interface ObservedDay {
  day: string;
  count: number | null;
  suppressed: boolean;
  suppressedCells: number;
  fitted: number | null;
}

/**
 * GET /api/forecast/runs, /api/forecast, /api/forecast/params (issue 13): stored forecast runs, aggregates
 * only. Observed daily confirmed counts follow the registry counts' rule (src/risk/query.ts): below k they are
 * suppressed; a group's count is the sum of its members' published counts, with the suppressed ones counted.
 */
export async function registerForecast(
  app: FastifyInstance,
  d: { k: number; accounts: Accounts; audit: AuditLog },
): Promise<void> {
  /**
   * Every stored run with the regions served, for any account: the same for every request on a snapshot,
   * so kept with its answers; each route filters it by the account's regions afterwards.
   */
  const runs = (req: FastifyRequest): Promise<RunSummary[]> => {
    const duck = req.snapshot.duck;
    return req.cached('forecast.runs.all', () => servedRuns(duck, d.k));
  };
  const findRun = async (req: FastifyRequest, id: number): Promise<RunSummary> => {
    const r = (await runs(req)).find((x) => x.run === id);
    if (!r) throw new HttpError(400, `run: no forecast run ${id}`, 'run');
    return r;
  };

  app.get('/api/forecast/runs', async (req) => {
    const account = requireAccount(d.accounts, req);
    d.audit.record(account.username, 'forecast.runs', {});
    // Filtered per account after the cache: the stored list is every account's.
    const list = (await runs(req)).map((r) => ({
      ...r,
      regions: r.regions.filter((g) => visible(account, g.code)),
    }));
    return { synthetic: req.snapshot.info.synthetic, k: d.k, runs: list };
  });

  app.get('/api/forecast', async (req) => {
    const account = requireAccount(d.accounts, req);
    const q = parse(ForecastQuery, req.query);
    if (!visible(account, q.region))
      throw new HttpError(403, `region: ${q.region} is outside the regions of this account`, 'region');
    const r = await findRun(req, q.run);
    const region = r.regions.find((g) => g.code === q.region);
    if (!region)
      throw new HttpError(
        400,
        `region: ${q.region} has no published forecast in run ${q.run} (no case, or fewer than k = ${d.k} confirmed)`,
        'region',
      );
    if (!r.scenarios.some((s) => s.name === q.scenario))
      throw new HttpError(400, `scenario: no scenario ${q.scenario} in run ${q.run}`, 'scenario');
    d.audit.record(account.username, 'forecast.series', q);
    // The region was checked against the account above; the answer itself depends on the query only.
    const { duck, info } = req.snapshot;
    const { observed, forecast } = await req.cached(q, async () => ({
      observed: q.quantity === 'confirmed' ? await published(duck, r, region, d.k) : [],
      forecast: await forecastSeries(duck, q),
    }));
    return {
      synthetic: info.synthetic || r.synthetic,
      run: q.run,
      region: { code: region.code, name: region.name, population: region.population, kind: region.kind },
      quantity: q.quantity,
      scenario: q.scenario,
      origin: r.origin,
      k: d.k,
      observed,
      forecast,
    };
  });

  app.get('/api/forecast/params', async (req) => {
    const account = requireAccount(d.accounts, req);
    const q = parse(RunQuery, req.query);
    const r = await findRun(req, q.run);
    d.audit.record(account.username, 'forecast.params', q);
    const duck = req.snapshot.duck;
    const params = await req.cached(q, async () => {
      const byParam: Record<string, { day: string; mean: number; lower: number; upper: number }[]> = {};
      for (const p of await paramTrajectory(duck, q.run)) {
        const { param, ...rest } = p;
        (byParam[param] ??= []).push(rest);
      }
      return byParam;
    });
    return { synthetic: req.snapshot.info.synthetic || r.synthetic, run: q.run, origin: r.origin, params };
  });
}

/**
 * Every stored run with the regions it may serve (the same for every account; routes filter by scope after):
 * a 409 without a forecast. A city's forecast grows from its own few cases: a city with fewer than k confirmed
 * in the fitted days is not listed and not served (groups are), and the message for it is the one for a city
 * with no case. Shared by /api/forecast and the public page (src/public/data.ts).
 */
export async function servedRuns(duck: Duck, k: number): Promise<RunSummary[]> {
  if (!(await hasForecast(duck)))
    throw new HttpError(409, "the workspace has no forecast yet: run 'epitrace forecast build'");
  const all = await listRuns(duck);
  return Promise.all(
    all.map(async (r) => {
      const totals = await observedTotals(duck, r.run);
      return { ...r, regions: r.regions.filter((g) => g.kind === 'group' || (totals.get(g.code) ?? 0) >= k) };
    }),
  );
}

/** The observed daily confirmed of a stored region or group, as published. */
export async function published(
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
  // A group: the members' own cells (members without a stored series had no case: zeros).
  const sums = new Map(
    own.map((o) => [o.day, { count: 0, published: 0, suppressedCells: 0, fitted: o.fitted }]),
  );
  for (const m of region.members) {
    if (!r.regions.some((g) => g.code === m && g.kind === 'region')) continue;
    for (const o of await observedSeries(duck, r.run, m)) {
      const s = sums.get(o.day);
      if (!s) continue;
      if (o.confirmed >= k) {
        s.count += o.confirmed;
        s.published++;
      } else if (o.confirmed > 0) s.suppressedCells++;
    }
  }
  return [...sums].map(([day, s]) => ({
    day,
    count: s.published === 0 && s.suppressedCells > 0 ? null : s.count,
    suppressed: s.published === 0 && s.suppressedCells > 0,
    suppressedCells: s.suppressedCells,
    fitted: s.published === 0 && s.suppressedCells > 0 ? null : s.fitted,
  }));
}
