import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Duck, quotedString } from '../db/duck.ts';
import { loadDivisions } from '../geo/divisions.ts';
import { tempDir } from '../testing/fixture.ts';
import { pearson } from '../testing/stats.ts';
import { builtinGeo } from './cities.ts';
import { generate } from './generate.ts';
import { defaultParams, peopleAtScale } from './params.ts';
import type { ScenarioParams } from './params.ts';

async function query<T>(sql: string): Promise<T[]> {
  const db = await Duck.open({ path: ':memory:' });
  try {
    return await db.all<T>(sql);
  } finally {
    db.close();
  }
}

describe('simulator realism', { timeout: 180_000 }, () => {
  it('places residents like the 2020 census at 1:10,000 (Pearson r >= 0.98 over counties)', async () => {
    const dir = tempDir('realism-pop');
    const params: ScenarioParams = {
      ...defaultParams,
      people: peopleAtScale(10_000),
      epicentreShare: 0,
      days: 1,
    };
    await generate(builtinGeo(), params, dir);
    const rows = await query<{ county_code: string; residents: number }>(
      `SELECT county_code, residents FROM read_parquet(${quotedString(join(dir, 'truth/residents.parquet'))})`,
    );
    const sim = new Map(rows.map((r) => [r.county_code, r.residents]));
    const counties = loadDivisions()
      .list('county')
      .filter((c) => c.population > 0);
    const r = pearson(
      counties.map((c) => sim.get(c.code) ?? 0),
      counties.map((c) => c.population),
    );
    expect(params.people).toBe(140_988);
    expect([...sim.values()].reduce((a, b) => a + b, 0)).toBe(params.people);
    expect(r).toBeGreaterThanOrEqual(0.98);
  });

  describe('a week before the holiday', () => {
    let dir: string;
    const params: ScenarioParams = {
      ...defaultParams,
      people: 20_000,
      pingPongRate: 0,
      duplicateRate: 0,
      malformedRate: 0,
    };
    beforeAll(async () => {
      dir = tempDir('realism-week');
      await generate(builtinGeo(), params, dir);
    });

    it('lets the daily outflow from the epicentre rise as configured', async () => {
      const f = (p: string): string => quotedString(join(dir, p));
      const rows = await query<{ day: number; left: number }>(
        `SELECT date_diff('day', ${quotedString(params.start)}::DATE, j.depart_ts::DATE)::INTEGER AS day,
                count(*)::INTEGER AS left
         FROM read_parquet(${f('truth/journeys.parquet')}) j JOIN read_parquet(${f('truth/persons.parquet')}) p
           USING (person)
         WHERE p.home_city = $1 AND j.origin = $1 GROUP BY day ORDER BY day`.replaceAll(
          '$1',
          quotedString(params.epicentre),
        ),
      );
      const residents = Math.round(params.people * params.epicentreShare);
      let atHome = residents;
      const rates: number[] = [];
      for (let d = 0; d < params.days; d++) {
        const left = rows.find((r) => r.day === d)?.left ?? 0;
        const p =
          params.outflowFirstDay + ((params.outflowLastDay - params.outflowFirstDay) * d) / (params.days - 1);
        const rate = left / atHome;
        // Within 4 binomial standard errors of the configured daily probability.
        expect(Math.abs(rate - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / atHome));
        rates.push(rate);
        atHome -= left;
      }
      expect(rates[params.days - 1]! / rates[0]!).toBeGreaterThan(2.5);
    });

    it('spaces records as configured: gaps are min(Exp(mean), periodic update)', async () => {
      const mean = params.gapMeanMinutes * 60;
      const period = params.periodicUpdateMinutes * 60;
      // Gaps inside a run at one cell, without the last one of each run (cut short by the stay's end).
      const gaps = await query<{ g: number }>(
        `WITH r AS (SELECT raw_id, epoch(ts) AS t, cell_id, lead(cell_id) OVER w AS c1, lead(cell_id, 2) OVER w AS c2,
                           lead(epoch(ts)) OVER w AS t1
                    FROM read_parquet(${quotedString(join(dir, 'records/*.parquet'))})
                    WINDOW w AS (PARTITION BY raw_id ORDER BY ts))
         SELECT (t1 - t)::DOUBLE AS g FROM r WHERE c1 = cell_id AND c2 = cell_id`,
      );
      expect(gaps.length).toBeGreaterThan(100_000);
      const xs = gaps.map((r) => r.g).sort((a, b) => a - b);
      const cdf = (x: number): number => (x >= period ? 1 : 1 - Math.exp(-x / mean));
      // KS distance, comparing at each distinct value both the empirical CDF and its left limit.
      let d = 0;
      for (let i = 0; i < xs.length;) {
        let j = i;
        while (j < xs.length && xs[j] === xs[i]) j++;
        const x = xs[i]!;
        const left = x >= period ? 1 - Math.exp(-period / mean) : cdf(x);
        d = Math.max(d, Math.abs(j / xs.length - cdf(x)), Math.abs(i / xs.length - left));
        i = j;
      }
      // Kolmogorov-Smirnov distance; rounding to whole seconds and stays ending early bias it by about 0.01.
      expect(d).toBeLessThan(0.03);
      const atPeriod = xs.filter((x) => x === period).length / xs.length;
      expect(atPeriod).toBeGreaterThan(Math.exp(-period / mean) * 0.8);
      expect(atPeriod).toBeLessThan(Math.exp(-period / mean) * 1.2);
    });
  });
});
