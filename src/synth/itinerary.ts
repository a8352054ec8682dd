import { calendarOf } from './calendar.ts';
import type { Random } from './random.ts';
import type { ScenarioParams } from './params.ts';
import type { Country } from './world.ts';

/**
 * One true presence of one person at one cell, in seconds since the scenario
 * start. A transit presence (a handover while moving) lasts one instant.
 */
export interface TrueStay {
  cell: number;
  start: number;
  end: number;
  transit: boolean;
}

/** One true journey between cities. */
export interface TrueJourney {
  from: number;
  to: number;
  depart: number;
  arrive: number;
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

/** A cell of `city` different from the given ones, or null after a few tries (tiny cities). */
function passingCell(country: Country, city: number, not: number[], rng: Random): number | null {
  for (let i = 0; i < 4; i++) {
    const c = country.cellInCity(city, rng);
    if (!not.includes(c)) return c;
  }
  return null;
}

/**
 * A person's true presences over the scenario: home at night, work by day, and
 * on a travel day a journey to another city where they lodge. Epicentre
 * residents who leave stay away (the holiday); others return after 1-3 days.
 * The calendar (src/synth/calendar.ts) sets the epicentre's daily outflow,
 * closures (no entry, departures at the leak rate only, less activity inside)
 * and holidays (no work trips).
 * Moving between stays passes 0..maxHandovers other cells (transit). Two
 * consecutive presences are never at the same cell, so records reproduce them.
 */
export function itinerary(
  p: Person,
  params: ScenarioParams,
  country: Country,
  rng: Random,
): { stays: TrueStay[]; journeys: TrueJourney[] } {
  const stays: TrueStay[] = [];
  const journeys: TrueJourney[] = [];
  // The last second of the last day: records stay inside the declared range.
  const end = params.days * DAY - 1;
  let city = p.homeCity;
  let cell = p.homeCell;
  let since = 0;
  let returnDay = Infinity;
  let away = false;

  // Leaves the current cell at `leave`, passes a few cells of `passCity` (and `arriveCity` near the end),
  // and arrives at `to` at `arrive`. A passing cell is never the origin: a flip back to it within minutes is
  // ping-pong, which the pipeline rightly smooths away.
  const go = (to: number, leave: number, arrive: number, passCity: number, arriveCity: number): void => {
    if (leave > since) stays.push({ cell, start: since, end: leave, transit: false });
    const n = arrive - leave > 120 ? rng.int(params.maxHandovers + 1) : 0;
    const origin = cell;
    let last = cell;
    const times: number[] = [];
    for (let i = 0; i < n; i++) times.push(leave + 30 + Math.floor(rng.next() * (arrive - leave - 60)));
    times.sort((a, b) => a - b);
    for (let i = 0; i < n; i++) {
      const t = times[i]!;
      if (i > 0 && t <= times[i - 1]!) continue;
      const c = passingCell(country, i === n - 1 && n > 1 ? arriveCity : passCity, [origin, last, to], rng);
      if (c === null) continue;
      stays.push({ cell: c, start: t, end: t, transit: true });
      last = c;
    }
    cell = to;
    since = arrive;
  };
  // Moves without a gap (a walk to a nearby cell): a minute for the handover.
  const step = (to: number, at: number): void => {
    if (to === cell) return;
    if (at > since) stays.push({ cell, start: since, end: at, transit: false });
    cell = to;
    since = at + 60;
  };

  const cal = calendarOf(params, country);
  for (let day = 0; day < params.days; day++) {
    const t0 = day * DAY;
    const dep = t0 + Math.round(rng.range(params.departFromHour * HOUR, params.departToHour * HOUR));
    // A closed city lets people out only at the leak rate, and nobody in.
    const closedHere = cal.isClosed(city, dep);
    if (away && day >= returnDay) {
      const arrive = dep + country.travelSeconds(city, p.homeCity);
      const blocked = cal.isClosed(p.homeCity, arrive) || (closedHere && !rng.chance(cal.leak));
      if (arrive < end && !blocked && dep > since) {
        journeys.push({ from: city, to: p.homeCity, depart: dep, arrive });
        go(p.homeCell, dep, arrive, city, p.homeCity);
        city = p.homeCity;
        away = false;
        continue;
      }
    }
    const leaveProb = closedHere
      ? p.isEpicentre
        ? cal.leakEpicentre
        : cal.leakOthers
      : p.isEpicentre
        ? cal.leaveProb[day]!
        : params.travelDaily;
    if (!away && rng.chance(leaveProb)) {
      const dest = country.destination(city, rng);
      const lodging = country.cellInCity(dest, rng);
      const arrive = dep + country.travelSeconds(city, dest);
      if (arrive >= end || dep <= since || cal.isClosed(dest, arrive)) continue;
      journeys.push({ from: city, to: dest, depart: dep, arrive });
      go(lodging, dep, arrive, city, dest);
      city = dest;
      away = true;
      returnDay = p.isEpicentre ? Infinity : day + 1 + rng.int(3);
      continue;
    }
    // Inside a closed city, a share of the day's activity does not happen.
    const active = !cal.isClosed(city, t0 + 12 * HOUR) || rng.chance(cal.keptActivity);
    if (!active) continue;
    if (!away && p.workCell !== null && cal.holiday[day] === 0) {
      const leave = t0 + Math.round(rng.range(7.5 * HOUR, 8.5 * HOUR));
      const arrive = leave + Math.round(rng.range(20 * 60, 50 * 60));
      const off = t0 + Math.round(rng.range(17 * HOUR, 18.5 * HOUR));
      if (leave <= since) continue;
      go(p.workCell, leave, arrive, city, city);
      go(p.homeCell, off, off + Math.round(rng.range(20 * 60, 50 * 60)), city, city);
    } else if (rng.chance(0.5)) {
      const base = cell;
      const out = t0 + Math.round(rng.range(9.5 * HOUR, 11 * HOUR));
      if (out <= since) continue;
      const other = passingCell(country, city, [base], rng);
      if (other === null) continue;
      step(other, out);
      step(base, out + Math.round(rng.range(1 * HOUR, 3 * HOUR)));
    }
  }
  if (end > since) stays.push({ cell, start: since, end, transit: false });
  return { stays, journeys };
}
