import type { Random } from './random.ts';
import type { ScenarioParams } from './params.ts';

/** One true stay of one person at one cell, in seconds since the scenario start. */
export interface TrueStay {
  cell: number;
  start: number;
  end: number;
}

/** What the itinerary builder needs to know about the world. */
export interface World {
  /** Cells of each city (index into the cities array). */
  cellsOfCity: number[][];
  /** Draws a destination city for a trip from `origin`. */
  destination(origin: number, rng: Random): number;
  /** Travel time in seconds between two cities. */
  travelSeconds(from: number, to: number): number;
}

/** A person as the generator places them. */
export interface Person {
  homeCity: number;
  homeCell: number;
  workCell: number | null;
  isEpicentre: boolean;
}

const DAY = 86_400;
const HOUR = 3_600;

/** A different cell of the same city, or the same cell if the city has only one. */
function otherCell(cells: number[], not: number, rng: Random): number {
  if (cells.length < 2) return not;
  for (;;) {
    const c = cells[rng.int(cells.length)] ?? not;
    if (c !== not) return c;
  }
}

/**
 * A person's true stays over the scenario: home at night, work by day, and, on
 * a travel day, a departure to another city where they lodge. Epicentre
 * residents who leave stay away (the holiday); others return after 1-3 days.
 * Consecutive stays are always at different cells, so records reproduce them.
 */
export function itinerary(p: Person, params: ScenarioParams, world: World, rng: Random): TrueStay[] {
  const stays: TrueStay[] = [];
  // The last second of the last day: records stay inside the declared range.
  const end = params.days * DAY - 1;
  let city = p.homeCity;
  let cell = p.homeCell;
  let since = 0;
  let returnDay = -1;
  let away = false;
  const move = (to: number, at: number): void => {
    if (to === cell) return;
    if (at > since) stays.push({ cell, start: since, end: at });
    cell = to;
    // A minute for the handover, so the two stays never share a timestamp.
    since = at + 60;
  };
  // A move after a gap with no records (commuting or travelling).
  const moveAfterGap = (to: number, leave: number, arrive: number): void => {
    if (leave > since) stays.push({ cell, start: since, end: leave });
    cell = to;
    since = arrive;
  };

  for (let day = 0; day < params.days; day++) {
    const t0 = day * DAY;
    const leaveProb = p.isEpicentre
      ? params.outflowFirstDay +
        ((params.outflowLastDay - params.outflowFirstDay) * day) / Math.max(1, params.days - 1)
      : params.travelDaily;
    const dep = t0 + Math.round(rng.range(10 * HOUR, 16 * HOUR));
    if (away && day === returnDay) {
      const arrive = dep + world.travelSeconds(city, p.homeCity);
      city = p.homeCity;
      away = false;
      moveAfterGap(p.homeCell, dep, Math.min(arrive, end));
      continue;
    }
    if (!away && rng.chance(leaveProb)) {
      const dest = world.destination(city, rng);
      const lodging = world.cellsOfCity[dest]![rng.int(world.cellsOfCity[dest]!.length)]!;
      const arrive = dep + world.travelSeconds(city, dest);
      if (arrive >= end) continue;
      moveAfterGap(lodging, dep, arrive);
      city = dest;
      away = true;
      returnDay = p.isEpicentre ? -1 : day + 1 + rng.int(3);
      continue;
    }
    if (!away && p.workCell !== null) {
      const leave = t0 + Math.round(rng.range(7.5 * HOUR, 8.5 * HOUR));
      const arrive = leave + Math.round(rng.range(20 * 60, 50 * 60));
      const off = t0 + Math.round(rng.range(17 * HOUR, 18.5 * HOUR));
      moveAfterGap(p.workCell, leave, arrive);
      moveAfterGap(p.homeCell, off, off + Math.round(rng.range(20 * 60, 50 * 60)));
    } else if (rng.chance(0.5)) {
      const cells = world.cellsOfCity[city]!;
      const base = cell;
      const out = t0 + Math.round(rng.range(9.5 * HOUR, 11 * HOUR));
      move(otherCell(cells, base, rng), out);
      move(base, out + Math.round(rng.range(1 * HOUR, 3 * HOUR)));
    }
  }
  if (end > since) stays.push({ cell, start: since, end });
  return stays;
}
