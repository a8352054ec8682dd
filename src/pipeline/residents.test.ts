import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quotedString } from '../db/duck.ts';
import { CENSUS_TOTAL_2020 } from '../synth/params.ts';
import { pipelineFixture } from '../testing/fixture.ts';
import { spearman } from '../testing/stats.ts';

// Each test builds a workspace of 36-40k simulated people: minutes on a loaded 2-core machine.
describe('residents and expansion against the ground truth', { timeout: 240_000 }, () => {
  it('finds residents per county within 10% of the true subscribers, for counties with >= 1,000 residents', async () => {
    // A dense focal city so that its districts have >= 1,000 simulated residents; little travel.
    const f = await pipelineFixture('residents', {
      people: 36_000,
      epicentreShare: 0.6,
      days: 4,
      outflowFirstDay: 0.005,
      outflowLastDay: 0.005,
    });
    const db = await f.ws.openDuck({ readOnly: true });
    const rows = await db.all<{ county_code: string; truth: number; subs: number; found: number }>(
      `SELECT t.county_code, t.residents AS truth, t.subscribers AS subs, coalesce(e.residents, 0) AS found
       FROM read_parquet(${quotedString(join(f.synthDir, 'truth/residents.parquet'))}) t
       LEFT JOIN expansion e USING (county_code) WHERE t.residents >= 1000`,
    );
    db.close();
    expect(rows.length).toBeGreaterThanOrEqual(5);
    const worst = Math.max(...rows.map((r) => Math.abs(r.found - r.subs) / r.subs));
    console.info(
      `residents: ${rows.length} counties >= 1,000, worst relative error ${(100 * worst).toFixed(1)}%`,
    );
    for (const r of rows) expect(Math.abs(r.found - r.subs) / r.subs, r.county_code).toBeLessThan(0.1);
  });

  it('expands city OD to the true all-operator OD (Spearman >= 0.9, total within 10%)', async () => {
    // People placed by census alone, so census-based factors undo the operator's share exactly in expectation.
    const people = 40_000;
    const f = await pipelineFixture('expansion', { people, epicentreShare: 0, days: 4, travelDaily: 0.12 });
    const db = await f.ws.openDuck({ readOnly: true });
    const rows = await db.all<{ truth: number; expanded: number; users: number }>(
      `WITH t AS (SELECT origin, dest, sum(people)::DOUBLE AS truth
                  FROM read_parquet(${quotedString(join(f.synthDir, 'truth/od.parquet'))}) GROUP BY ALL),
            e AS (SELECT origin, dest, sum(expanded) * $1 AS expanded, sum(users)::INTEGER AS users
                  FROM od_expanded WHERE level = 'city' GROUP BY ALL)
       SELECT coalesce(t.truth, 0) AS truth, coalesce(e.expanded, 0) AS expanded, coalesce(e.users, 0) AS users
       FROM t FULL JOIN e USING (origin, dest)`,
      [people / CENSUS_TOTAL_2020],
    );
    db.close();
    const truth = rows.map((r) => r.truth);
    const expanded = rows.map((r) => r.expanded);
    const sum = (v: number[]): number => v.reduce((a, b) => a + b, 0);
    expect(rows.length).toBeGreaterThan(200);
    expect(Math.abs(sum(expanded) / sum(truth) - 1)).toBeLessThan(0.1);
    // Ranked over the pairs that may be published (sample count >= k = 15): below that, sampling noise of a
    // one-operator sample swamps any ranking, and disclosure control would suppress them anyway.
    const big = rows.filter((r) => r.users >= 15);
    expect(big.length).toBeGreaterThan(50);
    const rho = spearman(
      big.map((r) => r.truth),
      big.map((r) => r.expanded),
    );
    console.info(
      `expanded/true total ${(sum(expanded) / sum(truth)).toFixed(3)}, Spearman ${rho.toFixed(3)} over ${big.length} pairs`,
    );
    expect(rho).toBeGreaterThanOrEqual(0.9);
  });
});
