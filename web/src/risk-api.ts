// Typed client for the risk routes (issue 12).
import type { HeatArea, Heatmap } from '../../src/risk/heatmap.ts';
import { request } from './api.ts';

function get<T>(path: string, q: Record<string, string>, signal?: AbortSignal): Promise<T> {
  return request<T>(`${path}?${new URLSearchParams(q)}`, { signal });
}

export type SourcesModel = 'loglog' | 'linear';

export type SourcesPoint = {
  code: string;
  name: string;
  outflow: number;
  cases: number;
  predicted: number;
  lower: number;
  upper: number;
  flagged: boolean;
};

export type RiskSources = {
  synthetic: boolean;
  origin: string;
  originName: string;
  from: string;
  to: string;
  model: SourcesModel;
  k: number;
  n: number;
  /** Null when the data cannot support a fit; `problem` then says why. */
  fit: {
    slope: number;
    intercept: number;
    r: number;
    r2: number;
    residualSe: number;
    level: number;
    t: number;
  } | null;
  problem: string | null;
  points: SourcesPoint[];
  excluded: {
    code: string;
    name: string;
    outflow: number | null;
    cases: number;
    why: 'suppressed' | 'no-outflow' | 'no-cases' | 'epicentre';
    reason: string;
  }[];
  epicentreCases: number;
  unplacedCases: number;
};

/** Jia et al. 2020's regression of cases on the epicentre's outflow (GET /api/risk/sources). */
export function getRiskSources(
  q: { origin: string; from: string; to: string; model: SourcesModel },
  signal?: AbortSignal,
): Promise<RiskSources> {
  return get('/risk/sources', q, signal);
}

/** First and last hour with heatmap data, null when the city has none. */
export type RiskHours = { synthetic: boolean; city: string; first: string | null; last: string | null };

export type HeatmapArea = HeatArea;

/** The route's answer: the heatmap as published, with the workspace's synthetic flag and the high-risk set. */
export type RiskHeatmap = Heatmap & { synthetic: boolean; set: string[] };

export type RiskClass = 'high' | 'medium' | 'low';
/** Levels of the risk tables: levels by county, street and community; the index and alerts also per city. */
export type AreaLevel = 'city' | 'county' | 'street' | 'community';

export type RiskLevels = {
  synthetic: boolean;
  city: string;
  day: string;
  level: AreaLevel;
  areas: {
    code: string;
    name: string;
    risk: RiskClass;
    cumulative: number | null;
    new14: number | null;
    cluster: boolean;
  }[];
};

export type Warning = 'red' | 'orange' | 'yellow' | 'blue' | 'none';

export type RiskIndex = {
  synthetic: boolean;
  city: string;
  day: string;
  level: AreaLevel;
  weights: Record<string, number>;
  areas: {
    code: string;
    name: string;
    index: number;
    warning: Warning;
    components: Record<string, number>;
  }[];
};

export type RiskAlerts = {
  synthetic: boolean;
  city: string;
  day: string;
  alerts: {
    code: string;
    name: string;
    level: AreaLevel;
    what: 'risk' | 'warning';
    from: string;
    to: string;
  }[];
};

/** The hours with presence data for a city. */
export function getRiskHours(city: string, signal?: AbortSignal): Promise<RiskHours> {
  return get('/risk/hours', { city }, signal);
}

/** Where the high-risk people were in one hour, on the grid or by community. */
export function getRiskHeatmap(
  q: { city: string; hour: string; kind: 'grid' | 'community' },
  signal?: AbortSignal,
): Promise<RiskHeatmap> {
  return get('/risk/heatmap', q, signal);
}

/** Area risk levels by the 2020 national rule. */
export function getRiskLevels(
  q: { city: string; day: string; level: AreaLevel },
  signal?: AbortSignal,
): Promise<RiskLevels> {
  return get('/risk/levels', q, signal);
}

/** The risk index with its components. */
export function getRiskIndex(
  q: { city: string; day: string; level: AreaLevel },
  signal?: AbortSignal,
): Promise<RiskIndex> {
  return get('/risk/index', q, signal);
}

/** What changed since the previous day. */
export function getRiskAlerts(q: { city: string; day: string }, signal?: AbortSignal): Promise<RiskAlerts> {
  return get('/risk/alerts', q, signal);
}
