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
import { requireCellKeys } from '../privacy/disclosure.ts';
import { dataWindow } from '../snapshot/source.ts';
import type { Snapshot, SnapshotSource } from '../snapshot/source.ts';
import * as tracingEngine from '../tracing/index.ts';
import { Accounts } from './accounts.ts';
import { DEFAULT_LIMITS, Gate, RetryLater, checkDateRange, limited } from './limits.ts';
import type { Limits } from './limits.ts';
import { errorBody, preferredLang, translate } from './messages.ts';
import { POLICY, authorize, policyKey } from './policy.ts';
import { RefusedFlood, logRequest } from './request-log.ts';
import { registerAdmin } from './routes-admin.ts';
import { registerAuth } from './routes-auth.ts';
import { registerFlows } from './routes-flows.ts';
import { registerForecast } from './routes-forecast.ts';
import { registerReports } from './routes-reports.ts';
import { registerGeo } from './routes-geo.ts';
import { registerPublic } from './routes-public.ts';
import { registerRisk } from './routes-risk.ts';
import { registerRiskSources } from './routes-risk-sources.ts';
import { registerStatus } from './routes-status.ts';
import { registerTracing } from './routes-tracing.ts';
import { checkOrigin, securityHeaders } from './security.ts';
import { LoginThrottle } from './throttle.ts';

/** Everything the server needs, passed in (house style 10). */
export interface ServerDeps {
  /** The published snapshots the answers come from (the server never opens analytics.duckdb). */
  snapshots: SnapshotSource;
  appDb: Database;
  audit: AuditLog;
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

const WRAPPED = Symbol('wrapped');

/** The header naming the snapshot an answer came from. */
export const SNAPSHOT_HEADER = 'x-epitrace-snapshot';

declare module 'fastify' {
  interface FastifyRequest {
    /** The snapshot this request reads (leased for the handler and any computation it started). */
    snapshot: Snapshot;
    /**
     * The answer stored under the route and `key` in the snapshot's cache, else `compute()`'s (through the
     * gate on analytics routes). The key must hold everything the answer depends on.
     */
    cached<T>(key: unknown, compute: () => Promise<T>): Promise<T>;
  }
}

/**
 * The checks a snapshot must pass before it is served (run at start and before each switch): flows are
 * published from cells with keys only, so an older workspace is refused with the fix.
 */
export async function checkSnapshot(duck: Duck): Promise<void> {
  await requireCellKeys(duck);
}

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
  app.decorateRequest('snapshot', null as unknown as Snapshot);
  app.decorateRequest('cached', null as unknown as FastifyRequest['cached']);
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) routes.push(`${m} ${r.url}`);
    const key = policyKey([r.method].flat()[0]!, r.url);
    const inner = r.handler as RouteHandlerMethod & { [WRAPPED]?: true };
    // Once: HEAD routes reuse GET's handler. The dashboard's files need no snapshot; the public page does.
    if (inner[WRAPPED] || !(r.url.startsWith('/api/') || r.url === '/public')) return;
    const analytics = POLICY[key]?.analytics === true;
    const cachedRoute = POLICY[key]?.cache === true;
    const wrapped = async function (this: FastifyInstance, req: FastifyRequest, reply: FastifyReply) {
      // One snapshot per request: the lease keeps its Duck open until the handler and every computation
      // it started have ended (a computation answered 503 past its budget is still reading it).
      const lease = deps.snapshots.acquire();
      const snap = lease.snapshot;
      req.snapshot = snap;
      reply.header(SNAPSHOT_HEADER, String(snap.manifest.id));
      const computing: Promise<unknown>[] = [];
      const tracked =
        <T>(work: () => Promise<T>) =>
        (): Promise<T> => {
          const p = work();
          computing.push(p.catch(() => undefined));
          return p;
        };
      // Analytics computations run through the gate and the time budget; a cache hit never enters it.
      const gated = <T>(work: () => Promise<T>): Promise<T> =>
        analytics ? limited(gate, limits.budgetMs, tracked(work)) : tracked(work)();
      req.cached = <T>(k: unknown, compute: () => Promise<T>): Promise<T> =>
        snap.cache.get(JSON.stringify([key, k]), () => gated(compute));
      try {
        if (analytics) checkDateRange((req.query ?? {}) as Record<string, unknown>, limits, dataWindow(snap));
        // A cached route gates its computations itself (req.cached); any other analytics route whole.
        if (analytics && !cachedRoute) return await gated(async () => inner.call(this, req, reply));
        return await inner.call(this, req, reply);
      } finally {
        void Promise.all(computing).then(() => lease.release());
      }
    };
    r.handler = Object.assign(wrapped, { [WRAPPED]: true as const });
  });

  app.setErrorHandler((err: unknown, req, reply) => {
    // Messages in the language the request prefers (src/server/messages.ts; English by default).
    const lang = preferredLang(req.headers['accept-language']);
    if (err instanceof RetryLater) reply.header('retry-after', String(err.retryAfterS));
    if (err instanceof HttpError) return reply.status(err.status).send(errorBody(err, lang));
    const e = err as { statusCode?: number; message?: string };
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      return reply.status(e.statusCode).send({ error: e.message ?? 'bad request' });
    }
    app.log.error(err);
    return reply.status(500).send({ error: translate('internal error', lang).text, code: 'internal' });
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
  await registerFlows(app, { k: deps.k, accounts, audit, maxSpanDays: limits.maxSpanDays });
  await registerGeo(app, { accounts });
  await registerRisk(app, { k: deps.k, accounts, audit });
  await registerRiskSources(app, { k: deps.k, accounts, audit });
  await registerForecast(app, { k: deps.k, accounts, audit });
  await registerReports(app, { k: deps.k, accounts, audit, now, maxSpanDays: limits.maxSpanDays });
  await registerPublic(app, { k: deps.k, audit, now });
  await registerTracing(app, {
    accounts,
    audit,
    engine: tracingEngine,
    now,
  });

  await registerStatus(app, {
    jobs: deps.jobs ?? new JobStore(deps.appDb, now),
    landing: deps.landing ?? null,
  });

  const web = deps.webDist ?? DEFAULT_WEB_DIST;
  if (existsSync(web)) await app.register(fastifyStatic, { root: web });
  else app.get('/', async () => ({ error: 'dashboard not built: run npm run build:web' }));
  return app;
}
