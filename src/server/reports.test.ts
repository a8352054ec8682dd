import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAudit, startServer } from '../cli/serve.ts';
import { openAppDb } from '../db/sqlite.ts';
import type { Report, Section, TableSection, FiguresSection, ChartSection } from '../report/model.ts';
import { forecastFixture } from '../testing/forecast-fixture.ts';
import { Client } from '../testing/http.ts';
import type { Workspace } from '../workspace.ts';
import { Accounts } from './accounts.ts';
import type { Role } from './accounts.ts';
import { PrintQueue } from './routes-reports.ts';

// GET /api/reports/:kind (issue 17) on a demo-sized synthetic workspace (risk tables and a forecast run built)
// served at k = 3: every report's numbers equal the API's answers for the same request; access, scope (defaults
// included), validation naming the field, the usual date limits, the audit, identical repeats.

const K = 3;
const PW = 'reports-test-password';
const ACCOUNTS: [string, Role, string][] = [
  ['analyst', 'analyst', '*'],
  ['tracer', 'tracer', '*'],
  ['admin', 'admin', '*'],
  ['public', 'public', '*'],
  ['analyst-bj', 'analyst', '110000'],
  ['analyst-wh', 'analyst', '420100'],
];
const clients: Record<string, Client> = {};
let anonymous: Client;
let ws: Workspace;
let close: () => Promise<void>;

beforeAll(async () => {
  const f = await forecastFixture('reports-api');
  ws = f.ws;
  const app = openAppDb(ws.sqlitePath);
  const acc = new Accounts(app);
  for (const [u, role, regions] of ACCOUNTS) await acc.upsert(u, PW, role, 3, regions);
  app.close();
  const s = await startServer(ws, { host: '127.0.0.1', port: 0, k: K });
  close = s.close;
  for (const [u] of ACCOUNTS) {
    clients[u] = new Client(s.url);
    expect((await clients[u].login(u, PW)).status).toBe(200);
  }
  anonymous = new Client(s.url);
}, 400_000);

afterAll(async () => close?.());

const get = async (who: string, path: string) => {
  const r = await clients[who]!.send('GET', path);
  return r;
};
const report = async (path: string): Promise<Report> => {
  const r = await get('analyst', path);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as unknown as Report;
};
const section = <T extends Section>(r: Report, id: string): T => {
  const s = r.sections.find((x) => x.id === id);
  if (!s) throw new Error(`no section ${id} in ${r.sections.map((x) => x.id).join(',')}`);
  return s as T;
};
const item = (s: FiguresSection, key: string) => s.items.find((i) => i.key === key)!.value;
const cell = (c: { count: number | null; suppressed: boolean }) => (c.suppressed ? { lt: K } : c.count);
type Fig = {
  count: number | null;
  suppressed: boolean;
  expanded: { value: number; lo: number; hi: number | null } | null;
};

/** Every number in the report that could be a count of people: none in 1..k-1 (suppressed cells are {lt: k}). */
function smallCounts(r: Report): unknown[] {
  const bad: unknown[] = [];
  for (const s of r.sections) {
    if (s.kind === 'table')
      for (const row of s.rows)
        for (const c of s.columns)
          if (
            c.basis === 'sample' &&
            typeof row[c.key] === 'number' &&
            (row[c.key] as number) > 0 &&
            (row[c.key] as number) < K
          )
            bad.push([s.id, c.key, row[c.key]]);
    if (s.kind === 'figures')
      for (const i of s.items)
        if (i.basis === 'sample' && typeof i.value === 'number' && i.value > 0 && i.value < K)
          bad.push([s.id, i.key, i.value]);
  }
  return bad;
}

describe('outflow report', () => {
  it('holds the outflow, cases, ratio and fit of /api/flows/outflow and /api/risk/sources', async () => {
    const r = await report('/api/reports/outflow?format=json');
    // Defaults: the scenario's epicentre and the data days.
    expect(r.params).toMatchObject({
      origin: '420100',
      from: '2020-01-14',
      to: '2020-01-27',
      model: 'loglog',
      basis: 'expanded',
    });
    expect(r.synthetic).toBe(true);
    expect(r.privacy.k).toBe(K);
    const api = (await get('analyst', '/api/flows/outflow?origin=420100&from=2020-01-14&to=2020-01-27'))
      .body as unknown as {
      total: Fig;
      byProvince: (Fig & { code: string })[];
      destinations: (Fig & { code: string })[];
      daily: (Fig & { date: string })[];
    };
    const head = section<FiguresSection>(r, 'headline');
    expect(item(head, 'arrivals')).toEqual(cell(api.total));
    expect(item(head, 'expanded')).toBe(api.total.expanded?.value ?? null);
    expect(item(head, 'expandedLo')).toBe(api.total.expanded?.lo ?? null);
    const prov = section<TableSection>(r, 'provinces');
    expect(prov.rows.map((x) => x['code'])).toEqual(api.byProvince.map((p) => p.code));
    expect(prov.rows.map((x) => x['arrivals'])).toEqual(api.byProvince.map(cell));
    expect(prov.rows.map((x) => x['expanded'])).toEqual(api.byProvince.map((p) => p.expanded?.value ?? null));
    expect(prov.columns.find((c) => c.key === 'ratio')!.unit).toEqual({
      zh: '每万名到达者病例数',
      en: 'cases per 10,000 arrivals',
    });
    // Cases per province from the sources route's own case counts (points and exclusions carry every city's).
    const src = (await get('analyst', '/api/risk/sources?origin=420100&from=2020-01-14&to=2020-01-27'))
      .body as {
      n: number;
      fit: { slope: number; r: number; r2: number } | null;
      points: { code: string; cases: number; flagged: boolean }[];
      excluded: { code: string; cases: number }[];
      problem: string | null;
    };
    const casesOf = new Map<string, number>();
    for (const p of [...src.points, ...src.excluded])
      casesOf.set(p.code.slice(0, 2), (casesOf.get(p.code.slice(0, 2)) ?? 0) + p.cases);
    let checked = 0;
    for (const row of prov.rows) {
      const code = String(row['code']).slice(0, 2);
      // Cities with cases and no recorded outflow are points too (outflow 0), so every case city is there.
      expect(row['cases'], String(row['code'])).toBe(casesOf.get(code) ?? 0);
      const exp = row['expanded'] as number | null;
      if (exp && (row['cases'] as number) > 0) {
        expect(row['ratio']).toBeCloseTo(((row['cases'] as number) / exp) * 10_000, 2);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
    const daily = section<ChartSection>(r, 'daily');
    expect(daily.series[0]!.data).toEqual(api.daily.map((d) => d.count));
    const cities = section<TableSection>(r, 'cities');
    expect(cities.rows.map((x) => x['arrivals'])).toEqual(api.destinations.slice(0, 20).map(cell));
    if (src.fit) {
      const fit = section<FiguresSection>(r, 'fit');
      expect(item(fit, 'n')).toBe(src.n);
      expect(item(fit, 'slope')).toBeCloseTo(src.fit.slope, 3);
      expect(item(fit, 'r2')).toBeCloseTo(src.fit.r2, 3);
      expect(section<TableSection>(r, 'fit-flagged').rows.map((x) => x['code'])).toEqual(
        src.points.filter((p) => p.flagged).map((p) => p.code),
      );
    } else expect(section(r, 'fit-problem')).toMatchObject({ kind: 'text' });
    expect(smallCounts(r)).toEqual([]);
    expect(r.definitions.some((d) => /incidence \(%\)/.test(d.text.en))).toBe(true);
  });

  it('basis=sample divides by the sample arrivals', async () => {
    const r = await report('/api/reports/outflow?format=json&basis=sample');
    const prov = section<TableSection>(r, 'provinces');
    const row = prov.rows.find((x) => typeof x['arrivals'] === 'number' && (x['cases'] as number) > 0)!;
    expect(row['ratio']).toBeCloseTo(((row['cases'] as number) / (row['arrivals'] as number)) * 10_000, 2);
  });
});

describe('returnees report', () => {
  it('holds /api/flows/returnees and high-risk people as published county cells', async () => {
    const r = await report('/api/reports/returnees?format=json&city=110100');
    expect(r.params).toMatchObject({
      city: '110100',
      source: '420100',
      from: '2020-01-14',
      to: '2020-01-27',
    });
    const api = (
      await get('analyst', '/api/flows/returnees?city=110100&source=420100&from=2020-01-14&to=2020-01-27')
    ).body as unknown as { total: Fig; daily: (Fig & { date: string })[] };
    expect(item(section<FiguresSection>(r, 'headline'), 'returnees')).toEqual(cell(api.total));
    const daily = section<TableSection>(r, 'daily');
    expect(daily.rows.map((x) => [x['date'], x['returnees'], x['expanded']])).toEqual(
      api.daily.map((d) => [d.date, cell(d), d.expanded?.value ?? null]),
    );
    const people = section<TableSection>(r, 'people');
    const counties = people.rows.slice(0, -1);
    const city = people.rows.at(-1)!;
    expect(counties.length).toBeGreaterThan(1);
    for (const kind of ['companion', 'suspected', 'confirmed']) {
      // The city's figure is the sum of its published county cells: nothing suppressed in it.
      const published = counties.map((c) => c[kind]).filter((v): v is number => typeof v === 'number');
      expect(city[kind]).toEqual(published.length ? published.reduce((s, n) => s + n, 0) : { lt: K });
      for (const c of counties) {
        const v = c[kind];
        if (typeof v === 'number') expect(v).toBeGreaterThanOrEqual(K);
        else expect(v).toEqual({ lt: K });
      }
    }
    // No individual field anywhere: the report's keys are its own.
    const keys = new Set<string>();
    JSON.stringify(r, (k, v: unknown) => (keys.add(k), v));
    for (const key of ['user_id', 'userId', 'pseudonym', 'caseRef', 'ref', 'phone', 'trajectory'])
      expect(keys.has(key), key).toBe(false);
    expect(smallCounts(r)).toEqual([]);
  });

  it('counts high-risk people in the epicentre (the fixture has cases there)', async () => {
    const r = await report('/api/reports/returnees?format=json&city=420100&source=110100');
    const city = section<TableSection>(r, 'people').rows.at(-1)!;
    expect(typeof city['confirmed']).toBe('number');
  });
});

describe('risk report', () => {
  it('holds /api/risk/levels, /alerts and /index for the city and day', async () => {
    const r = await report('/api/reports/risk?format=json&city=420100');
    const day = String(r.params['day']);
    expect(day).toMatch(/^2020-01-2\d$/);
    const levels = (await get('analyst', `/api/risk/levels?city=420100&day=${day}`)).body['areas'] as {
      code: string;
      risk: string;
      cumulative: number | null;
      new14: number | null;
    }[];
    const counts = section<FiguresSection>(r, 'levels-county');
    for (const level of ['high', 'medium', 'low'])
      expect(item(counts, level)).toBe(levels.filter((a) => a.risk === level).length);
    const areas = section<TableSection>(r, 'areas-county');
    const hot = levels.filter((a) => a.risk !== 'low');
    expect(areas.rows.map((x) => x['code']).sort()).toEqual(hot.map((a) => a.code).sort());
    for (const a of hot) {
      const row = areas.rows.find((x) => x['code'] === a.code)!;
      expect(row['cumulative']).toEqual(a.cumulative ?? { lt: K });
      expect(row['new14']).toEqual(a.new14 ?? { lt: K });
    }
    const alerts = (await get('analyst', `/api/risk/alerts?city=420100&day=${day}`)).body['alerts'] as {
      code: string;
      to: string;
    }[];
    expect(section<TableSection>(r, 'alerts').rows.map((x) => [x['code'], x['to']])).toEqual(
      alerts.map((a) => [a.code, a.to]),
    );
    const index = (await get('analyst', `/api/risk/index?city=420100&day=${day}`)).body as {
      weights: Record<string, number>;
      areas: { code: string; index: number; components: Record<string, number> }[];
    };
    const top = section<TableSection>(r, 'index');
    expect(top.rows.map((x) => x['code'])).toEqual(index.areas.slice(0, 10).map((a) => a.code));
    top.rows.forEach((x, i) => expect(x['index']).toBeCloseTo(index.areas[i]!.index, 1));
    expect(item(section<FiguresSection>(r, 'weights'), 'cases')).toBe(index.weights['cases']);
  });
});

describe('forecast report', () => {
  it('holds /api/forecast medians and intervals, observed as published, Rt of /api/forecast/params', async () => {
    const r = await report('/api/reports/forecast?format=json');
    expect(r.params).toMatchObject({ region: 'CN' });
    const run = Number(r.params['run']);
    const api = async (quantity: string) =>
      (await get('analyst', `/api/forecast?run=${run}&region=CN&quantity=${quantity}`)).body as {
        observed: { day: string; count: number | null; suppressed: boolean }[];
        forecast: { horizon: number; median: number; q05: number; q95: number }[];
      };
    const rows = section<TableSection>(r, 'horizons').rows;
    for (const quantity of ['confirmed', 'deaths', 'contacts', 'suspected']) {
      const a = await api(quantity);
      for (const h of [7, 14, 30]) {
        const p = a.forecast.find((x) => x.horizon === h)!;
        const row = rows.find((x) => x['key'] === quantity && x['horizon'] === h)!;
        expect(row['median']).toBeCloseTo(p.median, 1);
        expect(row['q05']).toBeCloseTo(p.q05, 1);
        expect(row['q95']).toBeCloseTo(p.q95, 1);
      }
    }
    const conf = await api('confirmed');
    const fan = section<ChartSection>(r, 'fan');
    const obs = fan.series.find((s) => s.name.en === 'Observed')!;
    expect((obs.data as (number | null)[]).slice(0, conf.observed.length)).toEqual(
      conf.observed.map((o) => o.count),
    );
    const params = (await get('analyst', `/api/forecast/params?run=${run}`)).body['params'] as Record<
      string,
      { mean: number }[]
    >;
    const rt = section<ChartSection>(r, 'rt');
    expect(rt.series.find((s) => s.name.en === 'Mean')!.data).toEqual(
      params['Rt']!.map((p) => Math.round(p.mean * 1000) / 1000),
    );
    expect(section(r, 'fit-last-days')).toMatchObject({ kind: 'table' });
  });

  it('a city with a served forecast, and a region without one is 400 naming region', async () => {
    const ok = await report('/api/reports/forecast?format=json&region=420100');
    expect(ok.params['region']).toBe('420100');
    const bad = await get('analyst', '/api/reports/forecast?format=json&region=650100');
    expect([bad.status, bad.body['field']]).toEqual([400, 'region']);
  });
});

describe('the route', () => {
  it('roles: anonymous 401, public 403, tracer and admin 200', async () => {
    expect((await anonymous.send('GET', '/api/reports/risk?format=json&city=420100')).status).toBe(401);
    expect((await get('public', '/api/reports/risk?format=json&city=420100')).status).toBe(403);
    expect((await get('tracer', '/api/reports/risk?format=json&city=420100')).status).toBe(200);
    expect((await get('admin', '/api/reports/risk?format=json&city=420100')).status).toBe(200);
  });

  it('scope: another city 403 naming the field, defaults included', async () => {
    for (const [path, field] of [
      ['/api/reports/risk?format=json&city=420100', 'city'],
      ['/api/reports/outflow?format=json', 'origin'],
      ['/api/reports/outflow?format=json&origin=420100', 'origin'],
      ['/api/reports/returnees?format=json&city=420100', 'city'],
      ['/api/reports/forecast?format=json', 'region'],
      ['/api/reports/forecast?format=json&region=420100', 'region'],
    ] as const) {
      const r = await get('analyst-bj', path);
      expect([path, r.status, r.body['field']]).toEqual([path, 403, field]);
    }
    expect((await get('analyst-wh', '/api/reports/outflow?format=json')).status).toBe(200);
    // A group of provinces needs all regions, as /api/forecast.
    expect((await get('analyst-wh', '/api/reports/forecast?format=json')).status).toBe(403);
  });

  it('bad params: 400 naming the field, in Chinese when asked', async () => {
    for (const [path, field] of [
      ['/api/reports/nope?format=json', 'kind'],
      ['/api/reports/outflow?format=doc', 'format'],
      ['/api/reports/outflow?format=json&lang=fr', 'lang'],
      ['/api/reports/outflow?format=json&origin=abc', 'origin'],
      ['/api/reports/outflow?format=json&origin=420000', 'origin'],
      ['/api/reports/outflow?format=json&from=2020-01-32', 'from'],
      ['/api/reports/outflow?format=json&from=2020-01-20&to=2020-01-15', 'from'],
      ['/api/reports/outflow?format=json&model=cubic', 'model'],
      ['/api/reports/outflow?format=json&basis=true', 'basis'],
      ['/api/reports/returnees?format=json', 'city'],
      ['/api/reports/returnees?format=json&city=110100&source=x', 'source'],
      ['/api/reports/risk?format=json&city=420100&day=2019-01-01', 'day'],
      ['/api/reports/risk?format=json&city=420102', 'city'],
      ['/api/reports/forecast?format=json&run=99', 'run'],
      ['/api/reports/forecast?format=json&region=XX', 'region'],
    ] as const) {
      const r = await get('analyst', path);
      expect([path, r.status, r.body['field']]).toEqual([path, 400, field]);
    }
    const zh = await clients['analyst']!.send('GET', '/api/reports/nope?format=json', undefined, {
      'accept-language': 'zh-CN',
    });
    expect(zh.body['error']).toBe('kind：nope 不是报告类型（outflow、returnees、risk 或 forecast）');
  });

  it('huge ranges are refused by the usual limits', async () => {
    const before = await get('analyst', '/api/reports/outflow?format=json&from=2019-01-01&to=2020-01-27');
    expect([before.status, before.body['field']]).toEqual([400, 'from']);
    const after = await get(
      'analyst',
      '/api/reports/returnees?format=json&city=110100&from=2020-01-14&to=2021-01-27',
    );
    expect([after.status, after.body['field']]).toEqual([400, 'to']);
  });

  it('a repeated request is identical, and audited as report.<kind> with its params and format', async () => {
    const a = await get('analyst', '/api/reports/outflow?format=json&model=linear');
    const b = await get('analyst', '/api/reports/outflow?format=json&model=linear');
    expect(a.status).toBe(200);
    expect(b.body).toEqual(a.body);
    const db = openAppDb(ws.sqlitePath);
    try {
      const e = openAudit(ws, db)
        .recent(20)
        .find((x) => x.action === 'report.outflow');
      expect(e?.username).toBe('analyst');
      expect(JSON.parse(e!.detail)).toMatchObject({ origin: '420100', model: 'linear', format: 'json' });
    } finally {
      db.close();
    }
  });
});

describe('PrintQueue', () => {
  it('prints one at a time and refuses with 503 + Retry-After beyond 4 waiting', async () => {
    let running = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const q = new PrintQueue(async (html) => {
      running++;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      running--;
      return Buffer.from(html);
    });
    const jobs = [1, 2, 3, 4, 5].map((i) => q.run(`doc ${i}`));
    await expect(q.run('doc 6')).rejects.toMatchObject({ status: 503, retryAfterS: 10 });
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 5));
      gates.shift()!();
    }
    expect((await Promise.all(jobs)).map(String)).toEqual(['doc 1', 'doc 2', 'doc 3', 'doc 4', 'doc 5']);
    expect(most).toBe(1);
    // Once drained it prints again.
    const again = q.run('doc 7');
    await new Promise((r) => setTimeout(r, 5));
    gates.shift()!();
    expect(String(await again)).toBe('doc 7');
  });
});
