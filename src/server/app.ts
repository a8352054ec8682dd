import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Database } from 'better-sqlite3';
import type { Duck } from '../db/duck.ts';
import { HttpError } from '../errors.ts';
import { JobStore } from '../jobs/store.ts';
import type { AuditLog } from '../privacy/audit.ts';
import * as tracingEngine from '../tracing/index.ts';
import type { WorkspaceInfo } from '../workspace.ts';
import { Accounts } from './accounts.ts';
import { DEFAULT_LIMITS, Gate, RetryLater, checkDateRange, limited } from './limits.ts';
import type { Limits } from './limits.ts';
import { POLICY, authorize, policyKey } from './policy.ts';
import { RefusedFlood, logRequest } from './request-log.ts';
import { registerAdmin } from './routes-admin.ts';
import { registerAuth } from './routes-auth.ts';
import { registerFlows } from './routes-flows.ts';
import { registerForecast } from './routes-forecast.ts';
import { registerGeo } from './routes-geo.ts';
import { registerRisk } from './routes-risk.ts';
import { registerRiskSources } from './routes-risk-sources.ts';
import { registerStatus } from './routes-status.ts';
import { registerTracing } from './routes-tracing.ts';
import { checkOrigin, securityHeaders } from './security.ts';
import { LoginThrottle } from './throttle.ts';

/** Everything the server needs, passed in (house style 10). */
export interface ServerDeps {
  duck: Duck;
  appDb: Database;
  audit: AuditLog;
  info: WorkspaceInfo;
  k: number;
  now?: () => Date;
  logger?: boolean;
  /** Built dashboard; served at / when present. */
  webDist?: string;
  limits?: Partial<Limits>;
  /** Mark the session cookie Secure (serving behind HTTPS). */
  secureCookies?: boolean;
  /** Trust X-Forwarded-* from a reverse proxy; the cookie is then Secure when X-Forwarded-Proto is https. */
  trustProxy?: boolean;
  /** A connection silent this long is closed (a declared body that never comes); default IDLE_TIMEOUT_MS. */
  idleTimeoutMs?: number;
  /** Background jobs (app.sqlite's jobs table); default: a store on `appDb`. */
  jobs?: JobStore;
  /** The landing folder whose waiting files /api/status counts; none when not watched. */
  landing?: { dir: string };
}

/**
 * Connections idle this long are closed: a request that declares a body and never sends it would otherwise
 * hold a socket for ever. Longer than the longest legitimate silence: a query's queue wait plus its budget
 * (src/server/limits.ts: 20 s + 30 s).
 */
export const IDLE_TIMEOUT_MS = 60_000;

export const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const LIMITED = Symbol('limited');

/** Route keys ("METHOD /url") registered on a server, for the policy test. */
export const ROUTES = new WeakMap<FastifyInstance, string[]>();

/** Builds the HTTP server: the API under /api, the dashboard at /. */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const now = deps.now ?? (() => new Date());
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: 64 * 1024,
    trustProxy: deps.trustProxy ?? false,
    connectionTimeout: deps.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
  });
  const accounts = new Accounts(deps.appDb, now);
  const audit = deps.audit;
  const throttle = new LoginThrottle(() => now().getTime());
  const gate = new Gate(limits);
  // Closing the database under a query that outran its budget (answered 503, still running) crashes the
  // process: close waits for every slot to be given back first.
  app.addHook('onClose', () => gate.drained());
  const routes: string[] = [];
  ROUTES.set(app, routes);

  app.decorateRequest('account', null);
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) routes.push(`${m} ${r.url}`);
    const key = policyKey([r.method].flat()[0]!, r.url);
    const inner = r.handler as RouteHandlerMethod & { [LIMITED]?: true };
    // Analytics handlers run through the gate and the time budget (once: HEAD routes reuse GET's handler).
    if (POLICY[key]?.analytics && !inner[LIMITED]) {
      const wrapped = async function (this: FastifyInstance, req: FastifyRequest, reply: FastifyReply) {
        checkDateRange((req.query ?? {}) as Record<string, unknown>, limits, deps.info.scenario);
        return limited(gate, limits.budgetMs, async () => inner.call(this, req, reply));
      };
      r.handler = Object.assign(wrapped, { [LIMITED]: true as const });
    }
  });

  app.setErrorHandler((err: unknown, _req, reply) => {
    if (err instanceof RetryLater) reply.header('retry-after', String(err.retryAfterS));
    if (err instanceof HttpError) {
      return reply
        .status(err.status)
        .send({ error: err.message, ...(err.field ? { field: err.field } : {}) });
    }
    const e = err as { statusCode?: number; message?: string };
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.status(e.statusCode).send({ error: e.message ?? 'bad request' });
    }
    app.log.error(err);
    return reply.status(500).send({ error: 'internal error' });
  });

  await app.register(cookie);
  app.addHook('onRequest', async (req, reply) => {
    securityHeaders(req, reply, deps.secureCookies === true || req.protocol === 'https');
    checkOrigin(req);
    const url = req.routeOptions.url;
    if (url !== undefined) authorize(accounts, req, POLICY[policyKey(req.method, url)]);
  });
  const flood = new RefusedFlood(() => now().getTime());
  app.addHook('onResponse', async (req, reply) => logRequest(audit, req, reply, flood));

  const secure = (proto: string): boolean => deps.secureCookies === true || proto === 'https';
  await registerAuth(app, { accounts, throttle, secure });
  await registerAdmin(app, { accounts, audit });
  await registerFlows(app, { duck: deps.duck, info: deps.info, k: deps.k, accounts, audit });
  await registerGeo(app, { duck: deps.duck, info: deps.info, accounts });
  await registerRisk(app, { duck: deps.duck, info: deps.info, k: deps.k, accounts, audit });
  await registerRiskSources(app, { duck: deps.duck, info: deps.info, k: deps.k, accounts, audit });
  await registerForecast(app, { duck: deps.duck, info: deps.info, k: deps.k, accounts, audit });
  await registerTracing(app, {
    duck: deps.duck,
    info: deps.info,
    accounts,
    audit,
    engine: tracingEngine,
    now,
  });

  await registerStatus(app, {
    jobs: deps.jobs ?? new JobStore(deps.appDb, now),
    landing: deps.landing ?? null,
    synthetic: () => deps.info.synthetic,
    snapshot: () => null,
  });

  const web = deps.webDist ?? DEFAULT_WEB_DIST;
  if (existsSync(web)) await app.register(fastifyStatic, { root: web });
  else app.get('/', async () => ({ error: 'dashboard not built: run npm run build:web' }));
  return app;
}
