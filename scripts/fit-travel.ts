/**
 * Re-fits the simulator's travel model (src/synth/travel.ts) to the real data in ../shared/data and prints
 * the parameters and scores to put into src/synth/params.ts (`travel`) and README.md.
 * Usage: npx tsx scripts/fit-travel.ts [shared data dir, default ../shared/data]
 */
import { resolve } from 'node:path';
import { defaultParams } from '../src/synth/params.ts';
import { destinationShares, haversineKm, provinceOf, provinceShares } from '../src/synth/travel.ts';
import type { TravelParams } from '../src/synth/travel.ts';
import { FIT_DATES, loadFitInput } from '../src/synth/travel-data.ts';
import { OLD_RULE, fitTravel } from '../src/synth/travel-fit.ts';
import { scoreTravel } from '../src/synth/travel-score.ts';
import type { FitInput } from '../src/synth/travel-fit.ts';

/** Pairs listed on at least this many of the 13 fit days count as "enough flow" in the pair scores. */
export const PAIR_MIN_DAYS = 10;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const fmt = (p: TravelParams) =>
  `popExponent ${p.popExponent.toFixed(3)}, distanceExponent ${p.distanceExponent.toFixed(3)}, minKm ${p.minKm}, farKm ${p.farKm}, farDistanceExponent ${p.farDistanceExponent.toFixed(3)}, sameProvince ${p.sameProvince.toFixed(3)}`;

function report(name: string, input: FitInput, p: TravelParams): void {
  const s = scoreTravel(input, p, PAIR_MIN_DAYS);
  console.log(`\n${name}: ${fmt(p)}`);
  console.log(
    `  Wuhan -> Hubei share ${pct(s.wuhanInProvince)} (Baidu Jan 10-22 mean ${pct(input.baidu.get('42')!)})`,
  );
  console.log(`  Spearman of province shares out of Wuhan vs Baidu: ${s.provinceSpearman.toFixed(3)}`);
  console.log(
    `  Li pairs listed on >= ${PAIR_MIN_DAYS} of 13 days (${s.pairs}): pop_i x P(j|i) vs mean index, Spearman ${s.pairSpearman.toFixed(3)}, Pearson of logs ${s.pairLogPearson.toFixed(3)}; with Li's origin totals for pop_i, Spearman ${s.pairSpearmanLiTotals.toFixed(3)}; within-origin Spearman, mean over origins ${s.withinOriginSpearman.toFixed(3)}`,
  );
  console.log(`  Wuhan outflow beyond 500 km: ${pct(s.wuhanBeyond500)}`);
}

const started = performance.now();
const { input, matched, baiduDaily } = loadFitInput(resolve(process.argv[2] ?? '../shared/data'));
console.log(
  `Li's 375 cities: ${matched.same} same code, ${matched.renamed} renamed code, ${matched.merged} merged into a containing city, ${matched.unmatched.length} not simulated (${matched.unmatched.join(', ')}); ${input.originDays.length} origin-days fitted`,
);
const fit = fitTravel(input);
console.log(
  `profile over minKm/farKm: ${fit.profile.map((r) => `${r.minKm}/${r.farKm} km ${r.logLik.toFixed(4)}`).join(', ')}`,
);
report('fitted', input, fit.params);
report('in params.ts', input, defaultParams.travel);
report('old rule', input, OLD_RULE);

const wuhanShares = provinceShares(input.cities, destinationShares(input.cities, input.wuhan, fit.params));
const hubei = provinceOf('420100');
console.log(
  `\nWuhan -> Hubei per day, Baidu vs fitted model (${pct(wuhanShares.get(hubei)!)}): ${FIT_DATES.map((d) => `${d.slice(5)} ${pct(baiduDaily.get(d)!.get(hubei)!)}`).join(', ')}`,
);
// Baidu has provinces, not km: spread each province's share over its cities as the fitted model does.
const cityShares = destinationShares(input.cities, input.wuhan, fit.params);
const wuhanCity = input.cities[input.wuhan]!;
let baiduFar = 0;
for (const [prov, b] of input.baidu) {
  const inProv = input.cities.map((_, j) => j).filter((j) => provinceOf(input.cities[j]!.code) === prov);
  const mass = inProv.reduce((a, j) => a + cityShares[j]!, 0);
  const far = inProv
    .filter(
      (j) => haversineKm(wuhanCity.lon, wuhanCity.lat, input.cities[j]!.lon, input.cities[j]!.lat) > 500,
    )
    .reduce((a, j) => a + cityShares[j]!, 0);
  if (mass > 0) baiduFar += (b * far) / mass;
}
console.log(`Baidu's shares spread over each province's cities by the model: ${pct(baiduFar)} beyond 500 km`);
console.log(`\nfit took ${((performance.now() - started) / 1000).toFixed(1)} s`);
