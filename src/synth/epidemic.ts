import type { EpidemicParams } from './params.ts';
import { overlapping } from './presence.ts';
import type { Presences, cellIndex } from './presence.ts';
import { Random } from './random.ts';

/** Where an infection came from: a seed (infected before the start), a setting of shared presence, or an import. */
export type Setting = 'seed' | 'household' | 'workplace' | 'place' | 'import';

/** Who lives and works with whom: what decides the setting of a co-presence. -1 = none. */
export interface Population {
  household: Int32Array;
  homeCell: Int32Array;
  workplace: Int32Array;
  workCell: Int32Array;
  isEpicentre: (person: number) => boolean;
}

/** One person's course of infection, seconds since the scenario start (NaN = never). */
export interface Infection {
  person: number;
  setting: Setting;
  /** Who infected them and at which cell (-1 for the seeds). */
  infector: number;
  cell: number;
  infectedAt: number;
  infectiousAt: number;
  /** Symptom onset. */
  onsetAt: number;
  /** End of infectiousness: recovery, death, or isolation at confirmation. */
  removedAt: number;
  /** When the person would be confirmed if found (onset + delay); decides the ascertainment rate. */
  reportAt: number;
  /** = reportAt if the infection is ascertained (possibly after the scenario's end), NaN otherwise. */
  confirmedAt: number;
  died: boolean;
}

const DAY = 86_400;

/** Seconds from the scenario start (local midnight of `start`) to local midnight of `day` (both YYYY-MM-DD). */
export function secondsBetween(start: string, day: string): number {
  return (Date.parse(`${day}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 1000;
}

/** Log-normal parameters (mu, sigma) from a mean and a 95th percentile. */
export function lognormalFrom(mean: number, p95: number): [number, number] {
  // mu + 1.645 s = ln p95 and mu + s^2/2 = ln mean: s^2/2 - 1.645 s + (ln p95 - ln mean) = 0, smaller root.
  const z = 1.6448536;
  const c = Math.log(p95) - Math.log(mean);
  const s = z - Math.sqrt(z * z - 2 * c);
  return [Math.log(mean) - (s * s) / 2, s];
}

/**
 * The setting of a co-presence of infectious `a` and `b` at `cell`: household
 * members at their home cell, co-workers of one workplace at its work cell, and
 * anyone else (or the same people elsewhere) a shared place.
 */
export function settingOf(pop: Population, a: number, b: number, cell: number): Setting {
  if (pop.household[a] === pop.household[b] && cell === pop.homeCell[a]) return 'household';
  if (pop.workplace[a]! >= 0 && pop.workplace[a] === pop.workplace[b] && cell === pop.workCell[a])
    return 'workplace';
  return 'place';
}

/**
 * An agent-level SEIRD epidemic over the simulated presences: an infectious
 * person exposes everyone at the same cell at the same time, with a hazard per
 * hour of co-presence that depends on the setting (household, workplace,
 * place). Seeds are epicentre residents infected before the start. Confirmed
 * cases are isolated (stop infecting) from confirmation; otherwise mobility
 * does not react to infection (a stated simplification). Returns every
 * infection in order of infection time.
 */
export function simulateEpidemic(
  pr: Presences,
  idx: ReturnType<typeof cellIndex>,
  pop: Population,
  params: { seed: number; start: string; days: number; epidemic: EpidemicParams },
): Infection[] {
  const e = params.epidemic;
  const people = pr.first.length - 1;
  const rng = new Random(params.seed, 0x0e1d);
  const switchAt = secondsBetween(params.start, e.ascertainmentSwitch);
  const [mu, sigma] = lognormalFrom(e.incubationMeanDays, e.incubation95Days);
  const hazard: Record<Setting, number> = {
    seed: 0,
    import: 0,
    household: e.householdPerHour / 3600,
    workplace: e.workplacePerHour / 3600,
    place: e.placePerHour / 3600,
  };
  const byPerson = new Map<number, Infection>();
  const course = (
    person: number,
    setting: Setting,
    infector: number,
    cell: number,
    infectedAt: number,
    infectiousAt: number,
  ): void => {
    // Box-Muller from two uniforms of the one stream keeps the draw order fixed.
    const u = 1 - rng.next();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
    const onsetAt = infectedAt + Math.exp(mu + sigma * normal) * DAY;
    const reportAt = onsetAt + rng.range(e.reportDelayMin, e.reportDelayMax) * DAY;
    const ascertained = rng.chance(reportAt < switchAt ? e.ascertainmentBefore : e.ascertainmentAfter);
    const confirmedAt = ascertained ? reportAt : NaN;
    const recovered = infectiousAt + e.infectiousDays * DAY * rng.range(0.5, 1.5);
    byPerson.set(person, {
      person,
      setting,
      infector,
      cell,
      infectedAt,
      infectiousAt,
      onsetAt,
      removedAt: ascertained ? Math.max(infectiousAt, Math.min(recovered, confirmedAt)) : recovered,
      reportAt,
      confirmedAt,
      died: rng.chance(e.ifr),
    });
  };
  for (let p = 0; p < people; p++) {
    if (!pop.isEpicentre(p) || !rng.chance(e.seedShare)) continue;
    // Seeds became infectious up to 4 days before the start, so some are confirmed during the scenario.
    const infectiousAt = -rng.range(0, 4) * DAY;
    course(p, 'seed', -1, -1, infectiousAt - e.latentDays * DAY, infectiousAt);
  }
  for (let day = 0; day < params.days; day++) {
    const d0 = day * DAY;
    const d1 = d0 + DAY;
    const active = [...byPerson.values()].filter((i) => i.infectiousAt < d1 && i.removedAt > d0);
    active.sort((a, b) => a.person - b.person);
    for (const inf of active) {
      const from = Math.max(d0, inf.infectiousAt);
      const to = Math.min(d1, inf.removedAt);
      for (let k = pr.first[inf.person]!; k < pr.first[inf.person + 1]!; k++) {
        const a0 = Math.max(from, pr.start[k]!);
        const b0 = Math.min(to, pr.end[k]!);
        if (b0 <= a0) continue;
        const cell = pr.cell[k]!;
        overlapping(pr, idx, cell, a0, b0, (q, a, b) => {
          const other = idx.owner[q]!;
          if (other === inf.person || byPerson.has(other)) return;
          const setting = settingOf(pop, inf.person, other, cell);
          if (!rng.chance(1 - Math.exp(-hazard[setting] * (b - a)))) return;
          // Infected at a uniform instant of the co-presence. Latent periods of at least half the mean keep a
          // new infection from spreading the same day.
          const at = a + Math.floor(rng.next() * (b - a));
          course(other, setting, inf.person, cell, at, at + e.latentDays * DAY * rng.range(0.5, 1.5));
        });
      }
    }
  }
  return [...byPerson.values()].sort((a, b) => a.infectedAt - b.infectedAt || a.person - b.person);
}
