/** Everyone's non-transit presences, grouped by person (CSR layout: person p owns [first[p], first[p+1])). */
export interface Presences {
  first: Int32Array;
  cell: Int32Array;
  start: Int32Array;
  end: Int32Array;
}

/** Everyone's presences without the transit instants (an instant exposes no one), in the CSR layout. */
export function toPresences(
  first: readonly number[],
  all: {
    cell: ArrayLike<number>;
    start: ArrayLike<number>;
    end: ArrayLike<number>;
    /** Non-zero (or true) for a transit instant. */
    transit: ArrayLike<number | boolean>;
  },
): Presences {
  const kept: number[] = [];
  const out = new Int32Array(first.length);
  for (let q = 0; q + 1 < first.length; q++) {
    out[q] = kept.length;
    for (let k = first[q]!; k < first[q + 1]!; k++) if (!all.transit[k]) kept.push(k);
  }
  out[first.length - 1] = kept.length;
  const pick = (col: ArrayLike<number>): Int32Array => Int32Array.from(kept, (k) => col[k]!);
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

/** The cell where `person` is at `t`: the presence holding t, else the next one (arriving), else the last. */
export function whereAt(pr: Presences, person: number, t: number): number {
  const lo = pr.first[person]!;
  const hi = pr.first[person + 1]!;
  for (let k = lo; k < hi; k++) if (pr.end[k]! > t) return pr.cell[k]!;
  return hi > lo ? pr.cell[hi - 1]! : -1;
}
