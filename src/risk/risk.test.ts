import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Duck } from '../db/duck.ts';
import { uid, uidHex } from '../db/uid.ts';
import { GRID_DEGREES } from '../pipeline/presence.ts';
import { tracingFixture } from '../testing/tracing-fixture.ts';
import { companions, listCases } from '../tracing/index.ts';
import { areaLabels } from './areas.ts';
import { buildRisk, DEFAULT_BUILD } from './build.ts';
import type { RiskBuildSummary } from './build.ts';
import { heatmap } from './heatmap.ts';
import { indexOf as indexAreas } from './query.ts';
import { COMPONENTS } from './risk-index.ts';

// One synthetic workspace through synth, ingest, pipeline, case registry and `risk build`; every figure below
// is checked against a computation written here from the stays and the registry.

let db: Duck;
let summary: RiskBuildSummary;
const K = DEFAULT_BUILD.k;

beforeAll(async () => {
  const f = await tracingFixture('risk');
  db = await f.ws.openDuck();
  summary = await buildRisk(db);
}, 300_000);
afterAll(() => db.close());

describe('high-risk people', () => {
  it("are the registry's matched suspects and the tracer's companions of every confirmed case", async () => {
    const cases = await listCases(db);
    const expected = new Set<string>();
    for (const c of cases.filter((c) => c.status === 'confirmed' && c.userId && c.confirmed))
      for (const p of (await companions(db, c.ref, { minMinutes: 60, degree: 1, toleranceMeters: 0 }))
        .companions)
        expected.add(`${p.userId}|${c.ref}`);
    const got = await db.all<{ u: string; ref: string }>(
      `SELECT user_id AS u, ref FROM risk_people WHERE kind = 'companion'`,
    );
    expect(expected.size).toBeGreaterThan(20);
    expect(new Set(got.map((r) => `${r.u}|${r.ref}`))).toEqual(expected);
    expect(got.length).toBe(expected.size);
    const suspects = cases.filter((c) => c.status === 'suspected' && c.userId).map((c) => c.ref);
    const stored = await db.all<{ ref: string }>(
      `SELECT ref FROM risk_people WHERE kind = 'suspected' ORDER BY ref`,
    );
    expect(stored.map((r) => r.ref)).toEqual([...suspects].sort());
    expect(summary.people.suspected).toBe(
      new Set(cases.filter((c) => c.status === 'suspected' && c.userId).map((c) => c.userId)).size,
    );
  });
});

describe('heatmap', () => {
  let hour: string;
  /** Independent count: users of the set with a stay overlapping the hour, per city and grid square / community. */
  let truth: Map<string, Set<string>>;

  beforeAll(async () => {
    const busiest = await db.one<{ h: string }>(
      `SELECT strftime(hour, '%Y-%m-%d %H:%M:%S') AS h FROM risk_presence GROUP BY hour ORDER BY sum(users) DESC, hour LIMIT 1`,
    );
    hour = busiest!.h;
    const t0 = Date.parse(hour.replace(' ', 'T') + 'Z');
    const stays = await db.all<{
      u: string;
      s: string;
      e: string;
      lon: number;
      lat: number;
      city: string | null;
      com: string | null;
    }>(
      `SELECT ${uidHex('s.user_id')} AS u, strftime(start_ts, '%Y-%m-%d %H:%M:%S') AS s, strftime(end_ts, '%Y-%m-%d %H:%M:%S') AS e,
              c.lon, c.lat, c.city_code AS city, c.community_code AS com
       FROM (SELECT user_id, cell_id, start_ts, end_ts FROM stays UNION ALL SELECT user_id, cell_id, start_ts, end_ts FROM open_stays) s
       JOIN cells c USING (cell_id)
       WHERE ${uid('s.user_id')} IN (SELECT ${uid('user_id')} FROM risk_people WHERE kind IN ('companion', 'suspected'))`,
    );
    truth = new Map();
    const add = (k: string, u: string): void => void (truth.get(k) ?? truth.set(k, new Set()).get(k)!).add(u);
    for (const r of stays) {
      const s = Date.parse(r.s.replace(' ', 'T') + 'Z');
      const e = Date.parse(r.e.replace(' ', 'T') + 'Z');
      // Present in the hour [t0, t0 + 1 h) when the stay overlaps it (a stay ending exactly at t0 counts, as
      // generate_series over whole hours includes its last hour).
      if (!r.city || s >= t0 + 3_600_000 || e < t0) continue;
      add(`${r.city}|grid|${Math.floor(r.lon / GRID_DEGREES)}_${Math.floor(r.lat / GRID_DEGREES)}`, r.u);
      if (r.com) add(`${r.city}|community|${r.com}`, r.u);
    }
  });

  it('counts for the hour equal an independent count from the stays', async () => {
    const rows = await db.all<{ city: string; kind: string; area: string; users: number }>(
      `SELECT city, kind, area, users FROM risk_presence WHERE hour = $1::TIMESTAMP`,
      [hour],
    );
    expect(truth.size).toBeGreaterThan(10);
    expect(new Map(rows.map((r) => [`${r.city}|${r.kind}|${r.area}`, r.users]))).toEqual(
      new Map([...truth].map(([k, v]) => [k, v.size])),
    );
  });

  it('published cells pass disclosure control: none in 1..k-1, suppressed exactly below k, noise within 2', async () => {
    const cities = [...new Set([...truth.keys()].map((k) => k.split('|')[0]!))];
    let suppressed = 0;
    let published = 0;
    for (const city of cities)
      for (const kind of ['grid', 'community'] as const) {
        const h = await heatmap(db, { city, hour, kind, k: K }, (codes) =>
          areaLabels(db, 'community', codes),
        );
        // Every area with people at or above k is published, perturbed by at most 2; those below k are counted
        // and never listed, not even where they are (test/mutants/heatmap-lists-suppressed.patch).
        const truthAreas = [...truth.entries()].filter(([key]) => key.startsWith(`${city}|${kind}|`));
        const below = truthAreas.filter(([, users]) => users.size < K).length;
        expect(h.areas.map((a) => a.area).sort()).toEqual(
          truthAreas
            .filter(([, users]) => users.size >= K)
            .map(([key]) => key.split('|')[2]!)
            .sort(),
        );
        for (const a of h.areas) {
          const n = truth.get(`${city}|${kind}|${a.area}`)!.size;
          expect(a.suppressed).toBe(false);
          expect(a.count!).toBeGreaterThanOrEqual(K);
          expect(Math.abs(a.count! - n)).toBeLessThanOrEqual(2);
          published++;
        }
        suppressed += below;
        expect(h.suppressedAreas).toBe(below);
        expect(h.total).toBe(h.areas.length ? h.areas.reduce((s, a) => s + a.count!, 0) : below ? null : 0);
      }
    expect(suppressed).toBeGreaterThan(0);
    expect(published).toBeGreaterThan(0);
  });
});

describe('risk index', () => {
  it('recomputed from its shown components and weights equals the stored index; components are raw / max', async () => {
    const day = summary.last!;
    const w = DEFAULT_BUILD.weights;
    let checked = 0;
    for (const level of ['county', 'community', 'city'] as const) {
      const max = await db.one<Record<string, number>>(
        `SELECT ${COMPONENTS.map((c) => `max(${c}) AS ${c}`).join(', ')} FROM risk_index WHERE level = $1`,
        [level],
      );
      for (const a of await indexAreas(db, { city: '420100', day, level })) {
        const sumW = w.cases + w.companions + w.inflow + w.density;
        const recomputed =
          (100 *
            (w.cases * a.components.cases +
              w.companions * a.components.companions +
              w.inflow * a.components.inflow +
              w.density * a.components.density)) /
          sumW;
        expect(a.index).toBeCloseTo(recomputed, 9);
        for (const c of COMPONENTS)
          expect(a.components[c]).toBeCloseTo(max![c]! > 0 ? a.raw[c] / max![c]! : 0, 12);
        if (a.index > 0) checked++;
      }
    }
    expect(checked).toBeGreaterThan(3);
  });

  it('people counts in the index are protected: none in 1..k-1', async () => {
    const bad = await db.one<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM risk_index WHERE (cases > 0 AND cases < $1) OR (companions > 0 AND companions < $1)`,
      [K],
    );
    expect(bad!.n).toBe(0);
  });
});
