/**
 * Scores against the generator's ground truth, computed in plain TypeScript
 * from the true stays, independently of the SQL pipeline.
 */

/** A true stay with its city, as written to truth/stays.parquet. */
export interface TruthStay {
  person: number;
  cell: number;
  city: string;
  county: string;
  province: string;
  /** Epoch milliseconds. */
  start: number;
  end: number;
}

/** A true city-to-city trip: consecutive "was there" dwells in different cities. */
export interface TruthTrip {
  person: number;
  origin: string;
  dest: string;
  arrive: number;
}

/** Trips from true stays: same-region stays merged into dwells, dwells below the threshold skipped. */
export function trueTrips(
  stays: TruthStay[],
  dwellMinutes: number,
  level: 'county' | 'city' | 'province' = 'city',
): TruthTrip[] {
  const byPerson = new Map<number, TruthStay[]>();
  for (const s of stays) {
    const list = byPerson.get(s.person) ?? [];
    list.push(s);
    byPerson.set(s.person, list);
  }
  const trips: TruthTrip[] = [];
  for (const [person, list] of byPerson) {
    list.sort((a, b) => a.start - b.start);
    const dwells: { city: string; start: number; end: number }[] = [];
    for (const s of list) {
      const last = dwells[dwells.length - 1];
      const region = s[level];
      if (last && last.city === region) last.end = s.end;
      else dwells.push({ city: region, start: s.start, end: s.end });
    }
    let prev: string | null = null;
    for (const d of dwells) {
      if (d.end - d.start < dwellMinutes * 60_000) continue;
      if (prev !== null && prev !== d.city)
        trips.push({ person, origin: prev, dest: d.city, arrive: d.start });
      prev = d.city;
    }
  }
  return trips;
}

/**
 * Outflow from `origin` by destination: per arrival day, distinct people per
 * destination, summed over the days in [from, to] (the published definition).
 */
export function trueOutflow(
  trips: TruthTrip[],
  origin: string,
  from: string,
  to: string,
): Map<string, number> {
  const seen = new Set<string>();
  const out = new Map<string, number>();
  for (const t of trips) {
    if (t.origin !== origin) continue;
    const day = new Date(t.arrive).toISOString().slice(0, 10);
    if (day < from || day > to) continue;
    const key = `${day}|${t.dest}|${t.person}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.set(t.dest, (out.get(t.dest) ?? 0) + 1);
  }
  return out;
}
