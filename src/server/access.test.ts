import cookie from '@fastify/cookie';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAudit, startServer } from '../cli/serve.ts';
import { openAppDb } from '../db/sqlite.ts';
import { HttpError } from '../errors.ts';
import { Client } from '../testing/http.ts';
import { tracingFixture } from '../testing/tracing-fixture.ts';
import { ENGINE } from '../cli/commands/forecast-build.ts';
import { buildForecast } from '../epi/workspace-build.ts';
import { buildRisk } from '../risk/build.ts';
import { listCases } from '../tracing/index.ts';
import type { Workspace } from '../workspace.ts';
import { Accounts, ROLES } from './accounts.ts';
import type { Role } from './accounts.ts';
import { ROUTES } from './app.ts';
import { INDIVIDUAL, POLICY, authorize, policyKey } from './policy.ts';
import { SESSION_COOKIE } from './session.ts';

const PW = 'access-test-password';
const WEEK = 'from=2020-01-16&to=2020-01-22';
let ws: Workspace;
let base: string;
let routes: string[];
let close: () => Promise<void>;
const clients = {} as Record<Role, Client>;
let n = 0;
/** A case the tracer may trace (the fixture's case list is imported). */
let ref = '';
const traced = () => `caseRef=${ref}`;
/** A region the fixture's forecast run serves (its groups may fall under the group rule of src/epi/published.ts). */
let served = '';

/** One valid request per route; a route without one fails the test below. */
const SAMPLES: Record<string, () => { path: string; body?: unknown }> = {
  'GET /': () => ({ path: '/' }),
  'GET /*': () => ({ path: '/index.html' }),
  'POST /api/login': () => ({ path: '/api/login', body: { username: 'nobody', password: 'x' } }),
  'POST /api/logout': () => ({ path: '/api/logout' }),
  'GET /api/me': () => ({ path: '/api/me' }),
  'GET /api/meta': () => ({ path: '/api/meta' }),
  'GET /api/divisions': () => ({ path: '/api/divisions' }),
  'GET /api/flows/outflow': () => ({ path: `/api/flows/outflow?origin=420100&${WEEK}` }),
  'GET /api/flows/inflow': () => ({ path: `/api/flows/inflow?dest=420100&${WEEK}` }),
  'GET /api/flows/scale': () => ({ path: `/api/flows/scale?region=420100&${WEEK}` }),
  'GET /api/flows/returnees': () => ({ path: `/api/flows/returnees?city=110100&source=420100&${WEEK}` }),
  'GET /api/geo/areas': () => ({ path: '/api/geo/areas?city=420100&level=street' }),
  'GET /api/admin/accounts': () => ({ path: '/api/admin/accounts' }),
  'POST /api/admin/accounts': () => ({
    path: '/api/admin/accounts',
    body: { username: `made-${++n}`, role: 'analyst', regions: '420000' },
  }),
  'POST /api/admin/accounts/:username/renew': () => ({ path: '/api/admin/accounts/victim/renew', body: {} }),
  'POST /api/admin/accounts/:username/disable': () => ({ path: '/api/admin/accounts/victim/disable' }),
  'POST /api/admin/accounts/:username/passwd': () => ({
    path: '/api/admin/accounts/victim/passwd',
    body: {},
  }),
  'GET /api/admin/audit': () => ({ path: '/api/admin/audit?limit=5' }),
  'GET /api/cases': () => ({ path: '/api/cases' }),
  'GET /api/risk/hours': () => ({ path: '/api/risk/hours?city=420100' }),
  'GET /api/risk/heatmap': () => ({ path: '/api/risk/heatmap?city=420100&hour=2020-01-20T10' }),
  'GET /api/risk/levels': () => ({ path: '/api/risk/levels?city=420100&day=2020-01-20' }),
  'GET /api/risk/index': () => ({ path: '/api/risk/index?city=420100&day=2020-01-20' }),
  'GET /api/risk/alerts': () => ({ path: '/api/risk/alerts?city=420100&day=2020-01-20' }),
  'GET /api/risk/sources': () => ({ path: `/api/risk/sources?origin=420100&${WEEK}` }),
  'GET /api/forecast/runs': () => ({ path: '/api/forecast/runs' }),
  'GET /api/forecast': () => ({ path: `/api/forecast?run=1&region=${served}&quantity=confirmed` }),
  'GET /api/forecast/params': () => ({ path: '/api/forecast/params?run=1' }),
  'GET /api/reports/:kind': () => ({ path: '/api/reports/risk?format=json&city=420100&day=2020-01-20' }),
  'GET /api/status': () => ({ path: '/api/status' }),
  'GET /public': () => ({ path: '/public?lang=en' }),
  'GET /api/public/regions': () => ({ path: '/api/public/regions' }),
  'GET /api/public/levels': () => ({ path: '/api/public/levels?city=420100' }),
  'GET /api/public/forecast': () => ({ path: '/api/public/forecast?region=CN' }),
  'GET /api/admin/jobs': () => ({ path: '/api/admin/jobs?limit=5' }),
  'GET /api/cases/:ref/trajectory': () => ({ path: `/api/cases/${ref}/trajectory?${traced()}` }),
  'GET /api/cases/:ref/companions': () => ({ path: `/api/cases/${ref}/companions?${traced()}` }),
  'GET /api/cases/:ref/companions.csv': () => ({ path: `/api/cases/${ref}/companions.csv?${traced()}` }),
};

const SCOPED: [string, string][] = [
  ['bj', '110000'],
  ['wh', '420100'],
  ['hb', '420000'],
  ['jiangan', '420102'],
];

beforeAll(async () => {
  ws = (await tracingFixture('access')).ws;
  const duck = await ws.openDuck();
  ref = (await listCases(duck)).find((c) => c.userId !== null)!.ref;
  await buildRisk(duck);
  // A small stored forecast run, so the forecast routes answer 2xx to the roles allowed them.
  await buildForecast(
    duck,
    { root: ws.root, info: ws.info() },
    { horizon: 5, members: 10, seed: 1, scenarios: [] },
    ENGINE,
  );
  duck.close();
  const db = openAppDb(ws.sqlitePath);
  const acc = new Accounts(db);
  for (const r of ROLES) await acc.upsert(r, PW, r);
  for (const [u, regions] of SCOPED) await acc.upsert(u, PW, 'analyst', 3, regions);
  await acc.upsert('victim', PW, 'analyst');
  db.close();
  // k = 3: at the default 15 this small fixture's forecast serves no region (src/epi/published.ts).
  const s = await startServer(ws, { host: '127.0.0.1', port: 0, k: 3 });
  base = s.url;
  close = s.close;
  routes = ROUTES.get(s.app)!;
  for (const r of ROLES) {
    clients[r] = new Client(base);
    expect((await clients[r].login(r, PW)).status).toBe(200);
  }
  const { runs } = (await clients.analyst.send('GET', '/api/forecast/runs')).body as unknown as {
    runs: { regions: { code: string }[] }[];
  };
  served = runs[0]!.regions[0]!.code;
}, 120_000);

afterAll(async () => close?.());

// Before the route sweep: its refused anonymous requests (one per route) would fill this address's per-minute
// quota of logged refusals (ANONYMOUS_REFUSED_PER_MINUTE) and this test's anonymous 401 would only be counted.
describe('request log', () => {
  it('logs refused requests with user, route, status and query, and verifies', async () => {
    const r = await clients.public.send('GET', `/api/flows/outflow?origin=420100&${WEEK}`);
    expect(r.status).toBe(403);
    await new Client(base).send('GET', '/api/admin/accounts');
    await clients.analyst.send('GET', '/api/meta');
    const db = openAppDb(ws.sqlitePath);
    try {
      const audit = openAudit(ws, db);
      const rows = audit.recent(3).map((e) => ({ user: e.username, ...JSON.parse(e.detail) }));
      expect(rows.reverse()).toMatchObject([
        {
          user: 'public',
          method: 'GET',
          route: '/api/flows/outflow',
          status: 403,
          query: { origin: '420100' },
        },
        { user: null, route: '/api/admin/accounts', status: 401 },
        { user: 'analyst', route: '/api/meta', status: 200 },
      ]);
      expect(audit.verify()).toBeNull();
    } finally {
      db.close();
    }
  });
});

describe('route policy', () => {
  it('has a policy and a sample for every registered route, and no stale policy', () => {
    const keys = [...new Set(routes.map((r) => policyKey(r.split(' ')[0]!, r.slice(r.indexOf(' ') + 1))))];
    expect(keys.filter((k) => !POLICY[k])).toEqual([]);
    expect(keys.filter((k) => !SAMPLES[k])).toEqual([]);
    // 'GET /' is the placeholder when the dashboard is not built; '/*' serves it when it is.
    const either = (k: string) => k === 'GET /' || k === 'GET /*';
    expect(Object.keys(POLICY).filter((k) => !keys.includes(k) && !either(k))).toEqual([]);
    expect(keys.filter(either)).toHaveLength(1);
    expect(keys.length).toBe(Object.keys(POLICY).length - 1);
  });

  it('answers 403 to forbidden roles, 401 without a session, 2xx to allowed roles, on every route', async () => {
    const seen: string[] = [];
    for (const route of routes) {
      const [method, url] = [route.split(' ')[0]!, route.slice(route.indexOf(' ') + 1)];
      const key = policyKey(method, url);
      const policy = POLICY[key]!;
      for (const who of [null, ...ROLES] as (Role | null)[]) {
        const sample = SAMPLES[key]!();
        // Routes open to anyone are tried without a session (a logout would end it).
        const c = who && policy.access !== 'anyone' ? clients[who] : new Client(base);
        const r = await c.send(method, sample.path, sample.body);
        const allowed =
          policy.access === 'anyone' ||
          (who !== null && (policy.access === 'account' || policy.access.includes(who)));
        const ok = allowed
          ? policy.access === 'anyone'
            ? r.status < 500 && r.status !== 403
            : r.status >= 200 && r.status < 300
          : r.status === (who === null ? 401 : 403);
        seen.push(`${route} as ${who ?? 'anonymous'}: ${r.status}${ok ? '' : ' UNEXPECTED'}`);
      }
    }
    expect(seen.filter((s) => s.endsWith('UNEXPECTED'))).toEqual([]);
    expect(seen.length).toBe(routes.length * 5);
  }, 120_000);
});

describe('region scope', () => {
  it.each([
    ['bj', `/api/flows/outflow?origin=420100&${WEEK}`, 403, 'origin'],
    ['bj', `/api/flows/outflow?origin=110100&${WEEK}`, 200, null],
    ['bj', `/api/flows/inflow?dest=420100&${WEEK}`, 403, 'dest'],
    ['bj', `/api/flows/returnees?city=420100&source=110100&${WEEK}`, 403, 'city'],
    ['bj', `/api/flows/returnees?city=110100&source=420100&${WEEK}`, 200, null],
    ['wh', `/api/flows/outflow?origin=420100&${WEEK}`, 200, null],
    ['wh', `/api/flows/outflow?origin=420500&${WEEK}`, 403, 'origin'],
    ['hb', `/api/flows/outflow?origin=420500&${WEEK}`, 200, null],
    ['hb', `/api/flows/inflow?dest=110100&${WEEK}`, 403, 'dest'],
    // A county's account may not read its whole city.
    ['jiangan', `/api/flows/outflow?origin=420100&${WEEK}`, 403, 'origin'],
  ])('%s: %s -> %i', async (user, path, status, field) => {
    const c = new Client(base);
    await c.login(user, PW);
    const r = await c.send('GET', path);
    expect(r.status).toBe(status);
    if (field) {
      expect(r.body['field']).toBe(field);
      expect(r.body['error']).toContain(field);
    }
  });
});

describe('individual-level policy', () => {
  it('wants a tracer and a case reference', async () => {
    const db = openAppDb(ws.sqlitePath);
    const acc = new Accounts(db);
    const app = Fastify();
    app.setErrorHandler((e, _q, reply) =>
      e instanceof HttpError ? reply.status(e.status).send({ field: e.field }) : reply.status(500).send(),
    );
    await app.register(cookie);
    app.addHook('onRequest', async (req) => authorize(acc, req, INDIVIDUAL));
    app.get('/person', async () => ({ ok: true }));
    const as = (role: Role, qs: string) => {
      const a = acc.session('x') ?? { username: role, role, regions: '*', expiresAt: '2999-01-01T00:00:00Z' };
      const { token } = acc.openSession(a);
      return app.inject({ url: `/person${qs}`, cookies: { [SESSION_COOKIE]: token } });
    };
    expect((await as('tracer', '?caseRef=CASE-2020-0001')).statusCode).toBe(200);
    const missing = await as('tracer', '');
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toEqual({ field: 'caseRef' });
    expect((await as('tracer', '?caseRef=bad%20ref')).statusCode).toBe(400);
    for (const r of ['admin', 'analyst', 'public'] as const)
      expect((await as(r, '?caseRef=CASE-2020-0001')).statusCode).toBe(403);
    expect((await app.inject({ url: '/person?caseRef=CASE-1' })).statusCode).toBe(401);
    await app.close();
    db.close();
  });
});

describe('security headers and origin checks', () => {
  it('sends CSP, frame-ancestors, nosniff on every answer and no-store on the API', async () => {
    for (const path of ['/', '/api/me', '/api/nothing-here']) {
      const r = await clients.analyst.send('GET', path);
      expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      if (path.startsWith('/api')) expect(r.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('refuses a state-changing request from a foreign origin', async () => {
    const body = { username: 'analyst', password: PW };
    const c = new Client(base);
    expect((await c.send('POST', '/api/login', body, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await c.send('POST', '/api/login', body, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const own = new URL(base).origin;
    expect((await c.send('POST', '/api/login', body, { origin: own })).status).toBe(200);
  });

  it('never sends the session cookie Secure on plain HTTP by default, nor trusts X-Forwarded-Proto', async () => {
    const c = new Client(base);
    const r = await c.send(
      'POST',
      '/api/login',
      { username: 'analyst', password: PW },
      { 'x-forwarded-proto': 'https' },
    );
    expect(r.headers.get('set-cookie')).toMatch(/HttpOnly/);
    expect(r.headers.get('set-cookie')).not.toMatch(/Secure/i);
    expect(r.headers.get('strict-transport-security')).toBeNull();
  });

  it('sends it Secure with --secure-cookies, or behind a trusted proxy saying https', async () => {
    for (const [opts, headers] of [
      [{ secureCookies: true }, {}],
      [{ trustProxy: true }, { 'x-forwarded-proto': 'https' }],
    ] as const) {
      const s = await startServer(ws, { host: '127.0.0.1', port: 0, ...opts });
      try {
        const r = await new Client(s.url).send(
          'POST',
          '/api/login',
          { username: 'analyst', password: PW },
          headers,
        );
        expect(r.status).toBe(200);
        expect(r.headers.get('set-cookie')).toMatch(/; Secure/);
        expect(r.headers.get('strict-transport-security')).toMatch(/max-age=/);
      } finally {
        await s.close();
      }
    }
  });
});
