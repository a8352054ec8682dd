// Typed client for the forecast routes (issue 13); the shapes are the server's (src/epi/store.ts).
import type { ForecastPoint, RunSummary } from '../../src/epi/store.ts';
import type { Quantity } from '../../src/epi/types.ts';
import { request } from './api.ts';

export type { ForecastPoint, Quantity, RunSummary };

function get<T>(path: string, q: Record<string, string>, signal?: AbortSignal): Promise<T> {
  return request<T>(`${path}?${new URLSearchParams(q)}`, { signal });
}

export type ForecastRuns = { synthetic: boolean; k: number; runs: RunSummary[] };

/** An observed day as published: below k suppressed (count and fitted null). */
export type ObservedDay = {
  day: string;
  count: number | null;
  suppressed: boolean;
  suppressedCells: number;
  fitted: number | null;
};

export type ForecastSeries = {
  synthetic: boolean;
  run: number;
  region: { code: string; name: string; population: number; kind: 'region' | 'group' };
  quantity: Quantity;
  scenario: string;
  origin: string;
  k: number;
  observed: ObservedDay[];
  forecast: ForecastPoint[];
};

export type ParamPoint = { day: string; mean: number; lower: number; upper: number };
export type ForecastParams = {
  synthetic: boolean;
  run: number;
  origin: string;
  params: Record<string, ParamPoint[]>;
};

export function getForecastRuns(signal?: AbortSignal): Promise<ForecastRuns> {
  return request<ForecastRuns>('/forecast/runs', { signal });
}

export function getForecast(
  q: { run: number; region: string; quantity: Quantity; scenario: string },
  signal?: AbortSignal,
): Promise<ForecastSeries> {
  return get('/forecast', { ...q, run: String(q.run) }, signal);
}

export function getForecastParams(run: number, signal?: AbortSignal): Promise<ForecastParams> {
  return get('/forecast/params', { run: String(run) }, signal);
}
