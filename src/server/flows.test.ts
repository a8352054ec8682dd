import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../cli/serve.ts';
import { openAppDb } from '../db/sqlite.ts';
import { protect } from '../privacy/disclosure.ts';
import { pipelineFixture } from '../testing/fixture.ts';
import { Client } from '../testing/http.ts';
import type { Workspace } from '../workspace.ts';
import { Accounts } from './accounts.ts';

/*
 * Issue 16's flows answers over real HTTP: province regions, expanded estimates recomputed independently from
 * the workspace's tables (od_daily cells, residents, the committed census CSVs), the scale index, divisions'
 * names, and the refusal of a county.
 */

const K = 15;
const WEEK = 'from=2020-01-16&to=2020-01-22';
let ws: Workspace;
let close: () => Promise<void>;
let c: Client;

type Exp = { value: number; lo: number; hi: number | null } | null;
type Fig = { count: number | null; suppressed: boolean; suppressedCells: number; expanded: Exp };
type Row = Fig & { code: string };
interface Flows {
  origin?: { code: string; name: string; nameEn: string; level: string };
  dest?: { code: string; level: string };
  total: Fig;
  destinations?: Row[];
  origins?: Row[];
  byProvince: Row[];
  daily: (Fig & { date: string })[];
  expansion: { basis: string; z: number; note: string };
  synthetic: boolean;
}
interface Cell {
  date: string;
  origin: string;
  dest: string;
  n: number;
  ckey: number;
}
let cells: Cell[];
/** "YYYY-MM|city" -> sample residents, from the residents table and counties.csv read here. */
const residents = new Map<string, number>();
const population = new Map<string, number>();
const provinceOfCity = new Map<string, string>();

function csvRows(file: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(new URL(`../geo/data/${file}`, import.meta.url), 'utf8')
    .trim()
    .split('\n');
  const keys = head!.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [keys[i], v])));
}

beforeAll(async () => {
  // The attack suite's scenario (src/server/disclosure-attacks.test.ts): enough leave Wuhan that cells publish.
  ws = (
    await pipelineFixture('flows16', {
      seed: 6,
      people: 8000,
      outflowProfile: 'linear',
      outflowFirstDay: 0.2,
      outflowLastDay: 0.4,
      travelDaily: 0.05,
    })
  ).ws;
  const db = await ws.openDuck({ readOnly: true });
  cells = await db.all<Cell>(
    `SELECT strftime(date, '%Y-%m-%d') AS date, origin, dest, users AS n, ckey FROM od_daily WHERE level = 'city'`,
  );
  const res = await db.all<{ month: string; county: string; n: number }>(
    `SELECT month, county_code AS county, count(*)::INTEGER AS n FROM residents GROUP BY ALL`,
  );
  db.close();
  const cityOfCounty = new Map(csvRows('counties.csv').map((r) => [r['code']!, r['city_code']!]));
  for (const r of csvRows('cities.csv')) {
    population.set(r['code']!, Number(r['population'] || 0));
    provinceOfCity.set(r['code']!, r['province_code']!);
  }
  for (const r of res) {
    const key = `${r.month}|${cityOfCounty.get(r.county)}`;
    residents.set(key, (residents.get(key) ?? 0) + r.n);
  }
  const app = openAppDb(ws.sqlitePath);
  await new Accounts(app).upsert('flows', 'flows test password 16', 'analyst');
  await new Accounts(app).upsert('hubei', 'flows test password 16', 'analyst', 30, '420000');
  app.close();
  const s = await startServer(ws, { host: '127.0.0.1', port: 0 });
  close = s.close;
  c = new Client(s.url);
  expect((await c.login('flows', 'flows test password 16')).status).toBe(200);
}, 120_000);

afterAll(async () => close?.());

/** Expected figure from cells, written out from decision 2 (independent of src/pipeline/expansion.ts). */
function expected(cs: Cell[], factorCity: (c: Cell) => string): Fig {
  let count = 0;
  let pub = 0;
  let sup = 0;
  let v = 0;
  let lo = 0;
  let hi: number | null = 0;
  let noFactor = false;
  for (const cell of cs) {
    const p = protect(cell.n, K, cell.ckey);
    if (p.suppressed) {
      sup++;
      continue;
    }
    pub++;
    count += p.count!;
    const city = factorCity(cell);
    const n = residents.get(`${cell.date.slice(0, 7)}|${city}`) ?? 0;
    const pop = population.get(city) ?? 0;
    if (n < K || pop <= 0) {
      noFactor = true;
      continue;
    }
    v += (p.count! * pop) / n;
    lo += (p.count! * pop) / (n + 1.96 * Math.sqrt(n));
    const d = n - 1.96 * Math.sqrt(n);
    hi = hi === null || d <= 0 ? null : hi + (p.count! * pop) / d;
  }
  if (pub === 0 && sup > 0) return { count: null, suppressed: true, suppressedCells: sup, expanded: null };
  const expanded = noFactor
    ? null
    : { value: Math.round(v), lo: Math.round(lo), hi: hi === null ? null : Math.round(hi) };
  return { count, suppressed: false, suppressedCells: sup, expanded };
}

const prov = (city: string) => provinceOfCity.get(city)!;

describe('flows by city and province, with expanded estimates', () => {
  it('answers a city outflow whose every figure (count, expanded, interval) matches decision 2', async () => {
    const r = await c.send('GET', `/api/flows/outflow?origin=420100&${WEEK}`);
    expect(r.status).toBe(200);
    const f = r.body as unknown as Flows;
    expect(f.origin).toEqual({ code: '420100', name: '武汉市', nameEn: 'Wuhan', level: 'city' });
    expect(f.expansion).toMatchObject({ basis: 'origin city', z: 1.96 });
    expect(f.synthetic).toBe(true);
    const mine = cells.filter((x) => x.origin === '420100');
    expect(f.total).toEqual(expected(mine, (x) => x.origin));
    expect(f.total.expanded).not.toBeNull();
    for (const d of f.destinations!)
      expect(d, d.code).toMatchObject(
        expected(
          mine.filter((x) => x.dest === d.code),
          (x) => x.origin,
        ),
      );
    for (const p of f.byProvince)
      expect(p, p.code).toMatchObject(
        expected(
          mine.filter((x) => prov(x.dest) === p.code),
          (x) => x.origin,
        ),
      );
    for (const d of f.daily)
      expect(d).toMatchObject(
        expected(
          mine.filter((x) => x.date === d.date),
          (x) => x.origin,
        ),
      );
    // At least one published figure has an interval around it.
    const pub = f.destinations!.find((d) => d.expanded !== null)!;
    expect(pub.expanded!.lo).toBeLessThan(pub.expanded!.value);
    expect(pub.expanded!.hi!).toBeGreaterThan(pub.expanded!.value);
  });

  it('answers a province outflow as the sum of its cities cells leaving it (own cities excluded)', async () => {
    const r = await c.send('GET', `/api/flows/outflow?origin=420000&${WEEK}`);
    expect(r.status).toBe(200);
    const f = r.body as unknown as Flows;
    expect(f.origin).toMatchObject({ code: '420000', name: '湖北省', nameEn: 'Hubei', level: 'province' });
    const mine = cells.filter((x) => prov(x.origin) === '420000' && prov(x.dest) !== '420000');
    expect(mine.length).toBeGreaterThan(0);
    expect(f.total).toEqual(expected(mine, (x) => x.origin));
    expect(f.destinations!.some((d) => prov(d.code) === '420000')).toBe(false);
    expect(f.byProvince.some((p) => p.code === '420000')).toBe(false);
    for (const d of f.destinations!)
      expect(d, d.code).toMatchObject(
        expected(
          mine.filter((x) => x.dest === d.code),
          (x) => x.origin,
        ),
      );
  });

  it('answers inflow to a province by origin city, expanded by each origin city', async () => {
    const r = await c.send('GET', `/api/flows/inflow?dest=110000&${WEEK}`);
    expect(r.status).toBe(200);
    const f = r.body as unknown as Flows;
    expect(f.dest).toMatchObject({ code: '110000', level: 'province' });
    const mine = cells.filter((x) => prov(x.dest) === '110000' && prov(x.origin) !== '110000');
    expect(f.total).toEqual(expected(mine, (x) => x.origin));
    for (const o of f.origins!)
      expect(o, o.code).toMatchObject(
        expected(
          mine.filter((x) => x.origin === o.code),
          (x) => x.origin,
        ),
      );
  });

  it('refuses a county code with 400 naming the field and saying county level is not published', async () => {
    for (const [path, field] of [
      [`/api/flows/outflow?origin=420102&${WEEK}`, 'origin'],
      [`/api/flows/inflow?dest=420102&${WEEK}`, 'dest'],
      [`/api/flows/scale?region=420102&${WEEK}`, 'region'],
    ] as const) {
      const r = await c.send('GET', path);
      expect(r.status, path).toBe(400);
      expect(r.body['field']).toBe(field);
      expect(r.body['code']).toBe('county-not-published');
      expect(r.body['error']).toMatch(/county level is not published \(county figures beside city figures/);
    }
    const unknown = await c.send('GET', `/api/flows/outflow?origin=999999&${WEEK}`);
    expect(unknown.status).toBe(400);
    expect(unknown.body['error']).toBe('origin: 999999 is not a city or province code');
  });

  it('keeps a city-scoped account out of its province and a province account in it', async () => {
    const h = new Client(c.base);
    await h.login('hubei', 'flows test password 16');
    expect((await h.send('GET', `/api/flows/outflow?origin=420000&${WEEK}`)).status).toBe(200);
    expect((await h.send('GET', `/api/flows/scale?region=110000&${WEEK}`)).status).toBe(403);
  });

  it('answers the scale index: 100 x day / mean of the published base days, 1 decimal', async () => {
    const r = await c.send(
      'GET',
      `/api/flows/scale?region=420100&${WEEK}&baseFrom=2020-01-16&baseTo=2020-01-18`,
    );
    expect(r.status).toBe(200);
    const s = r.body as unknown as {
      region: { level: string };
      base: { mean: number | null; days: number; totalDays: number; from: string; to: string };
      daily: (Fig & { date: string; index: number | null })[];
      synthetic: boolean;
    };
    const o = (await c.send('GET', `/api/flows/outflow?origin=420100&${WEEK}`)).body as unknown as Flows;
    const baseDays = o.daily.filter((d) => d.date <= '2020-01-18');
    const used = baseDays.filter((d) => !d.suppressed);
    expect(used.length).toBeGreaterThan(0);
    expect(s.base.totalDays).toBe(3);
    expect(s.base.days).toBe(used.length);
    const mean = used.reduce((t, d) => t + d.count!, 0) / used.length;
    expect(s.base.mean).toBeCloseTo(mean, 9);
    expect(s.synthetic).toBe(true);
    for (const [i, d] of s.daily.entries()) {
      expect(d.count).toBe(o.daily[i]!.count);
      expect(d.expanded).toEqual(o.daily[i]!.expanded);
      expect(d.index).toBe(d.count === null ? null : Math.round((1000 * d.count) / mean) / 10);
    }
    // Defaults: the first 7 data days.
    const dflt = (await c.send('GET', `/api/flows/scale?region=420100&direction=in&${WEEK}`)).body as {
      base: { from: string; to: string; totalDays: number };
    };
    expect(dflt.base).toMatchObject({ from: '2020-01-16', to: '2020-01-22', totalDays: 7 });
  });

  it('validates the base dates against the data window, naming the field', async () => {
    const early = await c.send('GET', `/api/flows/scale?region=420100&${WEEK}&baseFrom=2020-01-01`);
    expect(early.status).toBe(400);
    expect(early.body).toMatchObject({ field: 'baseFrom', code: 'before-data' });
    const late = await c.send('GET', `/api/flows/scale?region=420100&${WEEK}&baseTo=2020-02-01`);
    expect(late.body).toMatchObject({ field: 'baseTo', code: 'after-data' });
    const rev = await c.send(
      'GET',
      `/api/flows/scale?region=420100&${WEEK}&baseFrom=2020-01-20&baseTo=2020-01-17`,
    );
    expect(rev.body).toMatchObject({ field: 'baseFrom', code: 'range-reversed' });
    const outside = await c.send('GET', `/api/flows/scale?region=420100&from=2020-01-10&to=2020-01-22`);
    expect(outside.body).toMatchObject({ field: 'from', code: 'before-data' });
  });

  it('expands returnees by the home city factor', async () => {
    const r = await c.send('GET', `/api/flows/returnees?city=420100&source=420900&${WEEK}`);
    expect(r.status).toBe(200);
    const b = r.body as unknown as {
      expansion: { basis: string };
      total: Fig;
      daily: (Fig & { date: string })[];
    };
    expect(b.expansion.basis).toBe('home city');
    for (const d of b.daily) if (d.suppressed) expect(d.expanded).toBeNull();
    if (!b.total.suppressed && b.total.count === 0)
      expect(b.total.expanded).toEqual({ value: 0, lo: 0, hi: 0 });
  });

  it('lists divisions with pinyin and proper English names at every level', async () => {
    const cities = (await c.send('GET', '/api/divisions?level=city')).body as unknown as {
      code: string;
      nameEn: string;
      pinyin: string;
    }[];
    expect(cities.find((x) => x.code === '540100')).toMatchObject({ nameEn: 'Lhasa', pinyin: 'Lasa' });
    expect(cities.find((x) => x.code === '610100')).toMatchObject({ nameEn: "Xi'an", pinyin: 'Xian' });
    const provinces = (await c.send('GET', '/api/divisions?level=province')).body as unknown as {
      code: string;
      nameEn: string;
    }[];
    expect(provinces.find((x) => x.code === '150000')!.nameEn).toBe('Inner Mongolia');
    const counties = (await c.send('GET', '/api/divisions?level=county')).body as unknown as {
      nameEn: string;
      pinyin: string;
    }[];
    expect(counties.length).toBeGreaterThan(2900);
    expect(counties.every((x) => x.nameEn && x.pinyin)).toBe(true);
  });
});
