import { describe, expect, it } from 'vitest';
import { backtestTable, pooled, relativeWis, runBacktest, SCORERS, upTo } from './backtest.ts';
import type { EpiData } from './types.ts';
import { DEFAULT_DATA_DIR, hasSharedData, readChinaCases, readLi } from './shared-data.ts';

describe('backtest data cut at the origin', () => {
  it('passes the fit nothing after the origin: counts, deaths and flows end there', () => {
    const flow = (k: number) => ({
      origin: Int32Array.of(0),
      dest: Int32Array.of(1),
      people: Float64Array.of(k),
    });
    const data: EpiData = {
      regions: [
        { code: 'A', name: 'a', population: 100 },
        { code: 'B', name: 'b', population: 100 },
      ],
      start: '2020-01-01',
      days: 4,
      confirmed: Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8),
      deaths: Float64Array.of(0, 0, 0, 1, 0, 1, 1, 1),
      flows: [flow(1), flow(2), flow(3), flow(4)],
      synthetic: true,
    };
    const known = upTo(data, 2);
    expect(known.days).toBe(2);
    expect([...known.confirmed]).toEqual([1, 2, 3, 4]);
    expect([...known.deaths!]).toEqual([0, 0, 0, 1]);
    expect(known.flows.map((f) => f.people[0])).toEqual([1, 2]);
  });
});

// Real data (../shared/data/epi) is not committed: without it these tests are reported as skipped.
const have = hasSharedData(DEFAULT_DATA_DIR);
const note = have ? '' : ` (SKIPPED: ${DEFAULT_DATA_DIR} absent)`;

describe.skipIf(!have)(`backtest on the shared real data${note}`, () => {
  it("reads Li et al.'s 375 cities and china-cases-2020 through the user-file readers", () => {
    const li = readLi(DEFAULT_DATA_DIR, 'province');
    // 30 days x 367 of our codes (Li's 375 entries: 659004 listed three times kept once, places merged into
    // one of our cities summed); only Hong Kong, Macau and Taiwan (no census population here) are quarantined.
    expect([li.cases.rows, li.cases.accepted, li.cases.quarantined.length]).toEqual([11010, 10920, 90]);
    expect(li.cases.data.regions.length).toBe(31);
    expect(li.cases.data.days).toBe(30);
    expect(li.mobility.flows.length).toBe(14);
    // Day 1, out of 659004: 3,689 travellers, once, though Li lists the same rows under three names.
    const f = li.mobility.flows[0]!;
    const cities = readLi(DEFAULT_DATA_DIR, 'city');
    const i = cities.cases.data.regions.findIndex((r) => r.code === '659004');
    const g = cities.mobility.flows[0]!;
    expect(g.people.reduce((s, p, k) => s + (g.origin[k] === i ? p : 0), 0)).toBe(3689);
    expect(f.people.every((p) => p > 0)).toBe(true);
    expect(li.mobility.accepted + li.mobility.quarantined.length).toBe(li.mobility.rows);
    const cc = readChinaCases(DEFAULT_DATA_DIR, 'province', '2020-02-10', '2020-02-14');
    const hubei = cc.data.regions.findIndex((r) => r.code === '420000');
    const n = cc.data.regions.length;
    // 12 February 2020: Hubei's count jumps as clinically diagnosed cases are counted (this data set's
    // cumulative rises by 13,797 that day, ten times the days around it).
    expect(cc.data.confirmed[2 * n + hubei]).toBe(13797);
    expect(cc.data.confirmed[1 * n + hubei]).toBe(1638);
  });

  it('scores two origins at province level per horizon 1..28, epicentre apart (within ~30 s)', () => {
    let clock = 0;
    const r = runBacktest({
      dir: DEFAULT_DATA_DIR,
      source: 'china-cases',
      level: 'province',
      origins: ['2020-02-01', '2020-02-08'],
      horizon: 28,
      members: 60,
      seed: 7,
      start: '2020-01-15',
      now: () => (clock += 1000),
    });
    expect(r.epicentre).toBe('420000 湖北省');
    expect(r.blocks.map((b) => [b.name, b.regions, b.rows.length])).toEqual([
      ['outside the epicentre province (each region)', 30, 28],
      ['outside the epicentre province (sum)', 1, 28],
      ['epicentre province', 1, 28],
    ]);
    expect(r.ms).toEqual([1000, 1000]);
    for (const b of r.blocks)
      for (const row of b.rows) {
        // Every province is observed on every day of 2020-02-02..03-17 in this data set.
        expect(row.targets).toBe(b.regions * 2);
        for (const k of SCORERS) {
          expect(row.wis[k]).toBeGreaterThan(0);
          for (const c of [row.cover50[k], row.cover90[k]]) expect(c >= 0 && c <= 1).toBe(true);
          expect(row.cover90[k]).toBeGreaterThanOrEqual(row.cover50[k]);
        }
      }
    const week = pooled(r.blocks[0]!.rows, 1, 7);
    expect(week.targets).toBe(7 * 60);
    expect(relativeWis(week, 'negbin')).toBeCloseTo(week.wis.model / week.wis.negbin, 12);
    const lines = backtestTable(r);
    expect(lines[0]).toBe(
      'backtest: china-cases, province level, origins 2020-02-01, 2020-02-08, 60 members, seed 7; epicentre 420000 湖北省; travel after 2020-01-23: carry',
    );
    // Per block: title, header, 28 horizons, 3 pooled lines.
    expect(lines.filter((l) => /^\d+\t/.test(l)).length).toBe(3 * 28);
    expect(lines.filter((l) => /^(1-7|8-14|15-28)\t/.test(l)).length).toBe(9);
  }, 90_000);
});
