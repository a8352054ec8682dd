// Types and client for the flows module (issue #16 contract): outflow, inflow, scale index, returnees, divisions.
import { request } from './api.ts';
import type { DisclosureMethod, Division } from './api.ts';

/** Expanded estimate of a published figure: sample count x census population / sample residents (origin city). */
export type Expanded = { value: number; lo: number; hi: number | null };

/** A published flows figure: sample count (null when suppressed), cells below k left out, and its expanded estimate. */
export type Figure = {
  count: number | null;
  suppressed: boolean;
  suppressedCells: number;
  /** Absent only on a server older than issue #16; null when suppressed or a cell has no expansion factor. */
  expanded?: Expanded | null;
};

export type RegionLevel = 'city' | 'province';
export type RegionRef = { code: string; name: string; nameEn?: string; level?: RegionLevel };

/** One city at the other end of a flow. */
export type CityRow = Figure & {
  code: string;
  name: string;
  nameEn?: string;
  province: string;
  provinceName: string;
  provinceNameEn?: string;
};
/** One province at the other end of a flow. */
export type ProvinceRow = Figure & { code: string; name: string; nameEn?: string };
export type DayRow = Figure & { date: string };

export type Expansion = { basis: string; z: number; note: string };

type FlowsCommon = {
  from: string;
  to: string;
  k: number;
  synthetic: boolean;
  method: DisclosureMethod;
  expansion?: Expansion;
  total: Figure;
  byProvince: ProvinceRow[];
  daily: DayRow[];
};

/** GET /api/flows/outflow. */
export type OutflowAnswer = FlowsCommon & { origin: RegionRef; destinations: CityRow[] };
/** GET /api/flows/inflow. */
export type InflowAnswer = FlowsCommon & { dest: RegionRef; origins: CityRow[] };

export type Direction = 'out' | 'in';

/** Outflow and inflow answers under one shape: `region` is the queried end, `cities` the other end's cities. */
export type FlowsAnswer = FlowsCommon & { direction: Direction; region: RegionRef; cities: CityRow[] };

/** GET /api/flows/scale: migration scale index against a baseline period. */
export type ScaleAnswer = {
  region: RegionRef;
  direction: Direction;
  from: string;
  to: string;
  k: number;
  synthetic: boolean;
  method: DisclosureMethod;
  base: { from: string; to: string; mean: number | null; days: number; totalDays: number };
  daily: (DayRow & { index: number | null })[];
};

/** GET /api/flows/returnees. */
export type ReturneesAnswer = {
  home: string;
  source: string;
  from: string;
  to: string;
  k: number;
  synthetic: boolean;
  method: DisclosureMethod;
  total: Figure;
  daily: DayRow[];
};

/** A division as /api/divisions lists it (pinyin from issue #16 on). */
export type FlowsDivision = Division & { pinyin?: string };

/** The query string of a flows request, as the API and the CSV file name take it. */
export function flowsPath(direction: Direction, q: { region: string; from: string; to: string }): string {
  const key = direction === 'out' ? 'origin' : 'dest';
  const path = direction === 'out' ? 'outflow' : 'inflow';
  return `/flows/${path}?${new URLSearchParams({ [key]: q.region, from: q.from, to: q.to })}`;
}

/** Outflow from, or inflow to, a city or province between two days (inclusive). */
export async function getFlows(
  direction: Direction,
  q: { region: string; from: string; to: string },
  signal?: AbortSignal,
): Promise<FlowsAnswer> {
  if (direction === 'out') {
    const { origin, destinations, ...rest } = await request<OutflowAnswer>(flowsPath('out', q), { signal });
    return { ...rest, direction, region: origin, cities: destinations };
  }
  const { dest, origins, ...rest } = await request<InflowAnswer>(flowsPath('in', q), { signal });
  return { ...rest, direction, region: dest, cities: origins };
}

/** The query string of a scale-index request. */
export function scalePath(q: {
  region: string;
  direction: Direction;
  from: string;
  to: string;
  baseFrom: string;
  baseTo: string;
}): string {
  return `/flows/scale?${new URLSearchParams(q)}`;
}

/** Migration scale index of a region's outflow or inflow, 100 = the baseline period's mean. */
export function getScale(q: Parameters<typeof scalePath>[0], signal?: AbortSignal): Promise<ScaleAnswer> {
  return request<ScaleAnswer>(scalePath(q), { signal });
}

/** The query string of a returnees request. */
export function returneesPath(q: { city: string; source: string; from: string; to: string }): string {
  return `/flows/returnees?${new URLSearchParams(q)}`;
}

/** People of `city` who went to `source` and came back, by day of return. */
export function getReturnees(
  q: Parameters<typeof returneesPath>[0],
  signal?: AbortSignal,
): Promise<ReturneesAnswer> {
  return request<ReturneesAnswer>(returneesPath(q), { signal });
}

/** All divisions of one level, with pinyin for search. */
export function getFlowsDivisions(level: RegionLevel, signal?: AbortSignal): Promise<FlowsDivision[]> {
  return request<FlowsDivision[]>(`/divisions?${new URLSearchParams({ level })}`, { signal });
}

/** Centroids (lon, lat) of provinces and cities by code: web/public/geo/centroids.json (scripts/build-centroids.ts). */
export type Centroids = {
  provinces: Record<string, [number, number]>;
  cities: Record<string, [number, number]>;
};

let centroids: Promise<Centroids> | null = null;

/** Loads the centroids once per page. */
export function loadCentroids(): Promise<Centroids> {
  centroids ??= fetch('/geo/centroids.json').then(async (res) => {
    if (!res.ok) throw new Error(`/geo/centroids.json: ${res.status} ${res.statusText}`);
    return (await res.json()) as Centroids;
  });
  centroids.catch(() => {
    centroids = null; // a later render retries
  });
  return centroids;
}

/** The state of a figure (decision 3): published, suppressed (all cells below k) or zero (no recorded flow). */
export function figureState(f: Figure): 'published' | 'suppressed' | 'zero' {
  if (f.count === null || f.suppressed) return 'suppressed';
  if (f.count === 0 && f.suppressedCells === 0) return 'zero';
  return 'published';
}
