import type { Infection } from './epidemic.ts';
import type { EpidemicParams } from './params.ts';
import { whereAt } from './presence.ts';
import type { Presences } from './presence.ts';
import { Random } from './random.ts';

/** One line of the health authority's case list as of the scenario's end (seconds since the start). */
export interface ListedCase {
  ref: string;
  person: number;
  status: 'confirmed' | 'suspected';
  infected: boolean;
  onsetAt: number;
  /** NaN for suspected cases. */
  confirmedAt: number;
  /** Where the person was when confirmed (suspected: at the end of the scenario). */
  cell: number;
}

const DAY = 86_400;

/**
 * The health authority's list at the end of the scenario: the cases confirmed
 * in it, then suspected cases: infected people with onset before the end who
 * will be confirmed later, and uninfected people with a flu-like illness in the
 * last days living in a city with a confirmed case (`uninfectedSuspectsPerConfirmed`
 * per confirmed case). Refs C0001... in order.
 */
export function caseList(
  pr: Presences,
  infections: readonly Infection[],
  cityOfPerson: (person: number) => number,
  cityOfCell: (cell: number) => number,
  horizon: number,
  e: EpidemicParams,
  seed: number,
): ListedCase[] {
  const end = horizon - 1;
  const confirmed = infections
    .filter((i) => i.confirmedAt >= 0 && i.confirmedAt < horizon)
    .sort((a, b) => a.confirmedAt - b.confirmedAt || a.person - b.person)
    .map((i) => ({
      person: i.person,
      status: 'confirmed' as const,
      infected: true,
      onsetAt: i.onsetAt,
      confirmedAt: i.confirmedAt,
      cell: whereAt(pr, i.person, i.confirmedAt),
    }));
  const suspects = infections
    .filter((i) => i.onsetAt < horizon && i.confirmedAt >= horizon)
    .map((i) => ({
      person: i.person,
      status: 'suspected' as const,
      infected: true,
      onsetAt: i.onsetAt,
      confirmedAt: NaN,
      cell: whereAt(pr, i.person, end),
    }));
  const want = Math.round(e.uninfectedSuspectsPerConfirmed * confirmed.length);
  const infected = new Set(infections.map((i) => i.person));
  const cities = new Set(confirmed.map((c) => cityOfCell(c.cell)));
  const candidates: number[] = [];
  for (let p = 0; p + 1 < pr.first.length; p++) {
    if (!infected.has(p) && cities.has(cityOfPerson(p))) candidates.push(p);
  }
  const rng = new Random(seed ^ 0x5059, 0);
  const picked = new Set<number>();
  while (picked.size < Math.min(want, candidates.length)) picked.add(candidates[rng.int(candidates.length)]!);
  for (const p of [...picked].sort((a, b) => a - b)) {
    suspects.push({
      person: p,
      status: 'suspected',
      infected: false,
      onsetAt: end - rng.range(0, e.suspectOnsetDays) * DAY,
      confirmedAt: NaN,
      cell: whereAt(pr, p, end),
    });
  }
  suspects.sort((a, b) => a.onsetAt - b.onsetAt || a.person - b.person);
  return [...confirmed, ...suspects].map((c, i) => ({ ref: `C${String(i + 1).padStart(4, '0')}`, ...c }));
}
