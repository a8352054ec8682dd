import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../cli/serve.ts';
import { openAppDb } from '../db/sqlite.ts';
import { Random } from '../synth/random.ts';
import { Client } from '../testing/http.ts';
import { tracingFixture } from '../testing/tracing-fixture.ts';
import { listCases } from '../tracing/index.ts';
import { Accounts } from './accounts.ts';
import { SESSION_COOKIE } from './session.ts';

const PW = 'fuzz-test-password';
const N = 3000;
let base: URL;
let close: () => Promise<void>;
const cookies: string[] = [];
/** A case the tracer may trace; its ref is in the value pool, so some queries reach the tracing engine. */
let traced = 'C0001';

beforeAll(async () => {
  const { ws } = await tracingFixture('fuzz');
  const duck = await ws.openDuck();
  traced = (await listCases(duck)).find((c) => c.userId !== null)!.ref;
  duck.close();
  PATHS.push(
    `/api/cases/${traced}/trajectory`,
    `/api/cases/${traced}/companions`,
    `/api/cases/${traced}/companions.csv`,
  );
  const db = openAppDb(ws.sqlitePath);
  for (const role of ['admin', 'analyst', 'tracer', 'public'] as const)
    await new Accounts(db).upsert(role, PW, role);
  db.close();
  const s = await startServer(ws, { host: '127.0.0.1', port: 0, idleTimeoutMs: 2_000 });
  base = new URL(s.url);
  close = s.close;
  for (const role of ['admin', 'analyst', 'tracer', 'public']) {
    const c = new Client(s.url);
    await c.login(role, PW);
    cookies.push(c.cookie);
  }
}, 120_000);

afterAll(async () => close?.());

const PATHS = [
  '/api/login',
  '/api/logout',
  '/api/me',
  '/api/meta',
  '/api/divisions',
  '/api/flows/outflow',
  '/api/flows/inflow',
  '/api/flows/returnees',
  '/api/admin/accounts',
  '/api/admin/accounts/analyst/renew',
  '/api/admin/accounts/%E2%80%AE/disable',
  '/api/admin/accounts/no-one/passwd',
  '/api/admin/audit',
  '/api/cases',
  '/api/forecast/runs',
  '/api/forecast',
  '/api/forecast/params',
  '/public',
  '/api/public/regions',
  '/api/public/levels',
  '/api/public/forecast',
  '/api/cases/%E2%80%AE/trajectory',
  '/api/cases/..%2F..%2Fetc/companions',
  '/',
  '/index.html',
  '/../../etc/passwd',
  '/api/%zz',
  '/api//flows//outflow',
  '/%00',
];
const FIELDS = [
  'run',
  'region',
  'quantity',
  'scenario',
  'origin',
  'dest',
  'city',
  'source',
  'from',
  'to',
  'level',
  'limit',
  'caseRef',
  'minMinutes',
  'degree',
  'toleranceMeters',
  'username',
  '__proto__',
];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];

function value(r: Random): string {
  const pool = [
    '420100',
    '110100',
    '999999',
    '2020-01-16',
    '2020-01-22',
    '2020-02-30',
    '0000-01-01',
    '9999-12-31',
    '',
    '-1',
    '1e309',
    'NaN',
    'city',
    '%',
    '%00',
    "'; DROP TABLE accounts; --",
    '\u202e\u0000',
    'x'.repeat(5000),
    '[]',
    '{"a":1}',
    traced,
    '2',
    '60',
  ];
  return pool[r.int(pool.length)]!;
}

function query(r: Random): string {
  const n = r.int(6);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = r.chance(0.9) ? FIELDS[r.int(FIELDS.length)]! : value(r);
    parts.push(
      `${encodeURIComponent(k)}${r.chance(0.1) ? '[]' : ''}=${r.chance(0.8) ? encodeURIComponent(value(r)) : value(r)}`,
    );
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

function body(r: Random): { text?: string; type?: string } {
  switch (r.int(8)) {
    case 0:
      return {};
    case 1:
      return { text: '{"username":', type: 'application/json' };
    case 2:
      return {
        text: JSON.stringify({
          username: value(r),
          password: value(r),
          role: value(r),
          days: r.int(1000) - 500,
        }),
        type: 'application/json',
      };
    case 3:
      return { text: 'x'.repeat(70 * 1024), type: 'application/json' };
    case 4:
      return { text: value(r), type: r.chance(0.5) ? 'text/plain' : 'application/x-www-form-urlencoded' };
    case 5:
      return { text: '['.repeat(5000), type: 'application/json' };
    case 6:
      return {
        text: JSON.stringify({ __proto__: { admin: true }, constructor: { prototype: {} }, days: '3' }),
        type: 'application/json',
      };
    default:
      return { text: JSON.stringify([1, 'two', null]), type: 'application/json; charset=utf-7' };
  }
}

function headers(r: Random): Record<string, string> {
  const h: Record<string, string> = {};
  const c = r.int(5);
  if (c < 4) h['cookie'] = cookies[c]!;
  if (r.chance(0.2)) h['cookie'] = `${SESSION_COOKIE}=${value(r).slice(0, 200)}; ${SESSION_COOKIE}=%`;
  if (r.chance(0.2)) h['origin'] = r.chance(0.5) ? base.origin : 'http://evil.example';
  if (r.chance(0.1)) h['sec-fetch-site'] = 'cross-site';
  if (r.chance(0.1)) h['x-forwarded-proto'] = 'https';
  if (r.chance(0.05)) h['content-length'] = '5';
  return h;
}

function send(method: string, path: string, b: { text?: string; type?: string }, h: Record<string, string>) {
  return new Promise<number>((resolve) => {
    const headersOut: Record<string, string> = { ...h };
    if (b.type) headersOut['content-type'] = b.type;
    let req;
    try {
      req = request({ host: base.hostname, port: base.port, method, path, headers: headersOut });
    } catch {
      return resolve(-1); // the client refused to send it (e.g. an illegal character in the path)
    }
    // A declared body that never comes (content-length without one): the server closes the idle connection
    // after idleTimeoutMs (2 s here), which the client sees as an error (-2). Should it ever wait for ever
    // again, give up after 10 s and count it as unanswered (-3), which the test refuses.
    req.setTimeout(10_000, () => {
      resolve(-3);
      req.destroy();
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(-2)); // connection closed by the server (e.g. a body larger than the limit)
    if (b.text !== undefined && method !== 'GET' && method !== 'HEAD') req.write(b.text);
    req.end();
  });
}

describe('fuzz', () => {
  it(`answers ${N} malformed requests without a 5xx`, async () => {
    const r = new Random(20200123);
    const statuses = new Map<number, number>();
    const fives: string[] = [];
    for (let batch = 0; batch < N / 10; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          const method = METHODS[r.int(METHODS.length)]!;
          const path =
            (r.chance(0.9)
              ? PATHS[r.int(PATHS.length)]!
              : `/${r.chance(0.5) ? encodeURIComponent(value(r)) : value(r)}`) + query(r);
          const status = await send(method, path, body(r), headers(r));
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status >= 500) fives.push(`${status} ${method} ${path.slice(0, 120)}`);
        }),
      );
    }
    console.log(
      `fuzz statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}`,
    );
    expect(fives).toEqual([]);
    // Nothing left hanging: a stalled request is closed by the server's idle timeout.
    expect(statuses.get(-3) ?? 0).toBe(0);
    expect([...statuses.values()].reduce((a, b) => a + b)).toBe(N);
  }, 300_000);
});
