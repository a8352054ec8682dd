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
import { uidHex } from '../db/uid.ts';
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

  // Row by row, per arrival date: summing od_daily over the week (as this test once did) let a count
  // moved to another day pass (tried: od_daily dated by arrive_ts - 12 h fails all three levels).
  it.each(['county', 'city', 'province'] as const)(
    'writes od_daily at %s level with exactly the true rows (date, origin, destination, people)',
    async (level) => {
      const trips = trueTrips(truth, 120, level);
      expect(trips.length).toBeGreaterThan(100);
      const people = new Map<string, Set<number>>();
      for (const t of trips) {
        const key = `${new Date(t.arrive).toISOString().slice(0, 10)} ${t.origin} ${t.dest}`;
        people.set(key, (people.get(key) ?? new Set()).add(t.person));
      }
      const expected = [...people].map(([k, v]) => `${k} ${v.size}`).sort();
      const db = await ws.openDuck({ readOnly: true });
      const rows = await db.all<{ row: string }>(
        `SELECT concat_ws(' ', strftime(date, '%Y-%m-%d'), origin, dest, users) AS row FROM od_daily
         WHERE level = $1 ORDER BY row`,
        [level],
      );
      db.close();
      expect(new Set(expected.map((r) => r.slice(0, 10))).size).toBeGreaterThanOrEqual(6);
      expect(rows.map((r) => r.row)).toEqual(expected);
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

/**
 * Thresholds of the community dwell test. Measured at seed 20200123 (8,000 people, 3% flips): smoothed
 * precision 0.9795, recall 0.9902, overnight recall 0.9880 (16,755 found, 16,575 true, 7,840 overnight);
 * without smoothing 0.6869, 0.8145 and 0.7735.
 */
const PRECISION = 0.97;
const RECALL = 0.98;

interface DwellScore {
  found: number;
  truth: number;
  overnight: number;
  precision: number;
  recall: number;
  overnightRecall: number;
}

/**
 * Community "was there" dwells (>= 120 minutes) of the pipeline against the truth: consecutive true
 * presences in one community merged (a presence outside any community breaks a dwell, as in the
 * pipeline), matched one to one on person, community, start and end.
 */
async function scoreDwells(f: { ws: Workspace; key: Buffer }, stays: TruthStay[]): Promise<DwellScore> {
  const db = await f.ws.openDuck({ readOnly: true });
  const cells = await db.all<{ cell_id: number; community: string }>(
    `SELECT cell_id, coalesce(community_code, '') AS community FROM cells`,
  );
  const found = await db.all<{ user_id: string; region: string; s: number; e: number }>(
    `SELECT ${uidHex('user_id')} AS user_id, region, epoch_ms(start_ts) AS s, epoch_ms(end_ts) AS e FROM dwells
     WHERE level = 'community' AND minutes >= 120
     UNION ALL SELECT ${uidHex('user_id')}, region, epoch_ms(start_ts), epoch_ms(end_ts) FROM open_dwells
     WHERE level = 'community' AND region <> '' AND end_ts - start_ts >= INTERVAL 120 MINUTE`,
  );
  db.close();
  const community = new Map(cells.map((c) => [c.cell_id, c.community]));
  const byPerson = new Map<number, TruthStay[]>();
  for (const s of stays) byPerson.set(s.person, [...(byPerson.get(s.person) ?? []), s]);
  const truth = new Map<string, number>(); // "person|community|start|end" -> how many
  let overnight = 0;
  const overnightKeys = new Set<string>();
  for (const [person, list] of byPerson) {
    list.sort((a, b) => a.start - b.start);
    let cur: { region: string; start: number; end: number } | null = null;
    const flush = (): void => {
      if (!cur || cur.region === '' || cur.end - cur.start < 120 * 60_000) return;
      const k = `${person}|${cur.region}|${cur.start}|${cur.end}`;
      truth.set(k, (truth.get(k) ?? 0) + 1);
      if (Math.floor(cur.start / 86_400_000) !== Math.floor(cur.end / 86_400_000)) {
        overnight++;
        overnightKeys.add(k);
      }
    };
    for (const s of list) {
      const region = community.get(s.cell) ?? '';
      if (cur && cur.region === region) cur.end = Math.max(cur.end, s.end);
      else {
        flush();
        cur = { region, start: s.start, end: s.end };
      }
    }
    flush();
  }
  const personOf = new Map<string, number>();
  for (const person of byPerson.keys())
    personOf.set(pseudonym(f.key, String(1010000000000 + person)), person);
  const left = new Map(truth);
  let matched = 0;
  let overnightMatched = 0;
  for (const d of found) {
    const k = `${personOf.get(d.user_id)}|${d.region}|${d.s}|${d.e}`;
    const n = left.get(k) ?? 0;
    if (n === 0) continue;
    left.set(k, n - 1);
    matched++;
    if (overnightKeys.has(k)) overnightMatched++;
  }
  const truthCount = [...truth.values()].reduce((a, b) => a + b, 0);
  const r4 = (x: number): number => Math.round(x * 10_000) / 10_000;
  return {
    found: found.length,
    truth: truthCount,
    overnight,
    precision: r4(matched / found.length),
    recall: r4(matched / truthCount),
    overnightRecall: r4(overnightMatched / overnight),
  };
}

describe('with 3% of records flipping to a neighbouring cell', () => {
  let f: Awaited<ReturnType<typeof pipelineFixture>>;
  let truthP: TruthStay[];
  let smoothed: DwellScore;
  beforeAll(async () => {
    f = await pipelineFixture('pingpong', { pingPongRate: 0.03 });
    truthP = await readTruthStays(f.synthDir, true);
  });

  // At community level, where a flip to the neighbouring cell often changes the region (at county level
  // it never does: the neighbour is in the same county, so the test once scored 1.0000 without smoothing).
  // Matched one to one on person, community, start and end to the second; dwells that span midnight
  // scored on their own, as they need the open dwell carried from one day's run to the next. Guards
  // test/mutants/dwell-carry-off.patch: measured precision 0.9288, recall 0.9378, overnight 0.8768 with it.
  it('detects community dwells (>= 120 min) one to one with their true start and end, across midnight too', async () => {
    smoothed = await scoreDwells(f, truthP);
    console.info(`community dwells, smoothed: ${JSON.stringify(smoothed)}`);
    expect(smoothed.truth).toBeGreaterThan(5_000);
    expect(smoothed.overnight).toBeGreaterThan(1_000);
    expect(smoothed.precision).toBeGreaterThanOrEqual(PRECISION);
    expect(smoothed.recall).toBeGreaterThanOrEqual(RECALL);
    expect(smoothed.overnightRecall).toBeGreaterThanOrEqual(RECALL);
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
    const stays = await count();
    await runPipeline(f.ws, { rebuild: true, stay: { ...DEFAULT_STAY_OPTIONS, pingPongMaxRecords: 0 } });
    const raw = await count();
    console.info(`true presences ${presences}, smoothed stays ${stays}, unsmoothed ${raw}`);
    expect(Math.abs(stays / presences - 1)).toBeLessThan(0.05);
    expect(raw / presences - 1).toBeGreaterThan(0.2);
    // Without smoothing the community dwells must score clearly worse, or the dwell test above has no power.
    const raw2 = await scoreDwells(f, truthP);
    console.info(`community dwells, unsmoothed: ${JSON.stringify(raw2)}`);
    expect(raw2.recall).toBeLessThan(RECALL - 0.1);
    expect(raw2.precision).toBeLessThan(PRECISION - 0.2);
  });
});
