import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Duck, quotedString } from '../db/duck.ts';
import { tempDir } from '../testing/fixture.ts';
import { spearman } from '../testing/stats.ts';
import { builtinGeo } from './cities.ts';
import { generate } from './generate.ts';
import { defaultEpidemic, defaultParams } from './params.ts';
import type { ScenarioParams } from './params.ts';
import { destinationShares, haversineKm, logTravelWeight, provinceShares } from './travel.ts';
import { loadFitInput, meanShares } from './travel-data.ts';
import type { BaiduShares } from './travel-data.ts';
import { OLD_RULE, fitLogWeights, fitTravel } from './travel-fit.ts';
import { scoreTravel } from './travel-score.ts';
import type { FitInput } from './travel-fit.ts';

const sharedDir = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
const haveShared =
  existsSync(join(sharedDir, 'epi/li2020-375-cities/Mobility.csv')) &&
  existsSync(join(sharedDir, 'epi/wuhan-baidu-2020/human_mobility_from_wuhan.csv'));
const absent = haveShared ? '' : ' (shared data absent)';

describe('travel model', () => {
  it('gives shares that sum to 1, none to the origin or to ineligible cities', () => {
    const { cities } = builtinGeo();
    const s = destinationShares(cities, 0, defaultParams.travel, (j) => j !== 5);
    expect(s.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(s[0]).toBe(0);
    expect(s[5]).toBe(0);
  });

  // The fit evaluates the formula over arrays for speed; it must be the formula the simulator draws from.
  it('fits the same formula the simulator uses', () => {
    const { cities } = builtinGeo();
    const wuhan = cities.findIndex((c) => c.code === '420100');
    const dests = cities.map((_, j) => j).filter((j) => j !== wuhan);
    const p = { ...defaultParams.travel, farKm: 400 };
    const fit = fitLogWeights(cities, wuhan, dests, p);
    const o = cities[wuhan]!;
    dests.forEach((j, k) => {
      const c = cities[j]!;
      expect(fit[k]).toBeCloseTo(logTravelWeight(o, c, haversineKm(o.lon, o.lat, c.lon, c.lat), p), 9);
    });
  });
});

describe('travel model against real 2020 data', { timeout: 120_000 }, () => {
  let input: FitInput;
  let baiduDaily: BaiduShares;
  beforeAll(() => {
    if (haveShared) ({ input, baiduDaily } = loadFitInput(sharedDir));
  });

  // Guards params.ts against an edited or stale `travel` block: the fit on the shared data must land on it.
  it.skipIf(!haveShared)(`re-fitting gives the parameters in params.ts${absent}`, () => {
    const fit = fitTravel(input);
    const p = defaultParams.travel;
    console.info(`re-fit: ${JSON.stringify(fit.params)}`);
    expect(fit.params.minKm).toBe(p.minKm);
    expect(fit.params.farKm).toBe(p.farKm);
    // params.ts holds the fit rounded to 3 decimals.
    expect(Math.abs(fit.params.popExponent - p.popExponent)).toBeLessThan(0.001);
    expect(Math.abs(fit.params.distanceExponent - p.distanceExponent)).toBeLessThan(0.001);
    expect(Math.abs(fit.params.farDistanceExponent - p.farDistanceExponent)).toBeLessThan(0.001);
    expect(Math.abs(fit.params.sameProvince - p.sameProvince)).toBeLessThan(0.001);
  });

  // Li's lists are truncated and irregular, so no destination model reaches the goal of 0.8 on them: measured
  // 0.617 for the fit, 0.608 for the old 1/d^2 rule. The bound is the measured value minus 0.01, and the fit
  // must do better than the old rule on the same pairs.
  it.skipIf(!haveShared)(`ranks Li's city-pair flows as measured, better than the old rule${absent}`, () => {
    const fitted = scoreTravel(input, defaultParams.travel, 10);
    const old = scoreTravel(input, OLD_RULE, 10);
    console.info(
      `Li pairs (${fitted.pairs}): Spearman ${fitted.pairSpearman.toFixed(3)} (old rule ${old.pairSpearman.toFixed(3)}), Pearson of logs ${fitted.pairLogPearson.toFixed(3)}, within-origin ${fitted.withinOriginSpearman.toFixed(3)}; Wuhan -> Hubei ${fitted.wuhanInProvince.toFixed(3)}, province Spearman ${fitted.provinceSpearman.toFixed(3)}, beyond 500 km ${fitted.wuhanBeyond500.toFixed(3)}`,
    );
    expect(fitted.pairs).toBeGreaterThan(6000);
    expect(fitted.pairSpearman).toBeGreaterThan(0.607);
    expect(fitted.pairSpearman).toBeGreaterThan(old.pairSpearman);
    expect(fitted.pairLogPearson).toBeGreaterThan(0.62);
    expect(Math.abs(fitted.wuhanInProvince - input.baidu.get('42')!)).toBeLessThan(0.01);
    expect(fitted.provinceSpearman).toBeGreaterThan(0.95);
  });

  describe('simulated journeys out of Wuhan, 2020-01-14..20', () => {
    const params: ScenarioParams = {
      ...defaultParams,
      // 20,000 Wuhan residents leaving at 3% a day: about 3,800 departures (only where they go is checked here;
      // the outflow's daily profile is lockdown.test.ts's).
      people: 40_000,
      outflowProfile: 'linear',
      outflowFirstDay: 0.03,
      outflowLastDay: 0.03,
      start: '2020-01-14',
      days: 7,
      epicentreShare: 0.5,
      pingPongRate: 0,
      duplicateRate: 0,
      malformedRate: 0,
      epidemic: { ...defaultEpidemic, seedShare: 0 },
    };
    let byProvince = new Map<string, number>();
    let total = 0;
    beforeAll(async () => {
      if (!haveShared) return;
      const dir = tempDir('travel');
      await generate(builtinGeo(), params, dir);
      const db = await Duck.open({ path: ':memory:' });
      try {
        const f = (p: string) => quotedString(join(dir, p));
        // Wuhan residents' departures from Wuhan only: visitors going home do not choose their destination.
        const rows = await db.all<{ province: string; n: number }>(
          `SELECT substr(j.dest, 1, 2) AS province, count(*)::INTEGER AS n
           FROM read_parquet(${f('truth/journeys.parquet')}) j JOIN read_parquet(${f('truth/persons.parquet')}) p
             USING (person)
           WHERE j.origin = $wuhan AND p.home_city = $wuhan GROUP BY ALL`,
          { wuhan: '420100' },
        );
        byProvince = new Map(rows.map((r) => [r.province, r.n]));
        total = rows.reduce((a, r) => a + r.n, 0);
      } finally {
        db.close();
      }
    }, 300_000);

    // Guards the simulator's use of the fitted model (world.ts): the old 1/d^2 rule sent 42% to Hubei.
    it.skipIf(!haveShared)(`sends Wuhan's outflow to provinces as Baidu measured${absent}`, () => {
      const dates = Array.from({ length: params.days }, (_, i) => `2020-01-${14 + i}`);
      const baidu = meanShares(baiduDaily, dates);
      const provs = [...baidu.keys()];
      const sim = provs.map((p) => (byProvince.get(p) ?? 0) / total);
      const rho = spearman(
        sim,
        provs.map((p) => baidu.get(p)!),
      );
      const model = provinceShares(input.cities, destinationShares(input.cities, input.wuhan, params.travel));
      console.info(
        `simulated: ${total} journeys out of Wuhan, Hubei ${((100 * byProvince.get('42')!) / total).toFixed(1)}% (Baidu ${(100 * baidu.get('42')!).toFixed(1)}%, model ${(100 * model.get('42')!).toFixed(1)}%), Spearman of province shares ${rho.toFixed(3)}`,
      );
      expect(total).toBeGreaterThan(3000);
      expect(Math.abs(byProvince.get('42')! / total - baidu.get('42')!)).toBeLessThan(0.05);
      expect(rho).toBeGreaterThanOrEqual(0.9);
    });
  });
});
