import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HttpError, UserError } from '../errors.ts';
import { loadDivisions } from '../geo/divisions.ts';
import type { AuditLog } from '../privacy/audit.ts';
import { areaLabels } from '../risk/areas.ts';
import { heatmap } from '../risk/heatmap.ts';
import {
  alertsOf,
  checkRiskDay,
  indexOf,
  levelsOf,
  riskHours,
  riskKProblem,
  riskMeta,
} from '../risk/query.ts';
import type { RiskMeta } from '../risk/query.ts';
import type { Accounts } from './accounts.ts';
import { requireAccount } from './session.ts';
import { isoDate, parse } from './validate.ts';

const city = z.string().regex(/^\d{6}$/, 'expected a 6-digit city code');
const day = isoDate;
const hour = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}$/, 'expected an hour YYYY-MM-DDTHH')
  .refine((s) => isoDate.safeParse(s.slice(0, 10)).success && Number(s.slice(11)) < 24, {
    message: 'not a calendar hour',
  });

const HoursQuery = z.object({ city });
const HeatmapQuery = z.object({ city, hour, kind: z.enum(['grid', 'community']).default('grid') });
const LevelsQuery = z.object({
  city,
  day,
  level: z.enum(['county', 'street', 'community']).default('county'),
});
const IndexQuery = z.object({
  city,
  day,
  level: z.enum(['city', 'county', 'street', 'community']).default('county'),
});
const AlertsQuery = z.object({ city, day });

/** GET /api/risk/hours, /heatmap, /levels, /index, /alerts (issue 12): aggregates of the risk tables. */
export async function registerRisk(
  app: FastifyInstance,
  d: { k: number; accounts: Accounts; audit: AuditLog },
): Promise<void> {
  const cities = new Set(
    loadDivisions()
      .list('city')
      .map((c) => c.code),
  );
  const checkCity = (code: string): void => {
    if (!cities.has(code)) throw new HttpError(400, `city: ${code} is not a city code`, 'city');
  };
  /** The build's options; 409 when the tables are missing or were protected with a smaller k than the server's. */
  const meta = async (req: FastifyRequest): Promise<RiskMeta> => {
    let m: RiskMeta;
    try {
      // The same for every request on a snapshot: kept with its answers (and computed through the gate).
      const duck = req.snapshot.duck;
      m = await req.cached('risk.meta', () => riskMeta(duck));
    } catch (e) {
      if (e instanceof UserError) throw new HttpError(409, e.message);
      throw e;
    }
    const problem = riskKProblem(m, d.k);
    if (problem) throw new HttpError(409, problem);
    return m;
  };

  app.get('/api/risk/hours', async (req) => {
    const account = requireAccount(d.accounts, req);
    const q = parse(HoursQuery, req.query);
    checkCity(q.city);
    await meta(req);
    d.audit.record(account.username, 'risk.hours', q);
    const { duck, info } = req.snapshot;
    return {
      synthetic: info.synthetic,
      city: q.city,
      ...(await req.cached(q, () => riskHours(duck, q.city))),
    };
  });

  app.get('/api/risk/heatmap', async (req) => {
    const account = requireAccount(d.accounts, req);
    const q = parse(HeatmapQuery, req.query);
    checkCity(q.city);
    const m = await meta(req);
    checkRiskDay(m, q.hour, 'hour');
    d.audit.record(account.username, 'risk.heatmap', q);
    const { duck, info } = req.snapshot;
    const h = await req.cached(q, () =>
      heatmap(
        duck,
        { city: q.city, hour: `${q.hour.slice(0, 10)} ${q.hour.slice(11)}:00:00`, kind: q.kind, k: d.k },
        (codes) => areaLabels(duck, 'community', codes),
      ),
    );
    return { synthetic: info.synthetic, ...h, hour: q.hour, set: m.set };
  });

  app.get('/api/risk/levels', async (req) => {
    const account = requireAccount(d.accounts, req);
    const q = parse(LevelsQuery, req.query);
    checkCity(q.city);
    checkRiskDay(await meta(req), q.day, 'day');
    d.audit.record(account.username, 'risk.levels', q);
    const { duck, info } = req.snapshot;
    return {
      synthetic: info.synthetic,
      ...q,
      areas: await req.cached(q, () => levelsOf(duck, { ...q, k: d.k })),
    };
  });

  app.get('/api/risk/index', async (req) => {
    const account = requireAccount(d.accounts, req);
    const q = parse(IndexQuery, req.query);
    checkCity(q.city);
    const m = await meta(req);
    checkRiskDay(m, q.day, 'day');
    d.audit.record(account.username, 'risk.index', q);
    const { duck, info } = req.snapshot;
    return {
      synthetic: info.synthetic,
      ...q,
      weights: m.weights,
      areas: await req.cached(q, () => indexOf(duck, q)),
    };
  });

  app.get('/api/risk/alerts', async (req) => {
    const account = requireAccount(d.accounts, req);
    const q = parse(AlertsQuery, req.query);
    checkCity(q.city);
    checkRiskDay(await meta(req), q.day, 'day');
    d.audit.record(account.username, 'risk.alerts', q);
    const { duck, info } = req.snapshot;
    return { synthetic: info.synthetic, ...q, alerts: await req.cached(q, () => alertsOf(duck, q)) };
  });
}
