import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scenarioParams } from '../cli/options.ts';
import { Duck, quotedString } from '../db/duck.ts';
import { tempDir } from '../testing/fixture.ts';
import { builtinGeo } from './cities.ts';
import { generate } from './generate.ts';
import type { SynthSummary } from './generate.ts';
import { defaultParams } from './params.ts';

// The scenario `npm start` builds: the CLI's defaults, exactly as `epitrace demo` turns them into parameters.
const params = scenarioParams({
  people: defaultParams.people,
  days: defaultParams.days,
  start: defaultParams.start,
  seed: defaultParams.seed,
  epicentre: defaultParams.epicentre,
  epicentreShare: defaultParams.epicentreShare,
  gapMeanMinutes: defaultParams.gapMeanMinutes,
  pingPongRate: defaultParams.pingPongRate,
  duplicateRate: defaultParams.duplicateRate,
  malformedRate: defaultParams.malformedRate,
  lockdownLeak: defaultParams.lockdown!.leak,
  lockdownCut: defaultParams.lockdown!.localCut,
  outflowProfile: defaultParams.outflowProfile,
});

describe('the default demo scenario', { timeout: 180_000 }, () => {
  let dir = '';
  let summary: SynthSummary;
  const f = (p: string): string => `read_parquet(${quotedString(join(dir, p))})`;
  const query = async <T>(sql: string): Promise<T> => {
    const db = await Duck.open({ path: ':memory:' });
    try {
      return (await db.one<T>(sql))!;
    } finally {
      db.close();
    }
  };
  beforeAll(async () => {
    dir = tempDir('demo-scenario');
    summary = await generate(builtinGeo(), params, dir);
  });

  it('is the CLI default: the defaults of params.ts, Wuhan closed on 2020-01-23 at 10:00', () => {
    expect(params).toEqual(defaultParams);
    expect(params.lockdown).toMatchObject({ cities: ['420100'], at: '2020-01-23T10:00' });
  });

  it('has hundreds of confirmed cases, a complete transmission chain, and cases exported by travellers', async () => {
    const r = await query<{
      infections: number;
      confirmed: number;
      exported: number;
      settings: number;
      sourceless: number;
    }>(
      `SELECT count(*)::INTEGER AS infections,
              count(*) FILTER (WHERE i.confirmed_ts >= TIMESTAMP '2020-01-14' AND i.confirmed_ts < TIMESTAMP '2020-01-28'
                AND i.listed = 'confirmed')::INTEGER AS confirmed,
              count(*) FILTER (WHERE i.exported AND i.listed = 'confirmed')::INTEGER AS exported,
              count(DISTINCT i.setting)::INTEGER AS settings,
              count(*) FILTER (WHERE NOT (i.setting IN ('seed', 'import') AND i.infector IS NULL)
                AND (s.person IS NULL OR NOT (s.infectious_ts <= i.infected_ts AND i.infected_ts < s.removed_ts))
              )::INTEGER AS sourceless
       FROM ${f('truth/infections.parquet')} i LEFT JOIN ${f('truth/infections.parquet')} s ON s.person = i.infector`,
    );
    console.info(
      `default demo: ${r.infections} infections, ${r.confirmed} confirmed by 2020-01-27 (${r.exported} exported), ${r.sourceless} without a source`,
    );
    expect(summary.cases).toBe(r.confirmed);
    expect(r.confirmed).toBeGreaterThanOrEqual(200);
    expect(r.sourceless).toBe(0);
    expect(r.settings).toBe(4); // seed, household, workplace, place
    expect(r.exported).toBeGreaterThan(0);
  });

  it('lets < 5% of the day before out of Wuhan on each day after the closure', async () => {
    const r = await query<{ before: number; worst: number }>(
      `WITH d AS (SELECT depart_ts::DATE AS day, count(*) AS n FROM ${f('truth/journeys.parquet')}
                  WHERE origin = '420100' GROUP BY day)
       SELECT (SELECT n FROM d WHERE day = DATE '2020-01-22')::INTEGER AS before,
              (SELECT coalesce(max(n), 0) FROM d WHERE day >= DATE '2020-01-24')::INTEGER AS worst`,
    );
    console.info(`default demo: ${r.before} left Wuhan on Jan 22, at most ${r.worst} a day from Jan 24`);
    expect(r.worst / r.before).toBeLessThan(0.05);
  });
});
