import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAudit, startServer } from '../cli/serve.ts';
import { openAppDb } from '../db/sqlite.ts';
import { loadDivisions } from '../geo/divisions.ts';
import { fitSources } from '../risk/sources.ts';
import type { SourcesInput } from '../risk/sources.ts';
import { OUTBREAK, riskSourcesFixture, RISK_SOURCES_K } from '../risk/sources-fixture-workspace.ts';
import { Client } from '../testing/http.ts';
import type { Workspace } from '../workspace.ts';
import { Accounts } from './accounts.ts';
import type { Role } from './accounts.ts';

const PW = 'risk-sources-test-password';
let ws: Workspace;
let close: () => Promise<void>;
let window: { from: string; to: string };
/** Confirmed cases per city counted here straight from the registry table, independently of the route. */
let casesByCity: Map<string, number>;

const ACCOUNTS: [string, Role, string][] = [
  ['analyst', 'analyst', '*'],
  ['analyst-hb', 'analyst', '420000'],
  ['analyst-bj', 'analyst', '110000'],
  ['tracer', 'tracer', '*'],
  ['admin', 'admin', '*'],
  ['public', 'public', '*'],
];
const clients: Record<string, Client> = {};
let anonymous: Client;

beforeAll(async () => {
  const f = await riskSourcesFixture('risk-sources-api');
  ws = f.ws;
  window = { from: f.from, to: f.to };
  const db = await ws.openDuck();
  try {
    const div = loadDivisions();
    const rows = await db.all<{ city: string | null; county: string | null }>(
      `SELECT city, county FROM trace_cases WHERE status = 'confirmed'`,
    );
    casesByCity = new Map();
    for (const r of rows) {
      const city = r.city ?? (r.county ? div.parentAt(r.county, 'city').code : null);
      if (city) casesByCity.set(city, (casesByCity.get(city) ?? 0) + 1);
    }
  } finally {
    db.close();
  }
  const app = openAppDb(ws.sqlitePath);
  const acc = new Accounts(app);
  for (const [u, role, regions] of ACCOUNTS) await acc.upsert(u, PW, role, 3, regions);
  app.close();
  const s = await startServer(ws, { host: '127.0.0.1', port: 0, k: RISK_SOURCES_K });
  close = s.close;
  for (const [u] of ACCOUNTS) {
    clients[u] = new Client(s.url);
    expect((await clients[u].login(u, PW)).status).toBe(200);
  }
  anonymous = new Client(s.url);
}, 300_000);

afterAll(async () => close?.());

const path = (extra: Record<string, string> = {}) =>
  `/api/risk/sources?${new URLSearchParams({ origin: '420100', ...window, ...extra })}`;

type Body = {
  synthetic: boolean;
  n: number;
  model: string;
  fit: { slope: number; intercept: number; r: number; r2: number; residualSe: number; level: number };
  points: (SourcesInput & { predicted: number; lower: number; upper: number; flagged: boolean })[];
  excluded: { code: string; outflow: number | null; reason: string }[];
};

describe('GET /api/risk/sources', () => {
  it.each(['loglog', 'linear'])(
    '%s: the fit of the published outflow and the registry cases, recomputed from other routes',
    async (model) => {
      const r = await clients['analyst']!.send('GET', path({ model }));
      expect(r.status).toBe(200);
      const body = r.body as unknown as Body;
      expect(body.synthetic).toBe(true);
      expect(body.model).toBe(model);
      // The inputs rebuilt independently: the outflow route's published destinations, cases counted above.
      const flows = await clients['analyst']!.send(
        'GET',
        `/api/flows/outflow?${new URLSearchParams({ origin: '420100', ...window })}`,
      );
      const dests = flows.body['destinations'] as { code: string; name: string; count: number | null }[];
      const inputs: SourcesInput[] = dests
        .filter((d) => d.count !== null && d.code !== '420100')
        .map((d) => ({ code: d.code, name: d.name, outflow: d.count!, cases: casesByCity.get(d.code) ?? 0 }));
      const withFlow = new Set(dests.map((d) => d.code));
      const div = loadDivisions();
      for (const [code, cases] of [...casesByCity].sort(([a], [b]) => a.localeCompare(b)))
        if (!withFlow.has(code) && code !== '420100')
          inputs.push({ code, name: div.byCode(code).name, outflow: 0, cases });
      const expected = fitSources(inputs, model as 'loglog' | 'linear');
      console.log(
        `${model}: n ${body.n}, slope ${body.fit.slope}, intercept ${body.fit.intercept}, r ${body.fit.r}, ` +
          `R2 ${body.fit.r2}, s ${body.fit.residualSe}, flagged ${
            body.points
              .filter((p) => p.flagged)
              .map((p) => p.code)
              .join(',') || 'none'
          }, ` +
          `excluded ${body.excluded.length} (${body.excluded.filter((e) => e.outflow === null).length} suppressed)`,
      );
      expect(body.n).toBe(expected.n);
      expect(body.n).toBeGreaterThanOrEqual(5);
      for (const key of ['slope', 'intercept', 'r', 'r2', 'residualSe'] as const)
        expect(body.fit[key]).toBeCloseTo(expected.fit[key], 9);
      expect(body.fit.level).toBe(0.9);
      expect(body.points.map((p) => [p.code, p.outflow, p.cases, p.flagged])).toEqual(
        expected.points.map((p) => [p.code, p.outflow, p.cases, p.flagged]),
      );
      expect(body.points.map((p) => p.code)).not.toContain('420100');
      // The outbreak added to the registry stands above the interval in the log-log fit, the paper's form.
      if (model === 'loglog')
        expect(body.points.filter((p) => p.flagged).map((p) => p.code)).toEqual([OUTBREAK.city]);
      // Suppressed destinations are named, with no outflow figure.
      const suppressed = dests.filter((d) => d.count === null).map((d) => d.code);
      expect(body.excluded.filter((e) => e.outflow === null).map((e) => e.code)).toEqual(suppressed);
    },
  );

  it('is for the aggregate roles: tracer and admin too, public refused, anonymous asked to log in', async () => {
    for (const u of ['tracer', 'admin', 'analyst-hb'])
      expect((await clients[u]!.send('GET', path())).status).toBe(200);
    expect((await clients['public']!.send('GET', path())).status).toBe(403);
    expect((await anonymous.send('GET', path())).status).toBe(401);
  });

  it('refuses an origin outside the account regions, naming the field', async () => {
    const r = await clients['analyst-bj']!.send('GET', path());
    expect(r.status).toBe(403);
    expect(r.body['field']).toBe('origin');
    expect((await clients['analyst-bj']!.send('GET', path({ origin: '110100' }))).status).not.toBe(403);
  });

  it.each([
    [{ origin: '42010' }, 'origin'],
    [{ origin: '420000' }, 'origin'],
    [{ from: '2020-02-30' }, 'from'],
    [{ to: 'tomorrow' }, 'to'],
    [{ model: 'cubic' }, 'model'],
    [{ casesTo: '2020-13-01' }, 'casesTo'],
  ])('answers 400 naming the field for %o', async (extra, field) => {
    const r = await clients['analyst']!.send('GET', path(extra));
    expect(r.status).toBe(400);
    expect(r.body['field']).toBe(field);
  });

  it('answers a question the data cannot support with no fit and the reason, not an error', async () => {
    // No case confirmed by Jan 1: every destination has 0 cases, which log-log leaves out.
    const r = await clients['analyst']!.send('GET', path({ casesTo: '2020-01-01' }));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ synthetic: true, n: 0, fit: null, points: [] });
    expect(r.body['problem']).toMatch(
      /^the fit needs at least 3 destinations, got 0 \(\d+ destinations have their outflow below k = 3/,
    );
  });

  it('answers 400 naming from when from is after to', async () => {
    const r = await clients['analyst']!.send('GET', path({ from: window.to, to: window.from }));
    expect([r.status, r.body['field']]).toEqual([400, 'from']);
  });

  it('writes each query to the audit log', async () => {
    await clients['analyst']!.send('GET', path({ model: 'linear' }));
    const db = openAppDb(ws.sqlitePath);
    try {
      const last = openAudit(ws, db)
        .recent(20)
        .find((e) => e.action === 'risk.sources');
      expect(last?.username).toBe('analyst');
      expect(JSON.parse(last!.detail)).toMatchObject({ origin: '420100', model: 'linear' });
    } finally {
      db.close();
    }
  });
});
