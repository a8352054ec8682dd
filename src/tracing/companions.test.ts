import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Duck } from '../db/duck.ts';
import { ensureKeyTable } from '../ingest/keys.ts';
import { pseudonym } from '../ingest/pseudonymise.ts';
import { STAY_TABLES } from '../pipeline/stays.ts';
import { Random } from '../synth/random.ts';
import { addCase, buildTraceLayout, companions, trajectory } from './index.ts';
import { MAX_EXTEND_MINUTES } from './layout.ts';
import { cellRanges } from './shared.ts';
import type { CompanionOptions } from './types.ts';

// An oracle written apart from the engine: plain loops over every pair of stays of random small data.

const MIN = 60_000;
const T0 = Date.parse('2020-01-16T00:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
const ms = (s: string): number => Date.parse(s.replace(' ', 'T') + 'Z');

interface Stay {
  u: string;
  cell: number;
  s: number;
  e: number;
  lo: number;
  hi: number;
}

const CELLS = [
  { id: 1, lon: 114.3, lat: 30.6 },
  { id: 2, lon: 114.302, lat: 30.6 }, // ~190 m east of 1
  { id: 3, lon: 114.31, lat: 30.6 }, // ~960 m east of 1
  { id: 4, lon: 114.3, lat: 30.603 }, // ~330 m north of 1
  { id: 5, lon: 114.4, lat: 30.7 },
  { id: 6, lon: 114.5, lat: 30.7 },
  { id: 7, lon: 114.6, lat: 30.7 },
  { id: 8, lon: 114.7, lat: 30.7 },
];

function metres(a: number, b: number): number {
  const p = CELLS.find((c) => c.id === a)!;
  const q = CELLS.find((c) => c.id === b)!;
  const r = (d: number): number => (d * Math.PI) / 180;
  const h =
    Math.sin(r(q.lat - p.lat) / 2) ** 2 +
    Math.cos(r(p.lat)) * Math.cos(r(q.lat)) * Math.sin(r(q.lon - p.lon) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}

/** Random stays: each person moves through cells over three days, times on even minutes. */
function randomStays(rng: Random, users: string[]): Stay[] {
  const out: Stay[] = [];
  for (const u of users) {
    let t = T0 + 2 * rng.int(120) * MIN;
    const mine: Stay[] = [];
    while (t < T0 + 3 * 1440 * MIN) {
      const len = 2 * rng.int(rng.next() < 0.2 ? 600 : 90) * MIN;
      mine.push({ u, cell: CELLS[rng.int(CELLS.length)]!.id, s: t, e: t + len, lo: t, hi: t + len });
      t += len + 2 * rng.int(rng.next() < 0.1 ? 200 : 20) * MIN;
    }
    const cap = MAX_EXTEND_MINUTES * MIN;
    mine.forEach((x, i) => {
      const prev = mine[i - 1];
      const next = mine[i + 1];
      x.lo = prev ? x.s - Math.min((x.s - prev.e) / 2, cap) : x.s;
      x.hi = next ? x.e + Math.min((next.s - x.e) / 2, cap) : x.e;
    });
    out.push(...mine);
  }
  return out;
}

interface Pair {
  ms: number;
  first: number;
  last: number;
}

function shared(
  stays: Stay[],
  a: string,
  b: string,
  o: { from: number; to: number; tol: number; extend: boolean },
): Pair | null {
  let p: Pair | null = null;
  for (const x of stays) {
    if (x.u !== a) continue;
    for (const y of stays) {
      if (y.u !== b) continue;
      if (x.cell !== y.cell && !(o.tol > 0 && metres(x.cell, y.cell) <= o.tol)) continue;
      const lo = Math.max(o.extend ? x.lo : x.s, o.extend ? y.lo : y.s, o.from);
      const hi = Math.min(o.extend ? x.hi : x.e, o.extend ? y.hi : y.e, o.to);
      if (lo >= hi) continue;
      if (!p) p = { ms: hi - lo, first: lo, last: hi };
      else {
        p.ms += hi - lo;
        p.first = Math.min(p.first, lo);
        p.last = Math.max(p.last, hi);
      }
    }
  }
  return p;
}

describe('companions equal a brute-force oracle on random small data', () => {
  const key = randomBytes(32);
  const imsis = Array.from({ length: 40 }, (_, i) => String(1010000000000 + i));
  const users = imsis.map((i) => pseudonym(key, i));
  const rng = new Random(11);
  const stays = randomStays(rng, users);
  let db: Duck;

  beforeAll(async () => {
    db = await Duck.open({ path: ':memory:' });
    await ensureKeyTable(db);
    await db.run(STAY_TABLES);
    await db.run(`CREATE TABLE cells (cell_id INTEGER, lon DOUBLE, lat DOUBLE, tech VARCHAR, county_code VARCHAR,
      city_code VARCHAR, province_code VARCHAR, community_code VARCHAR)`);
    for (const c of CELLS)
      await db.run(`INSERT INTO cells VALUES ($1, $2, $3, NULL, '420102', '420100', '420000', NULL)`, [
        c.id,
        c.lon,
        c.lat,
      ]);
    // Each person's last stay is still open, as the pipeline leaves it.
    for (const [i, x] of stays.entries()) {
      const last = stays[i + 1]?.u !== x.u;
      await db.run(
        last
          ? `INSERT INTO open_stays VALUES ($1, $2, $3::TIMESTAMP, $4::TIMESTAMP, 2)`
          : `INSERT INTO stays VALUES ($1, $2, $3::TIMESTAMP, $4::TIMESTAMP, 2, $3::DATE)`,
        [x.u, x.cell, iso(x.s), iso(x.e)],
      );
    }
    await buildTraceLayout(db);
    for (let i = 0; i < 4; i++)
      await addCase(db, { ref: `T${i}`, identifier: imsis[i]!, idKind: 'imsi', status: 'confirmed' }, key);
  });
  afterAll(() => db.close());

  const settings: (Partial<CompanionOptions> & { from: string; to: string })[] = [
    { extendStays: false, toleranceMeters: 0, minMinutes: 60, from: '2020-01-16', to: '2020-01-20' },
    { extendStays: true, toleranceMeters: 0, minMinutes: 60, from: '2020-01-16', to: '2020-01-20' },
    {
      extendStays: false,
      toleranceMeters: 400,
      minMinutes: 30,
      from: '2020-01-16 07:30:00',
      to: '2020-01-18',
    },
    {
      extendStays: true,
      toleranceMeters: 1000,
      minMinutes: 90,
      from: '2020-01-17',
      to: '2020-01-17 18:00:00',
    },
  ];

  for (const [k, s] of settings.entries())
    it(`setting ${k}: extend ${s.extendStays}, tolerance ${s.toleranceMeters} m, >= ${s.minMinutes} min, degree 1 and 2`, async () => {
      const from = s.from.length === 10 ? `${s.from} 00:00:00` : s.from;
      const to = s.to.length === 10 ? `${s.to} 00:00:00` : s.to;
      const o = { from: ms(from), to: ms(to), tol: s.toleranceMeters!, extend: s.extendStays! };
      let total = 0;
      let firstTotal = 0;
      for (let i = 0; i < 4; i++) {
        const seed = users[i]!;
        const opts: CompanionOptions = {
          minMinutes: s.minMinutes!,
          degree: 2,
          toleranceMeters: s.toleranceMeters!,
          extendStays: s.extendStays,
          window: { from, to },
        };
        const r = await companions(db, `T${i}`, opts);
        const want = new Map<string, Pair>();
        for (const u of users) {
          if (u === seed) continue;
          const p = shared(stays, seed, u, o);
          if (p && p.ms >= s.minMinutes! * MIN) want.set(u, p);
        }
        const first = r.companions.filter((c) => c.degree === 1);
        expect(new Set(first.map((c) => c.userId))).toEqual(new Set(want.keys()));
        for (const c of first) {
          const p = want.get(c.userId)!;
          expect(c.minutes).toBeCloseTo(p.ms / MIN, 6);
          expect(c.firstContact).toBe(iso(p.first));
          expect(c.lastContact).toBe(iso(p.last));
          expect(c.places.reduce((a, x) => a + x.minutes, 0)).toBeCloseTo(p.ms / MIN, 6);
        }
        // Second degree: everyone else sharing enough with a first-degree companion, via the one shared most with.
        const want2 = new Map<string, { via: string; ms: number }>();
        for (const u of users) {
          if (u === seed || want.has(u)) continue;
          for (const f of [...want.keys()].sort()) {
            const p = shared(stays, f, u, o);
            const b = want2.get(u);
            if (p && p.ms >= s.minMinutes! * MIN && (!b || p.ms > b.ms)) want2.set(u, { via: f, ms: p.ms });
          }
        }
        const second = r.companions.filter((c) => c.degree === 2);
        expect(new Set(second.map((c) => c.userId))).toEqual(new Set(want2.keys()));
        for (const c of second) {
          expect(c.via).toBe(want2.get(c.userId)!.via);
          expect(c.minutes).toBeCloseTo(want2.get(c.userId)!.ms / MIN, 6);
        }
        total += first.length + second.length;
        firstTotal += first.length;
      }
      // The data must exercise the search: some companions, not everyone.
      expect(firstTotal).toBeGreaterThan(4);
      expect(total).toBeGreaterThan(firstTotal);
      expect(firstTotal).toBeLessThan(4 * (users.length - 1));
    });

  it("a trajectory is the case's stays clipped to the window, in time order", async () => {
    const from = '2020-01-16 12:00:00';
    const to = '2020-01-18 00:00:00';
    const t = await trajectory(db, 'T1', { from, to });
    const want = stays
      .filter((x) => x.u === users[1] && x.s < ms(to) && x.e > ms(from))
      .map((x) => ({ cell: x.cell, s: Math.max(x.s, ms(from)), e: Math.min(x.e, ms(to)) }));
    expect(t.dwells.map((d) => [d.cellId, d.start, d.end])).toEqual(
      want.map((w) => [w.cell, iso(w.s), iso(w.e)]),
    );
    for (const d of t.dwells) expect(d.transmissionPoint).toBe(d.minutes >= 60);
    const top = t.places[0]!;
    expect(top.minutes).toBeCloseTo(
      t.dwells.filter((d) => d.cellId === top.cellId).reduce((a, d) => a + d.minutes, 0),
      6,
    );
  });
});

describe('cellRanges', () => {
  it('makes runs of consecutive ids, then closes the smallest gaps until few enough', () => {
    const cells = [1, 2, 3, 7, 8, 20, 21, 40];
    expect(cellRanges(cells, 10)).toEqual([
      [1, 3],
      [7, 8],
      [20, 21],
      [40, 40],
    ]);
    expect(cellRanges(cells, 3)).toEqual([
      [1, 8],
      [20, 21],
      [40, 40],
    ]);
    expect(cellRanges(cells, 2)).toEqual([
      [1, 21],
      [40, 40],
    ]);
    // Every cell stays inside a range.
    for (const max of [1, 2, 3, 4])
      for (const c of cells) expect(cellRanges(cells, max).some(([a, b]) => a <= c && c <= b)).toBe(true);
  });
});
