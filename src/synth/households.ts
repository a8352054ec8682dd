import type { EpidemicParams } from './params.ts';
import { Random, cumulative } from './random.ts';

/**
 * Household sizes for `n` residents of one county, in order: sizes drawn from
 * the census shares (the last share is "six or more", drawn as 6-8), the last
 * household cut to what is left. Deterministic for (seed, county).
 */
export function householdSizes(n: number, e: EpidemicParams, seed: number, county: number): number[] {
  const rng = new Random(seed ^ 0x40e5, county + 1);
  const cum = cumulative(e.householdSizeShares);
  const out: number[] = [];
  for (let left = n; left > 0;) {
    const k = rng.pick(cum) + 1;
    const size = Math.min(left, k < e.householdSizeShares.length ? k : k + rng.int(3));
    out.push(size);
    left -= size;
  }
  return out;
}

/**
 * Groups workers into workplaces at their work cell: the first worker at a cell
 * opens a workplace of a drawn size, the next ones join it until it is full.
 * Workers are assigned in generation order, so the grouping is deterministic.
 */
export class Workplaces {
  private readonly open = new Map<number, { id: number; left: number }>();
  private readonly rng: Random;
  /** Work cell of each workplace id. */
  readonly cell: number[] = [];

  constructor(
    private readonly e: EpidemicParams,
    seed: number,
  ) {
    this.rng = new Random(seed ^ 0x3012, 0);
  }

  /** The workplace id of the next worker at `cell`. */
  join(cell: number): number {
    let w = this.open.get(cell);
    if (!w || w.left === 0) {
      const size = Math.min(this.e.workplaceMax, 2 + Math.floor(this.rng.exp(this.e.workplaceMean - 2)));
      w = { id: this.cell.length, left: size };
      this.cell.push(cell);
      this.open.set(cell, w);
    }
    w.left--;
    return w.id;
  }
}
