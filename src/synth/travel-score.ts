/**
 * Scores a travel model (travel.ts) against the real sources of the fit (travel-data.ts): Baidu's province
 * shares out of Wuhan and Li's city-pair mobility index. Used by scripts/fit-travel.ts and the tests.
 */
import { pearson, spearman } from '../testing/stats.ts';
import type { FitInput } from './travel-fit.ts';
import { destinationShares, provinceOf, provinceShares, shareBeyond } from './travel.ts';
import type { TravelParams } from './travel.ts';

/** How well a parameter set reproduces the two sources. */
export interface TravelScores {
  /** Share of Wuhan's outflow staying in Hubei under the model. */
  wuhanInProvince: number;
  /** Spearman of the model's province shares out of Wuhan vs Baidu's (provinces Baidu lists). */
  provinceSpearman: number;
  /** Over Li's city pairs listed on at least `minDays` days: pop_origin x P(j | i) vs the mean index. */
  pairs: number;
  pairSpearman: number;
  pairLogPearson: number;
  /** The same with Li's own mean listed total of each origin in place of its population (partly Li's data). */
  pairSpearmanLiTotals: number;
  /** Mean over origins (with >= 5 such pairs) of the within-origin Spearman of P(j | i) vs the mean index. */
  withinOriginSpearman: number;
  /** Share of Wuhan's outflow going more than 500 km. */
  wuhanBeyond500: number;
}

/** Scores `p` against the fit input's sources; pairs must be listed on `minDays` days to count. */
export function scoreTravel(input: FitInput, p: TravelParams, minDays: number): TravelScores {
  const { cities, wuhan } = input;
  const wShares = destinationShares(cities, wuhan, p);
  const prov = provinceShares(cities, wShares);
  const provs = [...input.baidu.keys()];
  const pairMap = new Map<string, { o: number; d: number; sum: number; days: number }>();
  for (const od of input.originDays) {
    od.dests.forEach((d, k) => {
      const key = `${od.origin}|${d}`;
      const e = pairMap.get(key) ?? { o: od.origin, d, sum: 0, days: 0 };
      e.sum += od.index[k]!;
      e.days += 1;
      pairMap.set(key, e);
    });
  }
  const kept = [...pairMap.values()].filter((e) => e.days >= minDays);
  const originTotal = new Map<number, { sum: number; days: number }>();
  for (const od of input.originDays) {
    const t = originTotal.get(od.origin) ?? { sum: 0, days: 0 };
    t.sum += od.index.reduce((a, b) => a + b, 0);
    t.days += 1;
    originTotal.set(od.origin, t);
  }
  const sharesOf = new Map<number, Float64Array>();
  const share = (o: number, d: number) => {
    let s = sharesOf.get(o);
    if (!s) sharesOf.set(o, (s = destinationShares(cities, o, p)));
    return s[d]!;
  };
  const model = kept.map((e) => cities[e.o]!.population * share(e.o, e.d));
  const observed = kept.map((e) => e.sum / e.days);
  const byOrigin = new Map<number, number[]>();
  kept.forEach((e, k) => byOrigin.set(e.o, [...(byOrigin.get(e.o) ?? []), k]));
  const within = [...byOrigin.values()]
    .filter((ks) => ks.length >= 5)
    .map((ks) =>
      spearman(
        ks.map((k) => share(kept[k]!.o, kept[k]!.d)),
        ks.map((k) => observed[k]!),
      ),
    );
  return {
    wuhanInProvince: prov.get(provinceOf(cities[wuhan]!.code)) ?? 0,
    provinceSpearman: spearman(
      provs.map((k) => prov.get(k) ?? 0),
      provs.map((k) => input.baidu.get(k)!),
    ),
    pairs: kept.length,
    pairSpearman: spearman(model, observed),
    pairLogPearson: pearson(model.map(Math.log), observed.map(Math.log)),
    pairSpearmanLiTotals: spearman(
      kept.map((e) => (originTotal.get(e.o)!.sum / originTotal.get(e.o)!.days) * share(e.o, e.d)),
      observed,
    ),
    withinOriginSpearman: within.reduce((a, b) => a + b, 0) / within.length,
    wuhanBeyond500: shareBeyond(cities, wuhan, wShares, 500),
  };
}
