import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { quotedString } from '../db/duck.ts';
import { query } from '../testing/duck-query.ts';
import { tempDir } from '../testing/fixture.ts';
import { pearson } from '../testing/stats.ts';
import { BAIDU_WUHAN_SCALE_2020, buildCalendar, dayDate } from './calendar.ts';
import { builtinGeo } from './cities.ts';
import { generate } from './generate.ts';
import { defaultParams } from './params.ts';
import type { ScenarioParams } from './params.ts';

// Jan 14-27 2020: the holiday peak, Wuhan's closure on Jan 23 at 10:00, then the Spring Festival holiday.
const params: ScenarioParams = {
  ...defaultParams,
  people: 20_000,
  epicentreShare: 0.5,
  start: '2020-01-14',
  days: 14,
  pingPongRate: 0,
  duplicateRate: 0,
  malformedRate: 0,
};
const WUHAN = quotedString(params.epicentre);

/** Residents of Wuhan and of elsewhere who commuted (reached their own work cell before 09:30, when outings begin), by day. */
function commuters(dir: string): Promise<{ day: string; wuhan: number; rest: number }[]> {
  const f = (p: string): string => `read_parquet(${quotedString(join(dir, p))})`;
  return query(
    `SELECT s.start_ts::DATE::VARCHAR AS day,
            count(DISTINCT s.person) FILTER (WHERE p.home_city = ${WUHAN})::INTEGER AS wuhan,
            count(DISTINCT s.person) FILTER (WHERE p.home_city <> ${WUHAN})::INTEGER AS rest
     FROM ${f('truth/stays.parquet')} s JOIN ${f('truth/persons.parquet')} p USING (person)
     WHERE s.cell_id = p.work_cell AND NOT s.transit AND s.start_ts::TIME < '09:30:00' GROUP BY day`,
  );
}

describe('the lockdown and the holiday', { timeout: 120_000 }, () => {
  let dir: string;
  const f = (p: string): string => `read_parquet(${quotedString(join(dir, p))})`;
  /** Journeys out of the epicentre by departure day, 0 = Jan 14. */
  let out: Map<string, number>;
  beforeAll(async () => {
    dir = tempDir('lockdown');
    await generate(builtinGeo(), params, dir);
    const rows = await query<{ day: string; n: number }>(
      `SELECT depart_ts::DATE::VARCHAR AS day, count(*)::INTEGER AS n FROM ${f('truth/journeys.parquet')}
       WHERE origin = ${WUHAN} GROUP BY day`,
    );
    out = new Map(rows.map((r) => [r.day, r.n]));
  });

  it("follows Baidu's index out of Wuhan up to the closure: the holiday peak is visible", () => {
    const days = Array.from({ length: 9 }, (_, d) => dayDate(params.start, d)); // Jan 14-22
    const sim = days.map((d) => out.get(d) ?? 0);
    const baidu = days.map((d) => BAIDU_WUHAN_SCALE_2020[d]!);
    const r = pearson(sim, baidu);
    const peak = sim[8]! / sim[0]!;
    console.info(
      `departures from Wuhan Jan 14-22: ${sim.join(', ')}; Pearson r vs Baidu ${r.toFixed(3)}, Jan 22 / Jan 14 ${peak.toFixed(2)} (index ${(baidu[8]! / baidu[0]!).toFixed(2)})`,
    );
    expect(r).toBeGreaterThan(0.85);
    expect(peak).toBeGreaterThan(1.6);
  });

  it('lets almost nobody out of the epicentre after the closure: each later day < 5% of the day before it', async () => {
    const dayBefore = out.get('2020-01-22')!;
    const [late] = await query<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM ${f('truth/journeys.parquet')}
       WHERE origin = ${WUHAN} AND depart_ts >= '2020-01-23 10:00:00' AND depart_ts < '2020-01-24 00:00:00'`,
    );
    const after = ['2020-01-24', '2020-01-25', '2020-01-26', '2020-01-27'].map((d) => out.get(d) ?? 0);
    console.info(
      `departures from Wuhan: Jan 22 ${dayBefore}, Jan 23 ${out.get('2020-01-23')} (${late!.n} after 10:00), then ${after.join(', ')}`,
    );
    expect(dayBefore).toBeGreaterThan(200);
    expect(late!.n / dayBefore).toBeLessThan(0.05);
    for (const n of after) expect(n / dayBefore).toBeLessThan(0.05);
    // The leak is there, not a wall: 2% of the day before.
    expect(after.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const [into] = await query<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM ${f('truth/journeys.parquet')}
       WHERE dest = ${WUHAN} AND arrive_ts >= '2020-01-23 10:00:00'`,
    );
    expect(into!.n).toBe(0);
  });

  it('halves the activity inside the closed city and stops work trips on the holiday', async () => {
    const rows = await commuters(dir);
    const at = new Map(rows.map((r) => [r.day, r]));
    const ratio = at.get('2020-01-23')!.wuhan / at.get('2020-01-22')!.wuhan;
    const restRatio = at.get('2020-01-23')!.rest / at.get('2020-01-22')!.rest;
    console.info(
      `at work: Wuhan Jan 22 ${at.get('2020-01-22')!.wuhan}, Jan 23 ${at.get('2020-01-23')!.wuhan} (ratio ${ratio.toFixed(3)}); elsewhere ratio ${restRatio.toFixed(3)}`,
    );
    // Jan 23 is closed from 10:00, so the whole working day counts as closed; 1 - localCut = 0.5, less the
    // ~1% of residents who left in the morning.
    expect(Math.abs(ratio - (1 - params.lockdown!.localCut))).toBeLessThan(0.05);
    expect(restRatio).toBeGreaterThan(0.97);
    for (const d of ['2020-01-24', '2020-01-25', '2020-01-26', '2020-01-27']) {
      // A stay at the work cell can still happen by chance (an outing, a lodging cell); a commute cannot.
      expect((at.get(d)?.wuhan ?? 0) + (at.get(d)?.rest ?? 0)).toBeLessThan(
        0.02 * at.get('2020-01-22')!.rest,
      );
    }
  });

  it('builds the calendar from the parameters: closure time, leak, holidays', () => {
    const cal = buildCalendar(params, builtinGeo());
    const wuhan = builtinGeo().cities.findIndex((c) => c.code === params.epicentre);
    expect(cal.closedAt).toBe(9 * 86_400 + 10 * 3600);
    expect(cal.isClosed(wuhan, cal.closedAt - 1)).toBe(false);
    expect(cal.isClosed(wuhan, cal.closedAt)).toBe(true);
    expect(cal.leakEpicentre).toBeCloseTo(0.02 * 11.84 * params.outflowPerScaleUnit, 10);
    expect([...cal.holiday]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    const open = buildCalendar({ ...params, lockdown: null }, builtinGeo());
    expect(open.closedAt).toBe(Infinity);
    expect(open.isClosed(wuhan, 13 * 86_400)).toBe(false);
  });
});

describe('the 45-day scenario (2020-01-10 .. 2020-02-23)', { timeout: 120_000 }, () => {
  it('covers the whole window; work resumes after the holiday except for the cut inside the closed city', async () => {
    const long: ScenarioParams = { ...params, people: 4000, start: '2020-01-10', days: 45 };
    const dir = tempDir('lockdown-45');
    await generate(builtinGeo(), long, dir);
    const f = (p: string): string => `read_parquet(${quotedString(join(dir, p))})`;
    const [span] = await query<{ first: string; last: string }>(
      `SELECT min(start_ts)::VARCHAR AS first, max(end_ts)::VARCHAR AS last FROM ${f('truth/stays.parquet')}`,
    );
    expect(span).toEqual({ first: '2020-01-10 00:00:00', last: '2020-02-23 23:59:59' });
    const rows = await commuters(dir);
    const at = new Map(rows.map((r) => [r.day, r]));
    const holiday = rows.filter((r) => r.day >= '2020-01-24' && r.day <= '2020-02-02');
    expect(holiday).toEqual([]);
    const before = at.get('2020-01-22')!;
    const after = at.get('2020-02-03')!;
    console.info(
      `45 days, at work: Wuhan ${before.wuhan} on Jan 22, ${after.wuhan} on Feb 3; elsewhere ${before.rest}, ${after.rest}`,
    );
    expect(Math.abs(after.rest / before.rest - 1)).toBeLessThan(0.1);
    expect(Math.abs(after.wuhan / before.wuhan - 0.5)).toBeLessThan(0.1);
  });
});
