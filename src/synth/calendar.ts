import { readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';
import type { ScenarioParams } from './params.ts';
import type { Country } from './world.ts';

const DAY = 86_400;

/** Baidu's 2020 migration-scale index out of Wuhan by date (built by scripts/build-outflow-scale.ts). */
export const BAIDU_WUHAN_SCALE_2020: Readonly<Record<string, number>> = (
  JSON.parse(readFileSync(new URL('./data/baidu-wuhan-scale-2020.json', import.meta.url), 'utf8')) as {
    scale: Record<string, number>;
  }
).scale;

/** YYYY-MM-DD of `day` days after `start`. */
export function dayDate(start: string, day: number): string {
  return new Date(Date.parse(`${start}T00:00:00Z`) + day * DAY * 1000).toISOString().slice(0, 10);
}

/** The index on a date; before (after) the series, its first (last) value. */
export function baiduScale(date: string): number {
  const dates = Object.keys(BAIDU_WUHAN_SCALE_2020);
  const clamped =
    date < dates[0]! ? dates[0]! : date > dates[dates.length - 1]! ? dates[dates.length - 1]! : date;
  return BAIDU_WUHAN_SCALE_2020[clamped]!;
}

/** Seconds since the scenario start of a wall-clock time YYYY-MM-DDTHH:MM. */
export function secondsFromStart(start: string, at: string): number {
  return (Date.parse(`${at}:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 1000;
}

/** What the itinerary needs to know about each day and each city: outflow, closures, holidays. */
export interface Calendar {
  /** Probability that an epicentre resident leaves on each day, before any closure. */
  leaveProb: Float64Array;
  /** Whether each city (by index) is closed from `closedAt` on. */
  closed: Uint8Array;
  /** Seconds since the start when the closure begins (Infinity = never). */
  closedAt: number;
  /** Departure probability from a closed city after the closure: leak times the rate of the day before it. */
  leakEpicentre: number;
  leakOthers: number;
  /** The closure's leak: the chance that a departure (a visitor's way home included) still happens. */
  leak: number;
  /** Share of the day's activity kept inside a closed city once closed (1 - localCut). */
  keptActivity: number;
  /** Public holiday, by day. */
  holiday: Uint8Array;
  /** True when `city` is closed at `t` (seconds since the start). */
  isClosed(city: number, t: number): boolean;
}

/** Builds the calendar of a scenario; a closure of unknown cities is a UserError. */
export function buildCalendar(params: ScenarioParams, country: Pick<Country, 'cities'>): Calendar {
  const leaveProb = new Float64Array(params.days);
  for (let day = 0; day < params.days; day++) {
    leaveProb[day] =
      params.outflowProfile === 'baidu-2020'
        ? Math.min(1, baiduScale(dayDate(params.start, day)) * params.outflowPerScaleUnit)
        : params.outflowFirstDay +
          ((params.outflowLastDay - params.outflowFirstDay) * day) / Math.max(1, params.days - 1);
  }
  const closed = new Uint8Array(country.cities.length);
  const lock = params.lockdown;
  let closedAt = Infinity;
  let leakEpicentre = 0;
  if (lock && lock.cities.length > 0) {
    const codes = new Set(lock.cities);
    const known = new Set(country.cities.map((c) => c.code));
    const unknown = lock.cities.filter((c) => !known.has(c));
    if (unknown.length > 0)
      throw new UserError(`lockdown: ${unknown.join(', ')} is not a city code of the simulated country`);
    country.cities.forEach((c, i) => (closed[i] = codes.has(c.code) ? 1 : 0));
    closedAt = secondsFromStart(params.start, lock.at);
    if (!Number.isFinite(closedAt)) throw new Error(`lockdown time '${lock.at}' is not YYYY-MM-DDTHH:MM`);
    // The rate of the last full day before the closure (outside the scenario: the nearest day inside it).
    const before = Math.min(params.days - 1, Math.max(0, Math.floor(closedAt / DAY) - 1));
    leakEpicentre = lock.leak * leaveProb[before]!;
  }
  const holidays = new Set(params.holidays);
  const holiday = Uint8Array.from({ length: params.days }, (_, d) =>
    holidays.has(dayDate(params.start, d)) ? 1 : 0,
  );
  return {
    leaveProb,
    closed,
    closedAt,
    leakEpicentre,
    leakOthers: (lock?.leak ?? 0) * params.travelDaily,
    leak: lock?.leak ?? 0,
    keptActivity: 1 - (lock?.localCut ?? 0),
    holiday,
    isClosed: (city, t) => closed[city] === 1 && t >= closedAt,
  };
}

const cache = new WeakMap<ScenarioParams, WeakMap<object, Calendar>>();

/** The calendar of (params, country), built once per pair. */
export function calendarOf(params: ScenarioParams, country: Pick<Country, 'cities'>): Calendar {
  let byCountry = cache.get(params);
  if (!byCountry) cache.set(params, (byCountry = new WeakMap()));
  let cal = byCountry.get(country);
  if (!cal) byCountry.set(country, (cal = buildCalendar(params, country)));
  return cal;
}
