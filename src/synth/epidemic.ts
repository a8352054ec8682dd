import type { EpidemicParams } from './params.ts';
import { Random } from './random.ts';

/** Everyone's non-transit presences, grouped by person (CSR layout: person p owns [first[p], first[p+1])). */
export interface Presences {
  first: Int32Array;
  cell: Int32Array;
  start: Int32Array;
  end: Int32Array;
}

/** One person's course of infection, seconds since the scenario start (NaN = never). */
export interface Infection {
  person: number;
  infectedAt: number;
  infectiousAt: number;
  removedAt: number;
  confirmedAt: number;
  died: boolean;
  /** Who infected them (-1 for the seeds) and at which cell (-1 for the seeds). */
  infector: number;
  cell: number;
}

const DAY = 86_400;

/** Everyone's presences without the transit instants (an instant exposes no one), in the CSR layout. */
export function toPresences(
  first: readonly number[],
  all: {
    cell: readonly number[];
    start: readonly number[];
    end: readonly number[];
    transit: readonly boolean[];
  },
): Presences {
  const kept: number[] = [];
  const out = new Int32Array(first.length);
  for (let q = 0; q + 1 < first.length; q++) {
    out[q] = kept.length;
    for (let k = first[q]!; k < first[q + 1]!; k++) if (!all.transit[k]) kept.push(k);
  }
  out[first.length - 1] = kept.length;
  const pick = (col: readonly number[]): Int32Array => Int32Array.from(kept, (k) => col[k]!);
  return { first: out, cell: pick(all.cell), start: pick(all.start), end: pick(all.end) };
}

/** Presences sorted by cell then start: the index used to find who shared a cell with whom. */
export function cellIndex(pr: Presences): {
  order: Int32Array;
  cellFirst: Map<number, [number, number]>;
  owner: Int32Array;
} {
  const n = pr.cell.length;
  const owner = new Int32Array(n);
  for (let p = 0; p + 1 < pr.first.length; p++) owner.fill(p, pr.first[p]!, pr.first[p + 1]!);
  const order = Int32Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => pr.cell[a]! - pr.cell[b]! || pr.start[a]! - pr.start[b]! || a - b,
  );
  const cellFirst = new Map<number, [number, number]>();
  for (let i = 0; i < n;) {
    const c = pr.cell[order[i]!]!;
    let j = i;
    while (j < n && pr.cell[order[j]!]! === c) j++;
    cellFirst.set(c, [i, j]);
    i = j;
  }
  return { order, cellFirst, owner };
}

/** Calls `f(otherPresence, overlapStart, overlapEnd)` for presences at `cell` overlapping [from, to). */
export function overlapping(
  pr: Presences,
  idx: ReturnType<typeof cellIndex>,
  cell: number,
  from: number,
  to: number,
  f: (q: number, a: number, b: number) => void,
): void {
  const range = idx.cellFirst.get(cell);
  if (!range) return;
  for (let k = range[0]; k < range[1]; k++) {
    const q = idx.order[k]!;
    const s = pr.start[q]!;
    if (s >= to) break; // sorted by start: nothing later can overlap
    const a = Math.max(s, from);
    const b = Math.min(pr.end[q]!, to);
    if (b > a) f(q, a, b);
  }
}

/**
 * An agent-level SEIRD epidemic over the simulated presences: an infectious
 * person exposes everyone at the same cell at the same time, with hazard
 * `betaPerHour` per hour of co-presence. Seeds are epicentre residents already
 * infectious at the start. Mobility does not react to infection (a stated
 * simplification). Returns every infection in order of infection time.
 */
export function simulateEpidemic(
  pr: Presences,
  idx: ReturnType<typeof cellIndex>,
  isEpicentre: (person: number) => boolean,
  days: number,
  e: EpidemicParams,
  seed: number,
): Infection[] {
  const people = pr.first.length - 1;
  const rng = new Random(seed, 0x0e1d);
  const byPerson = new Map<number, Infection>();
  const course = (
    person: number,
    infectedAt: number,
    infectiousAt: number,
    infector: number,
    cell: number,
  ): Infection => {
    const removedAt = infectiousAt + e.infectiousDays * DAY * rng.range(0.5, 1.5);
    const confirmed = rng.chance(e.ascertainment);
    const confirmedAt = confirmed ? infectiousAt + rng.range(e.reportDelayMin, e.reportDelayMax) * DAY : NaN;
    const inf = {
      person,
      infectedAt,
      infectiousAt,
      removedAt,
      confirmedAt,
      died: rng.chance(e.ifr),
      infector,
      cell,
    };
    byPerson.set(person, inf);
    return inf;
  };
  for (let p = 0; p < people; p++) {
    if (!isEpicentre(p) || !rng.chance(e.seedShare)) continue;
    // Seeds became infectious up to 4 days before the start, so some are confirmed during the scenario.
    const infectiousAt = -rng.range(0, 4) * DAY;
    course(p, infectiousAt - e.latentDays * DAY, infectiousAt, -1, -1);
  }
  for (let day = 0; day < days; day++) {
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
        overlapping(pr, idx, pr.cell[k]!, a0, b0, (q, a, b) => {
          const other = idx.owner[q]!;
          if (other === inf.person || byPerson.has(other)) return;
          if (!rng.chance(1 - Math.exp((-e.betaPerHour * (b - a)) / 3600))) return;
          // Latent periods of at least half the mean keep a new infection from spreading the same day.
          course(other, a, a + e.latentDays * DAY * rng.range(0.5, 1.5), inf.person, pr.cell[k]!);
        });
      }
    }
  }
  return [...byPerson.values()].sort((a, b) => a.infectedAt - b.infectedAt || a.person - b.person);
}

/** Shared minutes at the same cell between each confirmed case and everyone else, over the whole scenario. */
export function contactsOf(
  pr: Presences,
  idx: ReturnType<typeof cellIndex>,
  cases: readonly number[],
): { a: number; b: number; minutes: number }[] {
  const out: { a: number; b: number; minutes: number }[] = [];
  for (const c of cases) {
    const shared = new Map<number, number>();
    for (let k = pr.first[c]!; k < pr.first[c + 1]!; k++) {
      overlapping(pr, idx, pr.cell[k]!, pr.start[k]!, pr.end[k]!, (q, a, b) => {
        const other = idx.owner[q]!;
        if (other !== c) shared.set(other, (shared.get(other) ?? 0) + (b - a) / 60);
      });
    }
    for (const [b, minutes] of [...shared].sort((x, y) => x[0] - y[0])) out.push({ a: c, b, minutes });
  }
  return out;
}
