/**
 * Where a trip between cities goes: a conditional-logit gravity model,
 * P(j | i) ∝ population_j^popExponent · f(d_ij) · exp(sameProvince · [same province]), where the distance decay f
 * has two regimes: max(d, minKm)^-distanceExponent up to farKm, and falls as d^-farDistanceExponent beyond
 * (long trips go by rail or air, so far cities lose less with each extra km than nearby ones).
 * fitted to real 2020 flows by scripts/fit-travel.ts (src/synth/travel-fit.ts). Pure numerics only.
 */
/** Great-circle distance in km. */
export function haversineKm(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const r = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * r) / 2) ** 2 +
    Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(a));
}

/** Parameters of the destination model (fitted values and their sources in params.ts). */
export interface TravelParams {
  /** Exponent of the destination's population. */
  popExponent: number;
  /** Exponent of the distance decay up to `farKm`. */
  distanceExponent: number;
  /** Distances below this many km count as this many (nearby cities are not infinitely attractive). */
  minKm: number;
  /** Where the second distance regime starts, km. */
  farKm: number;
  /** Exponent of the distance decay beyond `farKm` (continuous at farKm). */
  farDistanceExponent: number;
  /** Log-odds bonus for a destination in the origin's own province. */
  sameProvince: number;
}

/** What the model needs to know about a city. */
export interface TravelCity {
  code: string;
  population: number;
  lon: number;
  lat: number;
}

/** Province of a 6-digit division code (its first two digits). */
export const provinceOf = (code: string): string => code.slice(0, 2);

/** Log of the model's weight for a trip from `o` to `d` at distance `km` (not normalised). */
export function logTravelWeight(o: TravelCity, d: TravelCity, km: number, p: TravelParams): number {
  return (
    p.popExponent * Math.log(Math.max(d.population, 1)) -
    p.distanceExponent * Math.log(Math.max(km, p.minKm)) -
    (p.farDistanceExponent - p.distanceExponent) * Math.max(0, Math.log(km / p.farKm)) +
    (provinceOf(o.code) === provinceOf(d.code) ? p.sameProvince : 0)
  );
}

/**
 * P(j | origin) over `cities` (0 for the origin itself and for cities `eligible` rejects), summing to 1.
 * Weights are exponentiated after subtracting the largest log weight, so no exponent overflows.
 */
export function destinationShares(
  cities: readonly TravelCity[],
  origin: number,
  p: TravelParams,
  eligible: (j: number) => boolean = () => true,
): Float64Array {
  const o = cities[origin]!;
  const logs = cities.map((c, j) =>
    j === origin || !eligible(j)
      ? -Infinity
      : logTravelWeight(o, c, haversineKm(o.lon, o.lat, c.lon, c.lat), p),
  );
  const top = Math.max(...logs);
  const w = Float64Array.from(logs, (l) => (l === -Infinity ? 0 : Math.exp(l - top)));
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / sum);
}

/** Sums per-city shares into per-province shares (keys: 2-digit province prefixes). */
export function provinceShares(
  cities: readonly TravelCity[],
  shares: ArrayLike<number>,
): Map<string, number> {
  const out = new Map<string, number>();
  cities.forEach((c, j) => {
    const s = shares[j] ?? 0;
    if (s > 0) out.set(provinceOf(c.code), (out.get(provinceOf(c.code)) ?? 0) + s);
  });
  return out;
}

/** Share of a distribution over cities that lies more than `km` from the origin. */
export function shareBeyond(
  cities: readonly TravelCity[],
  origin: number,
  shares: ArrayLike<number>,
  km: number,
): number {
  const o = cities[origin]!;
  let s = 0;
  cities.forEach((c, j) => {
    if (haversineKm(o.lon, o.lat, c.lon, c.lat) > km) s += shares[j] ?? 0;
  });
  return s;
}
