import type { FastifyRequest } from 'fastify';
import { HttpError } from '../errors.ts';
import type { Account, Accounts, Role } from './accounts.ts';
import { requireInScope } from './scope.ts';
import { SESSION_COOKIE } from './session.ts';

/** Who may call a route: anyone (no login), any logged-in account, or the listed roles. */
export type Access = 'anyone' | 'account' | readonly Role[];

/** The rules of one route. */
export interface RoutePolicy {
  access: Access;
  /** Query fields holding a division code that must lie within the account's regions. */
  scope?: readonly string[];
  /** Individual-level data: the query must carry `caseRef` (the case it serves); it is audited with the request. */
  caseRef?: boolean;
  /** Analytics query: date-span limits and the concurrency gate apply. */
  analytics?: boolean;
  /**
   * Aggregate answers kept per snapshot (src/snapshot/cache.ts): the handler computes through `req.cached`,
   * whose key holds everything the answer depends on. Never individual-level routes.
   */
  cache?: boolean;
}

/** Aggregates: admin reads them too (the demo's admin login sees the dashboard); never individual-level data. */
const AGGREGATES: readonly Role[] = ['admin', 'analyst', 'tracer'];
const ADMIN: readonly Role[] = ['admin'];
const TRACER: readonly Role[] = ['tracer'];

/** Policy for individual-level routes (issue 11): tracers only, with a case reference. */
export const INDIVIDUAL: RoutePolicy = { access: TRACER, caseRef: true, analytics: true };

/**
 * The one table from route to who may call it. A route missing here is refused
 * (403) at run time, and the route test fails for it.
 */
export const POLICY: Record<string, RoutePolicy> = {
  'GET /': { access: 'anyone' },
  'GET /*': { access: 'anyone' },
  'POST /api/login': { access: 'anyone' },
  'POST /api/logout': { access: 'anyone' },
  'GET /api/me': { access: 'account' },
  'GET /api/meta': { access: 'account' },
  'GET /api/divisions': { access: AGGREGATES },
  'GET /api/flows/outflow': { access: AGGREGATES, scope: ['origin'], analytics: true, cache: true },
  'GET /api/flows/inflow': { access: AGGREGATES, scope: ['dest'], analytics: true, cache: true },
  'GET /api/flows/scale': { access: AGGREGATES, scope: ['region'], analytics: true, cache: true },
  'GET /api/flows/returnees': { access: AGGREGATES, scope: ['city'], analytics: true, cache: true },
  'GET /api/geo/areas': { access: AGGREGATES, scope: ['city'], cache: true },
  // Risk (issue 12): aggregates of the risk tables, scoped on the city.
  'GET /api/risk/hours': { access: AGGREGATES, scope: ['city'], analytics: true, cache: true },
  'GET /api/risk/heatmap': { access: AGGREGATES, scope: ['city'], analytics: true, cache: true },
  'GET /api/risk/levels': { access: AGGREGATES, scope: ['city'], analytics: true, cache: true },
  'GET /api/risk/index': { access: AGGREGATES, scope: ['city'], analytics: true, cache: true },
  'GET /api/risk/alerts': { access: AGGREGATES, scope: ['city'], analytics: true, cache: true },
  // Risk sources (issue 12): aggregates over the published outflow and the registry's case counts per city.
  'GET /api/risk/sources': { access: AGGREGATES, scope: ['origin'], analytics: true, cache: true },
  // Forecast (issue 13): stored model runs and the registry's daily confirmed, aggregates only; the region is
  // checked against the account's scope (aggregates of several provinces need all regions: in the route).
  'GET /api/forecast/runs': { access: AGGREGATES, analytics: true, cache: true },
  'GET /api/forecast': { access: AGGREGATES, scope: ['region'], analytics: true, cache: true },
  'GET /api/forecast/params': { access: AGGREGATES, analytics: true, cache: true },
  // Reports (issue 17): aggregates of the routes above; the scope (origin, city or region, defaults included) is
  // checked in the route after the defaults are filled in; forecast groups need all regions, as /api/forecast.
  'GET /api/reports/:kind': {
    access: AGGREGATES,
    scope: ['origin', 'city', 'region'],
    analytics: true,
    cache: true,
  },
  // The public risk page and its data (issue 17): no login; latest day, protected aggregates only; cached per
  // snapshot (parameters checked against bounded lists first), so computations are gated and happen once.
  'GET /public': { access: 'anyone', analytics: true, cache: true },
  'GET /api/public/regions': { access: 'anyone', analytics: true, cache: true },
  'GET /api/public/levels': { access: 'anyone', analytics: true, cache: true },
  'GET /api/public/forecast': { access: 'anyone', analytics: true, cache: true },
  // Status (issue 14): the snapshot served and the jobs' progress; failure reasons and file names for admins only.
  'GET /api/status': { access: 'account' },
  'GET /api/admin/jobs': { access: ADMIN },
  'GET /api/admin/accounts': { access: ADMIN },
  'POST /api/admin/accounts': { access: ADMIN },
  'POST /api/admin/accounts/:username/renew': { access: ADMIN },
  'POST /api/admin/accounts/:username/disable': { access: ADMIN },
  'POST /api/admin/accounts/:username/passwd': { access: ADMIN },
  // Verifying walks the whole chain: gated like an analytics query.
  'GET /api/admin/audit': { access: ADMIN, analytics: true },
  // The tracer's module (issue 11): individual-level, tracers only; cases filtered by region in the route.
  'GET /api/cases': { access: TRACER },
  'GET /api/cases/:ref/trajectory': INDIVIDUAL,
  'GET /api/cases/:ref/companions': INDIVIDUAL,
  'GET /api/cases/:ref/companions.csv': INDIVIDUAL,
};

/** The policy key of a route; HEAD shares its GET's policy. */
export function policyKey(method: string, url: string): string {
  return `${method === 'HEAD' ? 'GET' : method} ${url}`;
}

const CASE_REF = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in account, set by `authorize` (null when the route needs none and none is there). */
    account: Account | null;
  }
}

/**
 * Authorizes a request against its route's policy: 401 without a session where
 * one is needed, 403 for a role or region outside the policy, 400 for a
 * missing case reference. Sets `req.account`.
 */
export function authorize(accounts: Accounts, req: FastifyRequest, policy: RoutePolicy | undefined): void {
  const token = req.cookies[SESSION_COOKIE];
  req.account = token ? accounts.session(token) : null;
  if (!policy) throw new HttpError(403, 'this route has no access policy');
  if (policy.access === 'anyone') return;
  const a = req.account;
  if (!a) throw new HttpError(401, 'not logged in');
  if (policy.access !== 'account' && !policy.access.includes(a.role))
    throw new HttpError(403, `role ${a.role} may not use this route`);
  const q = (req.query ?? {}) as Record<string, unknown>;
  if (policy.caseRef) {
    const ref = q['caseRef'];
    if (typeof ref !== 'string' || !CASE_REF.test(ref))
      throw new HttpError(
        400,
        'caseRef: individual-level queries need the case reference they serve',
        'caseRef',
      );
  }
  for (const field of policy.scope ?? []) {
    const code = q[field];
    // A malformed code is left to the route's validation, which answers 400 naming the field.
    if (typeof code === 'string' && /^\d{6}$/.test(code)) requireInScope(a, code, field);
  }
}
