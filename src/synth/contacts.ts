import type { Population } from './epidemic.ts';
import { overlapping } from './presence.ts';
import type { Presences, cellIndex } from './presence.ts';

/** How a contact relates to the case. */
export type Relation = 'household' | 'workplace' | 'other';

/** Time a case shared a cell with another person over the whole scenario (seconds since the start). */
export interface Contact {
  a: number;
  b: number;
  minutes: number;
  first: number;
  last: number;
  relation: Relation;
}

/** Shared minutes at the same cell between each case and everyone else, with first and last contact time. */
export function contactsOf(
  pr: Presences,
  idx: ReturnType<typeof cellIndex>,
  pop: Pick<Population, 'household' | 'workplace'>,
  cases: readonly number[],
): Contact[] {
  const out: Contact[] = [];
  for (const c of cases) {
    const shared = new Map<number, { s: number; first: number; last: number }>();
    for (let k = pr.first[c]!; k < pr.first[c + 1]!; k++) {
      overlapping(pr, idx, pr.cell[k]!, pr.start[k]!, pr.end[k]!, (q, a, b) => {
        const other = idx.owner[q]!;
        if (other === c) return;
        const m = shared.get(other);
        if (!m) shared.set(other, { s: b - a, first: a, last: b });
        else {
          m.s += b - a;
          m.first = Math.min(m.first, a);
          m.last = Math.max(m.last, b);
        }
      });
    }
    for (const [b, m] of [...shared].sort((x, y) => x[0] - y[0])) {
      const relation: Relation =
        pop.household[b] === pop.household[c]
          ? 'household'
          : pop.workplace[c]! >= 0 && pop.workplace[b] === pop.workplace[c]
            ? 'workplace'
            : 'other';
      out.push({ a: c, b, minutes: m.s / 60, first: m.first, last: m.last, relation });
    }
  }
  return out;
}
