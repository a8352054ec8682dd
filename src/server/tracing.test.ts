import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAudit, startServer } from '../cli/serve.ts';
import { openAppDb } from '../db/sqlite.ts';
import { Client } from '../testing/http.ts';
import { tracingFixture } from '../testing/tracing-fixture.ts';
import { companions, companionsCsv, listCases, trajectory } from '../tracing/index.ts';
import type { CaseRecord, CompanionResult, Trajectory } from '../tracing/index.ts';
import type { Workspace } from '../workspace.ts';
import { Accounts } from './accounts.ts';
import type { Role } from './accounts.ts';
import { caseInScope } from './routes-tracing.ts';
import { MISS_LIMIT } from './tracing-misses.ts';

const PW = 'tracing-test-password';
let ws: Workspace;
let base: string;
let close: () => Promise<void>;
let cases: CaseRecord[];
/** A Wuhan case with companions, one reported elsewhere, and one whose number matched no subscriber (if any). */
let ref: string;
let other: string;
let unmatched: string | undefined;
const expected = {} as {
  trajectory: Trajectory;
  week: Trajectory;
  first: CompanionResult;
  second: CompanionResult;
  csv: string;
};

const ACCOUNTS: [string, Role, string][] = [
  ['tracer', 'tracer', '*'],
  ['tracer-wh', 'tracer', '420100'],
  ['tracer-bj', 'tracer', '110000'],
  ['tracer-probe', 'tracer', '*'],
  ['tracer-repeat', 'tracer', '*'],
  ['analyst', 'analyst', '*'],
  ['admin', 'admin', '*'],
  ['public', 'public', '*'],
];
const clients: Record<string, Client> = {};

const q = (caseRef: string, extra = '') => `?caseRef=${encodeURIComponent(caseRef)}${extra}`;
const routesOf = (r: string) => [
  `/api/cases/${r}/trajectory${q(r)}`,
  `/api/cases/${r}/companions${q(r)}`,
  `/api/cases/${r}/companions.csv${q(r)}`,
];
const DEFAULTS = { minMinutes: 60, degree: 1 as const, toleranceMeters: 0 };

beforeAll(async () => {
  const f = await tracingFixture('tracing');
  ws = f.ws;
  const db = await ws.openDuck();
  try {
    cases = await listCases(db);
    const traceable = cases.filter((c) => c.userId !== null);
    // The Wuhan case with the most companions, so the comparisons below compare something.
    let best = -1;
    for (const c of traceable.filter((c) => c.city === '420100').slice(0, 15)) {
      const r = await companions(db, c.ref, DEFAULTS);
      if (r.companions.length > best) [best, ref, expected.first] = [r.companions.length, c.ref, r];
    }
    other = traceable.find((c) => c.city !== '420100')!.ref;
    unmatched = cases.find((c) => c.userId === null)?.ref;
    expected.trajectory = await trajectory(db, ref);
    expected.week = await trajectory(db, ref, { from: '2020-01-18 00:00:00', to: '2020-01-21 00:00:00' });
    expected.second = await companions(db, ref, { ...DEFAULTS, degree: 2 });
    expected.csv = companionsCsv(expected.first);
  } finally {
    db.close();
  }
  const app = openAppDb(ws.sqlitePath);
  const acc = new Accounts(app);
  for (const [u, role, regions] of ACCOUNTS) await acc.upsert(u, PW, role, 3, regions);
  app.close();
  const s = await startServer(ws, { host: '127.0.0.1', port: 0 });
  base = s.url;
  close = s.close;
  for (const [u] of ACCOUNTS) {
    clients[u] = new Client(base);
    expect((await clients[u].login(u, PW)).status).toBe(200);
  }
  console.log(
    `fixture: ${f.imported.input} cases listed, ${f.imported.accepted} imported, ${f.imported.unmatched.length} unmatched; ` +
      `case ${ref}: ${expected.trajectory.dwells.length} dwells, ${expected.first.companions.length} companions ` +
      `(${expected.second.companions.length} with degree 2); other city's case ${other}`,
  );
}, 180_000);

afterAll(async () => close?.());

/** The audit entries written since `since` (exclusive), oldest first, detail parsed. */
function auditSince(since: number) {
  const db = openAppDb(ws.sqlitePath);
  try {
    const audit = openAudit(ws, db);
    expect(audit.verify()).toBeNull();
    return audit
      .recent(200)
      .filter((e) => e.id > since)
      .reverse()
      .map((e) => ({ id: e.id, user: e.username, action: e.action, ...(JSON.parse(e.detail) as object) }));
  } finally {
    db.close();
  }
}

function lastAuditId(): number {
  const db = openAppDb(ws.sqlitePath);
  try {
    return openAudit(ws, db).recent(1)[0]?.id ?? 0;
  } finally {
    db.close();
  }
}

describe('case list', () => {
  it("lists the cases within the account's regions, without pseudonyms", async () => {
    const all = await clients['tracer']!.send('GET', '/api/cases');
    expect(all.status).toBe(200);
    const listed = all.body['cases'] as Record<string, unknown>[];
    expect(listed.map((c) => c['ref'])).toEqual(cases.map((c) => c.ref));
    expect(listed.every((c) => !('userId' in c))).toBe(true);
    expect(all.body['synthetic']).toBe(true);
    const wuhan = (await clients['tracer-wh']!.send('GET', '/api/cases')).body['cases'] as { ref: string }[];
    const inWuhan = cases.filter((c) => caseInScope({ regions: '420100' }, c)).map((c) => c.ref);
    expect(wuhan.map((c) => c.ref)).toEqual(inWuhan);
    expect(inWuhan.length).toBeGreaterThan(0);
    expect(inWuhan).not.toContain(other);
    expect(inWuhan.length).toBeLessThan(cases.length);
    const beijing = (await clients['tracer-bj']!.send('GET', '/api/cases')).body['cases'] as {
      ref: string;
    }[];
    expect(beijing.map((c) => c.ref)).not.toContain(ref);
  });
});

describe('trajectory and companions', () => {
  it('answers what the engine computes for the same case and options', async () => {
    const t = await clients['tracer']!.send('GET', `/api/cases/${ref}/trajectory${q(ref)}`);
    expect(t.status).toBe(200);
    expect(t.body).toEqual({ ...expected.trajectory, synthetic: true });
    const starts = (t.body['dwells'] as { start: string }[]).map((d) => d.start);
    expect(starts).toEqual([...starts].sort());
    const week = await clients['tracer']!.send(
      'GET',
      `/api/cases/${ref}/trajectory${q(ref, '&from=2020-01-18&to=2020-01-20')}`,
    );
    expect(week.body).toEqual({ ...expected.week, synthetic: true });
    const c1 = await clients['tracer']!.send(
      'GET',
      `/api/cases/${ref}/companions${q(ref, '&minMinutes=60')}`,
    );
    expect(c1.status).toBe(200);
    expect(c1.body).toEqual({ ...expected.first, synthetic: true });
    expect(expected.first.companions.length).toBeGreaterThan(0);
    const c2 = await clients['tracer']!.send('GET', `/api/cases/${ref}/companions${q(ref, '&degree=2')}`);
    expect(c2.body).toEqual({ ...expected.second, synthetic: true });
  });

  it('exports the same companions as CSV, named synthetic', async () => {
    const res = await fetch(new URL(`/api/cases/${ref}/companions.csv${q(ref)}`, base), {
      headers: { cookie: clients['tracer']!.cookie },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="SYNTHETIC-companions-${ref}.csv"`,
    );
    expect(await res.text()).toBe(expected.csv);
  });

  it.each([
    ['no caseRef', (r: string) => `/api/cases/${r}/companions`, 400, 'caseRef'],
    ['another caseRef', (r: string) => `/api/cases/${r}/companions${q('C0001X')}`, 400, 'caseRef'],
    [
      'minMinutes below a bin',
      (r: string) => `/api/cases/${r}/companions${q(r, '&minMinutes=14')}`,
      400,
      'minMinutes',
    ],
    [
      'minMinutes above a day',
      (r: string) => `/api/cases/${r}/companions${q(r, '&minMinutes=1441')}`,
      400,
      'minMinutes',
    ],
    [
      'minMinutes not a number',
      (r: string) => `/api/cases/${r}/companions${q(r, '&minMinutes=x')}`,
      400,
      'minMinutes',
    ],
    ['degree 3', (r: string) => `/api/cases/${r}/companions${q(r, '&degree=3')}`, 400, 'degree'],
    [
      'tolerance over 1 km',
      (r: string) => `/api/cases/${r}/companions${q(r, '&toleranceMeters=5000')}`,
      400,
      'toleranceMeters',
    ],
    [
      'negative tolerance',
      (r: string) => `/api/cases/${r}/companions${q(r, '&toleranceMeters=-1')}`,
      400,
      'toleranceMeters',
    ],
    ['from without to', (r: string) => `/api/cases/${r}/trajectory${q(r, '&from=2020-01-16')}`, 400, 'to'],
    [
      'from after to',
      (r: string) => `/api/cases/${r}/trajectory${q(r, '&from=2020-01-20&to=2020-01-18')}`,
      400,
      'from',
    ],
    [
      'not a date',
      (r: string) => `/api/cases/${r}/trajectory${q(r, '&from=2020-01-32&to=2020-01-20')}`,
      400,
      'from',
    ],
    [
      'before the data',
      (r: string) => `/api/cases/${r}/companions${q(r, '&from=2019-10-01&to=2020-01-20')}`,
      400,
      'from',
    ],
    [
      'after the data',
      (r: string) => `/api/cases/${r}/companions${q(r, '&from=2020-01-16&to=2020-06-30')}`,
      400,
      'to',
    ],
    ['unknown case', () => `/api/cases/Z9999/trajectory${q('Z9999')}`, 404, 'ref'],
  ])('refuses %s naming the field', async (_what, path, status, field) => {
    const r = await clients['tracer']!.send('GET', path(ref));
    expect(r.status).toBe(status);
    expect(r.body['field']).toBe(field);
    expect(String(r.body['error'])).toContain(field);
    expect(r.body).not.toHaveProperty('companions');
  });

  it('says a case that matched no subscriber has nothing to trace (422)', async () => {
    if (!unmatched) return; // the fixture listed none
    const r = await clients['tracer']!.send('GET', `/api/cases/${unmatched}/trajectory${q(unmatched)}`);
    expect(r.status).toBe(422);
    expect(r.body['field']).toBe('ref');
  });
});

describe('as an attacker', () => {
  it('refuses every other role (403) and no session (401) on every tracing route', async () => {
    const seen: string[] = [];
    for (const path of ['/api/cases', ...routesOf(ref)]) {
      for (const who of ['analyst', 'admin', 'public', null]) {
        const r = await (who ? clients[who]! : new Client(base)).send('GET', path);
        seen.push(`${who ?? 'anonymous'} ${path}: ${r.status}`);
        expect(JSON.stringify(r.body)).not.toContain(expected.trajectory.case.userId!);
      }
    }
    expect(seen.filter((s) => !/(analyst|admin|public) .*: 403$|anonymous .*: 401$/.test(s))).toEqual([]);
  });

  it("answers another city's tracer as if the case did not exist", async () => {
    const unknown = await clients['tracer-bj']!.send('GET', `/api/cases/Z9998/trajectory${q('Z9998')}`);
    for (const path of routesOf(ref)) {
      const r = await clients['tracer-bj']!.send('GET', path);
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ ...unknown.body, error: String(unknown.body['error']).replace('Z9998', ref) });
    }
    expect((await clients['tracer-wh']!.send('GET', routesOf(ref)[0]!)).status).toBe(200);
    expect((await clients['tracer-wh']!.send('GET', routesOf(other)[0]!)).status).toBe(404);
    expect((await clients['tracer']!.send('GET', routesOf(other)[0]!)).status).toBe(200);
  });

  it('audits every individual-level request with its case and the number of people returned', async () => {
    const since = lastAuditId();
    await clients['tracer']!.send('GET', `/api/cases/${ref}/companions${q(ref, '&degree=2')}`);
    await clients['tracer']!.send('GET', `/api/cases/${ref}/trajectory${q(ref)}`);
    await clients['tracer-bj']!.send('GET', `/api/cases/${ref}/companions${q(ref)}`);
    await clients['tracer']!.send('GET', '/api/cases');
    await fetch(new URL(`/api/cases/${ref}/companions.csv${q(ref)}`, base), {
      headers: { cookie: clients['tracer']!.cookie },
    });
    const rows = auditSince(since);
    expect(rows).toMatchObject([
      {
        user: 'tracer',
        action: 'trace.companions',
        via: 'api',
        caseRef: ref,
        degree: 2,
        people: expected.second.companions.length,
      },
      {
        user: 'tracer',
        action: 'http',
        status: 200,
        query: { caseRef: ref, degree: '2' },
        people: expected.second.companions.length,
      },
      { user: 'tracer', action: 'trace.trajectory', caseRef: ref, people: 1 },
      { user: 'tracer', action: 'http', status: 200, query: { caseRef: ref } },
      // A refused request is logged too, with the case it asked for.
      {
        user: 'tracer-bj',
        action: 'http',
        status: 404,
        route: '/api/cases/:ref/companions',
        query: { caseRef: ref },
      },
      { user: 'tracer', action: 'trace.cases', people: cases.length },
      { user: 'tracer', action: 'http', status: 200, route: '/api/cases' },
      {
        user: 'tracer',
        action: 'trace.companions',
        caseRef: ref,
        format: 'csv',
        people: expected.first.companions.length,
      },
      { user: 'tracer', action: 'http', status: 200, route: '/api/cases/:ref/companions.csv' },
    ]);
    expect(rows).toHaveLength(9);
  });

  it('refuses a range longer than the limits allow', async () => {
    const s = await startServer(ws, { host: '127.0.0.1', port: 0, limits: { maxSpanDays: 3 } });
    try {
      const c = new Client(s.url);
      await c.login('tracer', PW);
      const ok = await c.send(
        'GET',
        `/api/cases/${ref}/trajectory${q(ref, '&from=2020-01-18&to=2020-01-20')}`,
      );
      expect(ok.status).toBe(200);
      const r = await c.send(
        'GET',
        `/api/cases/${ref}/companions${q(ref, '&from=2020-01-16&to=2020-01-22')}`,
      );
      expect(r.status).toBe(400);
      expect(r.body['field']).toBe('to');
      expect(String(r.body['error'])).toContain('more than the 3 allowed');
    } finally {
      await s.close();
    }
  });

  it('gives the same answer to a repeated query, and audits each repeat', async () => {
    const since = lastAuditId();
    const path = `/api/cases/${ref}/companions${q(ref)}`;
    const a = await clients['tracer-repeat']!.send('GET', path);
    const b = await clients['tracer-repeat']!.send('GET', path);
    expect(b.body).toEqual(a.body);
    const entries = auditSince(since).filter((e) => e.action === 'trace.companions');
    expect(entries.map((e) => (e as { people?: number }).people)).toEqual([
      expected.first.companions.length,
      expected.first.companions.length,
    ]);
  });

  it('stops an account that guesses case references (429), leaving others alone', async () => {
    const probe = clients['tracer-probe']!;
    for (let i = 0; i < MISS_LIMIT.misses; i++) {
      const guess = `C${String(9000 + i)}`;
      expect((await probe.send('GET', `/api/cases/${guess}/trajectory${q(guess)}`)).status).toBe(404);
    }
    const blocked = await probe.send('GET', routesOf(ref)[0]!);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await clients['tracer']!.send('GET', routesOf(ref)[0]!)).status).toBe(200);
  });
});
