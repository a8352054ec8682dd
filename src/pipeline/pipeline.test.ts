import { beforeAll, describe, expect, it } from 'vitest';
import { pipelineFixture } from '../testing/fixture.ts';
import { readTruthStays } from '../synth/truth-io.ts';
import { trueOutflow, trueTrips } from '../synth/truth.ts';
import type { TruthStay } from '../synth/truth.ts';
import type { Workspace } from '../workspace.ts';
import { NOISE_BOUND } from '../privacy/disclosure.ts';
import { flowCells, outflow } from './flows.ts';
import type { FlowCell } from './flows.ts';
import { returneeCells } from './returnees.ts';
import { runPipeline } from './run.ts';
import { pseudonym } from '../ingest/pseudonymise.ts';
import { DEFAULT_STAY_OPTIONS } from './stays.ts';
import { divisionNaming } from '../server/routes-flows.ts';

let ws: Workspace;

/** True counts of the OD cells summed over days, by the other end. */
function sumByCode(cells: FlowCell[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of cells) m.set(c.code, (m.get(c.code) ?? 0) + c.n);
  return m;
}
let truth: TruthStay[];
let from: string;
let to: string;

beforeAll(async () => {
  // No ping-pong here, so that cell stays must equal the true presences exactly.
  const f = await pipelineFixture('pipeline', { pingPongRate: 0 });
  ws = f.ws;
  truth = await readTruthStays(f.synthDir, true);
  from = f.params.start;
  to = ws.info().scenario!.to;
});

describe('pipeline against the generator ground truth', () => {
  it('finds exactly the true presences of the subscribers (stays and handovers), day by day', async () => {
    const db = await ws.openDuck({ readOnly: true });
    const n = await db.one<{ closed: number; open: number; days: number }>(
      `SELECT (SELECT count(*) FROM stays)::INTEGER AS closed, (SELECT count(*) FROM open_stays)::INTEGER AS open,
              (SELECT count(*) FROM pipeline_days)::INTEGER AS days`,
    );
    db.close();
    expect(n!.days).toBe(7);
    expect(n!.closed + n!.open).toBe(truth.length);
  });

  it.each(['county', 'city', 'province'] as const)(
    'counts daily OD at %s level as the truth does, for every origin',
    async (level) => {
      const trips = trueTrips(truth, 120, level);
      expect(trips.length).toBeGreaterThan(100);
      const db = await ws.openDuck({ readOnly: true });
      const rows = await db.all<{ origin: string; dest: string; n: number }>(
        `SELECT origin, dest, sum(users)::INTEGER AS n FROM od_daily WHERE level = $1 GROUP BY ALL`,
        [level],
      );
      db.close();
      const origins = new Set(trips.map((t) => t.origin));
      let compared = 0;
      for (const origin of origins) {
        const expected = trueOutflow(trips, origin, from, to);
        const got = new Map(rows.filter((r) => r.origin === origin).map((r) => [r.dest, r.n]));
        expect(got).toEqual(expected);
        compared += got.size;
      }
      expect(compared).toBe(rows.length);
    },
  );

  it('publishes the outflow from cells: exact cells, a destination suppressed only when all its cells are < k', async () => {
    const db = await ws.openDuck({ readOnly: true });
    const o = await outflow(db, { origin: '420100', from, to, k: 15 }, divisionNaming());
    const cells = await flowCells(db, { origin: '420100', from, to });
    db.close();
    const expected = trueOutflow(trueTrips(truth, 120), '420100', from, to);
    expect(sumByCode(cells)).toEqual(expected);
    expect(o.destinations.length).toBe(expected.size);
    for (const d of o.destinations) {
      const own = cells.filter((c) => c.code === d.code);
      const published = own.filter((c) => c.n >= 15);
      expect(d.suppressed).toBe(published.length === 0);
      expect(d.suppressedCells).toBe(own.length - published.length);
      if (d.suppressed) expect(d.count).toBeNull();
      else {
        const n = published.reduce((s, c) => s + c.n, 0);
        expect(Math.abs(d.count! - n)).toBeLessThanOrEqual(NOISE_BOUND * published.length);
      }
    }
    expect(o.daily.every((d) => d.count === null || d.count === 0 || d.count >= 15)).toBe(true);
  });

  it('counts the inflow to a city by origin as the truth does', async () => {
    const trips = trueTrips(truth, 120);
    // The city reached from the most origins.
    const arrivals = new Map<string, number>();
    const pairs = new Set(trips.map((t) => `${t.dest}|${t.origin}`));
    for (const p of pairs) arrivals.set(p.split('|')[0]!, (arrivals.get(p.split('|')[0]!) ?? 0) + 1);
    const city = [...arrivals].sort((a, b) => b[1] - a[1])[0]![0];
    const db = await ws.openDuck({ readOnly: true });
    const cells = await flowCells(db, { origin: city, direction: 'in', from, to });
    db.close();
    const expected = new Map<string, number>();
    for (const origin of new Set(trips.map((t) => t.origin))) {
      const n = trueOutflow(trips, origin, from, to).get(city);
      if (n) expected.set(origin, n);
    }
    expect(expected.size).toBeGreaterThan(3);
    expect(sumByCode(cells)).toEqual(expected);
  });

  it('counts returnees (home -> source -> home within 30 days) on the date of return as the truth does', async () => {
    const trips = trueTrips(truth, 120);
    const byPerson = new Map<number, typeof trips>();
    for (const t of trips) byPerson.set(t.person, [...(byPerson.get(t.person) ?? []), t]);
    const expected = new Map<string, Set<number>>(); // "home|source|date" -> people
    for (const [person, list] of byPerson) {
      list.sort((a, b) => a.arrive - b.arrive);
      for (let i = 1; i < list.length; i++) {
        const [a, b] = [list[i - 1]!, list[i]!];
        if (a.origin !== b.dest || a.dest !== b.origin || b.arrive - a.arrive > 30 * 86_400_000) continue;
        const key = `${b.dest}|${b.origin}|${new Date(b.arrive).toISOString().slice(0, 10)}`;
        expected.set(key, (expected.get(key) ?? new Set()).add(person));
      }
    }
    expect(expected.size).toBeGreaterThan(10);
    const pairs = new Set([...expected.keys()].map((k) => k.split('|').slice(0, 2).join('|')));
    const db = await ws.openDuck({ readOnly: true });
    for (const pair of pairs) {
      const [home, source] = pair.split('|') as [string, string];
      const r = await returneeCells(db, { level: 'city', home, source, from, to });
      for (const d of r) {
        expect(d.n, `${pair} ${d.date}`).toBe(expected.get(`${pair}|${d.date}`)?.size ?? 0);
      }
    }
    db.close();
  });
});

describe('presence', () => {
  it('counts people per hour at a grid square as the truth has them there', async () => {
    const db = await ws.openDuck({ readOnly: true });
    const top = await db.one<{ hour: Date; area: string; users: number }>(
      `SELECT hour, area, users FROM presence WHERE kind = 'grid' ORDER BY users DESC, hour, area LIMIT 1`,
    );
    const cells = await db.all<{ cell_id: number }>(
      `SELECT cell_id FROM cells WHERE floor(lon / 0.01)::INTEGER || '_' || floor(lat / 0.01)::INTEGER = $1`,
      [top!.area],
    );
    const communities = await db.one<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM presence WHERE kind = 'community'`,
    );
    db.close();
    const h0 = top!.hour.getTime();
    const inSquare = new Set(cells.map((c) => c.cell_id));
    const people = new Set(
      truth
        .filter((s) => inSquare.has(s.cell) && s.start < h0 + 3_600_000 && s.end >= h0)
        .map((s) => s.person),
    );
    expect(top!.users).toBeGreaterThan(15);
    expect(top!.users).toBe(people.size);
    expect(communities!.n).toBeGreaterThan(100);
  });
});

describe('with 3% of records flipping to a neighbouring cell', () => {
  let f: Awaited<ReturnType<typeof pipelineFixture>>;
  let truthP: TruthStay[];
  beforeAll(async () => {
    f = await pipelineFixture('pingpong', { pingPongRate: 0.03 });
    truthP = await readTruthStays(f.synthDir, true);
  });

  it('detects "was there" county dwells (>= 120 min) with precision and recall >= 0.95', async () => {
    // True dwells: consecutive true presences in one county merged, kept when they last >= 120 min.
    const truthDwells = new Map<string, { start: number; end: number }[]>(); // "person|county"
    const byPerson = new Map<number, TruthStay[]>();
    for (const s of truthP) byPerson.set(s.person, [...(byPerson.get(s.person) ?? []), s]);
    for (const [person, list] of byPerson) {
      list.sort((a, b) => a.start - b.start);
      let cur: { county: string; start: number; end: number } | null = null;
      const flush = (): void => {
        if (!cur || cur.end - cur.start < 120 * 60_000) return;
        const k = `${person}|${cur.county}`;
        truthDwells.set(k, [...(truthDwells.get(k) ?? []), { start: cur.start, end: cur.end }]);
      };
      for (const s of list) {
        if (cur && cur.county === s.county) cur.end = s.end;
        else {
          flush();
          cur = { county: s.county, start: s.start, end: s.end };
        }
      }
      flush();
    }
    const personOf = new Map<string, number>();
    for (const person of byPerson.keys())
      personOf.set(pseudonym(f.key, String(1010000000000 + person)), person);
    const db = await f.ws.openDuck({ readOnly: true });
    const found = await db.all<{ user_id: string; region: string; start_ts: Date; end_ts: Date }>(
      `SELECT user_id, region, start_ts, end_ts FROM dwells WHERE level = 'county' AND minutes >= 120
       UNION ALL SELECT user_id, region, start_ts, end_ts FROM open_dwells
       WHERE level = 'county' AND region <> '' AND end_ts - start_ts >= INTERVAL 120 MINUTE`,
    );
    db.close();
    // A detected dwell matches a true one of the same person and county that it overlaps by half of either.
    const matchedTruth = new Set<string>();
    let matchedFound = 0;
    for (const d of found) {
      const person = personOf.get(d.user_id);
      const cands = truthDwells.get(`${person}|${d.region}`) ?? [];
      const [a, b] = [d.start_ts.getTime(), d.end_ts.getTime()];
      const hit = cands.findIndex((t) => {
        const overlap = Math.min(b, t.end) - Math.max(a, t.start);
        return overlap > 0 && overlap >= 0.5 * Math.min(b - a, t.end - t.start);
      });
      if (hit >= 0) {
        matchedFound++;
        matchedTruth.add(`${person}|${d.region}|${hit}`);
      }
    }
    const truthCount = [...truthDwells.values()].reduce((n, l) => n + l.length, 0);
    const precision = matchedFound / found.length;
    const recall = matchedTruth.size / truthCount;
    console.info(
      `county dwells: ${found.length} found, ${truthCount} true; precision ${precision.toFixed(4)}, recall ${recall.toFixed(4)}`,
    );
    expect(truthCount).toBeGreaterThan(10_000);
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('brings stays back to within 5% of the true presences (and runs last: it rebuilds unsmoothed)', async () => {
    const presences = truthP.length;
    const count = async (): Promise<number> => {
      const db = await f.ws.openDuck({ readOnly: true });
      const r = await db.one<{ n: number }>(
        `SELECT ((SELECT count(*) FROM stays) + (SELECT count(*) FROM open_stays))::INTEGER AS n`,
      );
      db.close();
      return r!.n;
    };
    const smoothed = await count();
    await runPipeline(f.ws, { rebuild: true, stay: { ...DEFAULT_STAY_OPTIONS, pingPongMaxRecords: 0 } });
    const raw = await count();
    console.info(`true presences ${presences}, smoothed stays ${smoothed}, unsmoothed ${raw}`);
    expect(Math.abs(smoothed / presences - 1)).toBeLessThan(0.05);
    expect(raw / presences - 1).toBeGreaterThan(0.2);
  });
});
