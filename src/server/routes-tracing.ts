import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Duck } from '../db/duck.ts';
import { HttpError, UserError } from '../errors.ts';
import type { AuditLog } from '../privacy/audit.ts';
import type { CaseRecord, CompanionOptions, CompanionResult, Trajectory, Window } from '../tracing/types.ts';
import type { Account, Accounts } from './accounts.ts';
import { inScope } from './scope.ts';
import { requireAccount } from './session.ts';
import { MissCounter } from './tracing-misses.ts';
import { isoDate, parse } from './validate.ts';

/** The engine's functions the routes use (src/tracing/), passed in so the routes depend on the contract only. */
export interface TracingEngine {
  listCases(db: Duck): Promise<CaseRecord[]>;
  getCase(db: Duck, ref: string): Promise<CaseRecord | null>;
  trajectory(db: Duck, ref: string, window?: Window): Promise<Trajectory>;
  companions(db: Duck, ref: string, options: CompanionOptions): Promise<CompanionResult>;
  companionsCsv(result: CompanionResult): string;
}

/**
 * Bounds of the companion query. 15 minutes is one co-presence time bin (docs/design.md), so a smaller
 * threshold means nothing; above a day of shared presence only household members remain. A tolerance above
 * 1 km would pull in whole districts: a policy bound for proportionality, not an external figure.
 */
export const COMPANION_BOUNDS = { minMinutes: [15, 1440], toleranceMeters: [0, 1000] } as const;

const Ref = z.object({
  ref: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/, 'not a case reference'),
});

const Individual = {
  caseRef: z.string(),
  from: isoDate.optional(),
  to: isoDate.optional(),
};

const TrajectoryQuery = z.object(Individual);

const CompanionsQuery = z.object({
  ...Individual,
  minMinutes: z.coerce
    .number()
    .int('expected whole minutes')
    .min(COMPANION_BOUNDS.minMinutes[0])
    .max(COMPANION_BOUNDS.minMinutes[1])
    .default(60),
  degree: z.enum(['1', '2'], { message: 'expected 1 or 2' }).default('1'),
  toleranceMeters: z.coerce
    .number()
    .int('expected whole metres')
    .min(COMPANION_BOUNDS.toleranceMeters[0])
    .max(COMPANION_BOUNDS.toleranceMeters[1])
    .default(0),
});

/** The window of a query: from 00:00 of `from` to 00:00 after `to` (dates inclusive), or the engine's default. */
function windowOf(q: { from?: string | undefined; to?: string | undefined }): Window | undefined {
  if (q.from === undefined && q.to === undefined) return undefined;
  if (q.from === undefined) throw new HttpError(400, 'from: give both from and to, or neither', 'from');
  if (q.to === undefined) throw new HttpError(400, 'to: give both from and to, or neither', 'to');
  if (q.from > q.to) throw new HttpError(400, `from: ${q.from} is after to ${q.to}`, 'from');
  const next = new Date(Date.parse(`${q.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { from: `${q.from} 00:00:00`, to: `${next} 00:00:00` };
}

/**
 * Whether a case lies within an account's regions: decided by where the health authority reported it (its
 * county, else its city). A case reported nowhere is seen only by nationwide ('*') accounts. Its companions
 * are shown wherever they are: tracing crosses borders.
 */
export function caseInScope(
  account: Pick<Account, 'regions'>,
  c: Pick<CaseRecord, 'county' | 'city'>,
): boolean {
  const code = c.county ?? c.city;
  return code === null ? account.regions.trim() === '*' : inScope(account.regions, code);
}

/** The list's view of a case: no pseudonym (the trajectory has it), only whether the records matched one. */
function listed(c: CaseRecord) {
  const { userId, ...rest } = c;
  return { ...rest, matched: userId !== null };
}

/** GET /api/cases, /api/cases/:ref/trajectory, /api/cases/:ref/companions[.csv] (tracers; src/server/policy.ts). */
export async function registerTracing(
  app: FastifyInstance,
  d: {
    accounts: Accounts;
    audit: AuditLog;
    engine: TracingEngine;
    now: () => Date;
  },
): Promise<void> {
  const misses = new MissCounter(() => d.now().getTime());

  const engineCall = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (e) {
      // The engine's expected failures (e.g. a window outside the data) are the caller's to fix.
      if (e instanceof UserError) throw new HttpError(400, e.message);
      throw e;
    }
  };

  /**
   * The case a request serves: 400 when `caseRef` is not `:ref`; the same 404 for an unknown case and for one
   * outside the account's regions, so refs cannot be probed; 422 for a case with no records; 429 after too
   * many misses.
   */
  const caseOf = async (req: FastifyRequest, account: Account, caseRef: string): Promise<CaseRecord> => {
    const { ref } = parse(Ref, req.params);
    misses.check(account.username);
    if (caseRef !== ref)
      throw new HttpError(400, `caseRef: ${caseRef} is not the case of this request (${ref})`, 'caseRef');
    const c = await d.engine.getCase(req.snapshot.duck, ref);
    if (!c || !caseInScope(account, c)) {
      misses.miss(account.username);
      throw new HttpError(404, `ref: no case ${ref} within the regions of this account`, 'ref');
    }
    if (c.userId === null)
      throw new HttpError(
        422,
        `ref: case ${ref} matched no subscriber of the operator: there are no records to trace`,
        'ref',
      );
    return c;
  };

  const audited = (
    req: FastifyRequest,
    account: Account,
    action: string,
    detail: Record<string, unknown>,
  ) => {
    req.auditDetail = detail;
    d.audit.record(account.username, action, { via: 'api', ...detail });
  };

  app.get('/api/cases', async (req) => {
    const account = requireAccount(d.accounts, req);
    const cases = (await d.engine.listCases(req.snapshot.duck)).filter((c) => caseInScope(account, c));
    audited(req, account, 'trace.cases', { people: cases.length });
    return { cases: cases.map(listed), synthetic: req.snapshot.info.synthetic };
  });

  app.get('/api/cases/:ref/trajectory', async (req) => {
    const account = requireAccount(d.accounts, req);
    const q = parse(TrajectoryQuery, req.query);
    const c = await caseOf(req, account, q.caseRef);
    const window = windowOf(q);
    const t = await engineCall(() => d.engine.trajectory(req.snapshot.duck, c.ref, window));
    audited(req, account, 'trace.trajectory', {
      caseRef: c.ref,
      window: t.window,
      people: 1,
      dwells: t.dwells.length,
    });
    return { ...t, synthetic: req.snapshot.info.synthetic };
  });

  const companionsOf = async (req: FastifyRequest, format: 'json' | 'csv') => {
    const account = requireAccount(d.accounts, req);
    const q = parse(CompanionsQuery, req.query);
    const c = await caseOf(req, account, q.caseRef);
    const window = windowOf(q);
    const options: CompanionOptions = {
      minMinutes: q.minMinutes,
      degree: q.degree === '2' ? 2 : 1,
      toleranceMeters: q.toleranceMeters,
      ...(window ? { window } : {}),
    };
    const r = await engineCall(() => d.engine.companions(req.snapshot.duck, c.ref, options));
    audited(req, account, 'trace.companions', {
      caseRef: c.ref,
      format,
      window: r.window,
      minMinutes: options.minMinutes,
      degree: options.degree,
      toleranceMeters: options.toleranceMeters,
      people: r.companions.length,
    });
    return r;
  };

  app.get('/api/cases/:ref/companions', async (req) => ({
    ...(await companionsOf(req, 'json')),
    synthetic: req.snapshot.info.synthetic,
  }));

  app.get('/api/cases/:ref/companions.csv', async (req, reply) => {
    const r = await companionsOf(req, 'csv');
    const { synthetic } = req.snapshot.info;
    // The file itself cannot carry a banner without breaking CSV readers: its name says it is synthetic.
    const name = `${synthetic ? 'SYNTHETIC-' : ''}companions-${r.case.ref.replace(/[^A-Za-z0-9._-]/g, '_')}.csv`;
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('x-epitrace-synthetic', String(synthetic))
      .send(d.engine.companionsCsv(r));
  });
}
