import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../cli/serve.ts';
import { openAppDb } from '../db/sqlite.ts';
import { DEFAULT_K } from '../privacy/disclosure.ts';
import { buildRisk } from '../risk/build.ts';
import { addDays } from '../risk/levels.ts';
import { Client } from '../testing/http.ts';
import { tracingFixture } from '../testing/tracing-fixture.ts';
import { Accounts } from './accounts.ts';
import type { Role } from './accounts.ts';
import type { Workspace } from '../workspace.ts';

// The risk routes (issue 12) on a synthetic workspace with its risk tables built: access, scope, validation,
// and answers that carry the synthetic flag and only disclosure-controlled counts.

const PW = 'risk-test-password';
const ACCOUNTS: [string, Role, string][] = [
  ['analyst', 'analyst', '*'],
  ['tracer', 'tracer', '*'],
  ['admin', 'admin', '*'],
  ['public', 'public', '*'],
  ['analyst-bj', 'analyst', '110000'],
  ['analyst-wh', 'analyst', '420100'],
];
const clients: Record<string, Client> = {};
let base: string;
let close: () => Promise<void>;
let first: string;
let wsRoot: Workspace;
let last: string;

beforeAll(async () => {
  const f = await tracingFixture('risk-api');
  wsRoot = f.ws;
  const db = await f.ws.openDuck();
  try {
    const s = await buildRisk(db);
    [first, last] = [s.first!, s.last!];
  } finally {
    db.close();
  }
  const app = openAppDb(f.ws.sqlitePath);
  const acc = new Accounts(app);
  for (const [u, role, regions] of ACCOUNTS) await acc.upsert(u, PW, role, 3, regions);
  app.close();
  const s = await startServer(f.ws, { host: '127.0.0.1', port: 0 });
  base = s.url;
  close = s.close;
  for (const [u] of ACCOUNTS) {
    clients[u] = new Client(base);
    expect((await clients[u].login(u, PW)).status).toBe(200);
  }
}, 300_000);

afterAll(async () => close?.());

const get = (who: string, path: string) => clients[who]!.send('GET', path);

describe('risk routes', () => {
  it('hours: first and last hour of the heatmap, synthetic', async () => {
    const r = await get('analyst', '/api/risk/hours?city=420100');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ synthetic: true, city: '420100' });
    expect(String(r.body['first'])).toMatch(new RegExp(`^${first}T\\d{2}$`));
    expect(String(r.body['last']) <= `${last}T23`).toBe(true);
  });

  it('heatmap: grid and community, every published count >= k, suppressed ones null', async () => {
    for (const kind of ['grid', 'community']) {
      const r = await get(
        'tracer',
        `/api/risk/heatmap?city=420100&hour=${addDays(first, 2)}T10&kind=${kind}`,
      );
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        synthetic: true,
        city: '420100',
        kind,
        k: DEFAULT_K,
        set: ['companion', 'suspected'],
      });
      const areas = r.body['areas'] as {
        count: number | null;
        suppressed: boolean;
        lon: number;
        lat: number;
      }[];
      expect(areas.length).toBeGreaterThan(0);
      // Suppressed areas are counted, never listed (where they are would tell that 1..k-1 were there).
      for (const a of areas) {
        expect(a.suppressed).toBe(false);
        expect(a.count!).toBeGreaterThanOrEqual(DEFAULT_K);
        expect(Number.isFinite(a.lon) && Number.isFinite(a.lat)).toBe(true);
      }
      expect(r.body['suppressedAreas']).toBeGreaterThan(0);
    }
  });

  it('answers a repeated heatmap query, by another account too, with the same figures (no fresh noise to average away)', async () => {
    // Averaging repeats would strip the perturbation, and a total that is not the sum of the listed areas
    // would give the suppressed remainder by subtraction.
    const path = `/api/risk/heatmap?city=420100&hour=${addDays(first, 2)}T10&kind=grid`;
    const answers = [];
    for (const who of ['analyst', 'analyst', 'tracer', 'analyst-wh', 'admin']) {
      const r = await get(who, path);
      expect(r.status).toBe(200);
      answers.push({
        total: r.body['total'],
        areas: r.body['areas'],
        suppressedAreas: r.body['suppressedAreas'],
      });
    }
    for (const a of answers.slice(1)) expect(a).toEqual(answers[0]);
    const areas = answers[0]!.areas as { count: number }[];
    expect(answers[0]!.total).toBe(areas.reduce((s, a) => s + a.count, 0));
  });

  it('levels, index and alerts answer for the last day, synthetic, counts below k null', async () => {
    const lv = await get('analyst', `/api/risk/levels?city=420100&day=${last}&level=county`);
    expect(lv.status).toBe(200);
    expect(lv.body['synthetic']).toBe(true);
    const areas = lv.body['areas'] as { code: string; risk: string; cumulative: number | null }[];
    expect(areas.length).toBeGreaterThan(5);
    for (const a of areas) {
      expect(['high', 'medium', 'low']).toContain(a.risk);
      if (a.cumulative !== null) expect(a.cumulative).toBeGreaterThanOrEqual(DEFAULT_K);
    }
    const ix = await get('admin', `/api/risk/index?city=420100&day=${last}&level=community`);
    expect(ix.status).toBe(200);
    expect(ix.body).toMatchObject({
      synthetic: true,
      weights: { cases: 0.4, companions: 0.3, inflow: 0.2, density: 0.1 },
    });
    const al = await get('analyst-wh', `/api/risk/alerts?city=420100&day=${last}`);
    expect(al.status).toBe(200);
    expect(Array.isArray(al.body['alerts'])).toBe(true);
  });

  it('401 without a session, 403 for a role without aggregates, 403 for another city', async () => {
    const path = `/api/risk/levels?city=420100&day=${last}`;
    expect((await new Client(base).send('GET', path)).status).toBe(401);
    expect((await get('public', path)).status).toBe(403);
    const bj = await get('analyst-bj', path);
    expect(bj.status).toBe(403);
    expect(bj.body['field']).toBe('city');
    expect((await get('analyst-bj', '/api/risk/heatmap?city=110100&hour=2020-01-18T10')).status).toBe(200);
  });

  it.each([
    ['/api/risk/heatmap?city=420100&hour=2020-01-18T24', 'hour'],
    ['/api/risk/heatmap?city=420100&hour=2020-01-18 10', 'hour'],
    ['/api/risk/heatmap?city=420100&hour=2020-02-30T10', 'hour'],
    ['/api/risk/heatmap?city=420100', 'hour'],
    ['/api/risk/heatmap?city=420100&hour=2020-01-18T10&kind=street', 'kind'],
    ['/api/risk/heatmap?city=420100&hour=2019-12-01T10', 'hour'],
    ['/api/risk/levels?city=420101&day=2020-01-18', 'city'],
    ['/api/risk/levels?city=42010&day=2020-01-18', 'city'],
    ['/api/risk/levels?city=420100&day=2020-01-18&level=province', 'level'],
    ['/api/risk/index?city=420100&day=2020-13-01', 'day'],
    ['/api/risk/alerts?city=420100&day=2021-01-01', 'day'],
  ])('400 naming the field: %s', async (path, field) => {
    const r = await get('analyst', path);
    expect(r.status).toBe(400);
    expect(r.body['field']).toBe(field);
    expect(String(r.body['error'])).toMatch(new RegExp(`^${field}:`));
  });
});

describe('risk tables built with a smaller k than the server', () => {
  it('answer 409 with the command to run, never counts protected at the smaller k', async () => {
    const s = await startServer(wsRoot, { host: '127.0.0.1', port: 0, k: DEFAULT_K + 5 });
    try {
      const c = new Client(s.url);
      expect((await c.login('analyst', PW)).status).toBe(200);
      const r = await c.send('GET', `/api/risk/index?city=420100&day=${last}`);
      expect(r.status).toBe(409);
      expect(r.body['error']).toBe(
        `the risk tables were built with k = ${DEFAULT_K} < ${DEFAULT_K + 5}: run 'epitrace risk build --k ${DEFAULT_K + 5}'`,
      );
    } finally {
      await s.close();
    }
  });
});
