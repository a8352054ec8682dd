import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HttpError, UserError } from '../errors.ts';
import { loadDivisions } from '../geo/divisions.ts';
import type { AuditLog } from '../privacy/audit.ts';
import { platformFit } from '../risk/sources-platform.ts';
import type { Accounts } from './accounts.ts';
import { divisionNaming } from './routes-flows.ts';
import { requireAccount } from './session.ts';
import { isoDate, parse } from './validate.ts';

const SourcesQuery = z.object({
  origin: z.string().regex(/^\d{6}$/, 'expected a 6-digit city code'),
  from: isoDate,
  to: isoDate,
  model: z.enum(['loglog', 'linear']).default('loglog'),
  casesTo: isoDate.optional(),
});

/** GET /api/risk/sources: Jia et al. 2020's regression on the workspace's published outflow and its case registry. */
export async function registerRiskSources(
  app: FastifyInstance,
  d: { k: number; accounts: Accounts; audit: AuditLog },
): Promise<void> {
  const div = loadDivisions();
  const cities = new Set(div.list('city').map((c) => c.code));
  const naming = divisionNaming();

  app.get('/api/risk/sources', async (req) => {
    const account = requireAccount(d.accounts, req);
    const q = parse(SourcesQuery, req.query);
    if (!cities.has(q.origin)) throw new HttpError(400, `origin: ${q.origin} is not a city code`, 'origin');
    if (q.from > q.to) throw new HttpError(400, `from: ${q.from} is after to ${q.to}`, 'from');
    d.audit.record(account.username, 'risk.sources', q);
    const { duck, info } = req.snapshot;
    const head = {
      synthetic: info.synthetic,
      origin: q.origin,
      originName: naming.name(q.origin),
      from: q.from,
      to: q.to,
      casesTo: q.casesTo ?? null,
      model: q.model,
      k: d.k,
    };
    // A valid question the data cannot answer (too few destinations above k, no case registry) is said, not
    // a 4xx; that answer is kept like any other.
    const fitted = await req.cached(q, async () => {
      try {
        return { r: await platformFit(duck, { ...q, k: d.k }, q.model, naming), problem: null };
      } catch (e) {
        if (e instanceof UserError) return { r: null, problem: e.message };
        throw e;
      }
    });
    const r = fitted.r;
    if (!r)
      return {
        ...head,
        n: 0,
        fit: null,
        points: [],
        excluded: [],
        epicentreCases: 0,
        unplacedCases: 0,
        problem: fitted.problem,
      };
    return {
      ...head,
      n: r.n,
      fit: {
        slope: r.fit.slope,
        intercept: r.fit.intercept,
        r: r.fit.r,
        r2: r.fit.r2,
        residualSe: r.fit.residualSe,
        level: r.fit.level,
        t: r.fit.t,
      },
      points: r.points.map((p) => ({
        code: p.code,
        name: p.name,
        outflow: p.outflow,
        cases: p.cases,
        predicted: p.predicted,
        lower: p.lower,
        upper: p.upper,
        flagged: p.flagged,
      })),
      excluded: r.excluded,
      epicentreCases: r.epicentreCases,
      unplacedCases: r.unplacedCases,
      problem: null,
    };
  });
}
