/**
 * The shapes that fitting, forecasting, scoring, the CLI, the API and the
 * dashboard share (issue 13). Implementations live in fit.ts (ensemble
 * filter), forecast.ts (ensemble forecast and quantiles), score.ts (WIS,
 * coverage, baseline) and the input readers.
 */
import type { DailyFlows } from './model.ts';
import type { EpiParams, ObservationParams } from './params.ts';

/** A modelled region: a 6-digit division code (city, province, county) or a file's own key. */
export interface EpiRegion {
  code: string;
  name: string;
  /** Residents (census or the workspace's synthetic population). */
  population: number;
}

/** Daily observations and mobility for regions, from `start` (day 0). Day-major arrays: `x[d * regions.length + i]`. */
export interface EpiData {
  regions: readonly EpiRegion[];
  /** ISO date of day 0. */
  start: string;
  days: number;
  /** Newly confirmed cases per day and region; NaN = not observed that day. */
  confirmed: Float64Array;
  /** Deaths per day and region, if known. */
  deaths?: Float64Array;
  /** Travellers per day as sparse OD (region indexes); day d uses flows[min(d, length - 1)]; empty = no travel. */
  flows: readonly DailyFlows[];
  /** True when the figures are synthetic (simulated); shown wherever they are. */
  synthetic: boolean;
}

/** The quantities forecast, all as daily new counts. */
export const QUANTITIES = ['confirmed', 'deaths', 'contacts', 'suspected'] as const;
export type Quantity = (typeof QUANTITIES)[number];

/**
 * Conversion of confirmed cases into close contacts and suspected cases, as
 * the platform measures them (contacts per case from companion search,
 * suspected per confirmed from the case registry) or as given.
 */
export interface DerivedRatios {
  contactsPerCase: number;
  suspectedPerConfirmed: number;
  /** Where the ratios come from, e.g. "companion search, 2020-01-14..2020-01-27" or "given". */
  source: string;
}

/** A named intervention: travel out of the listed regions (codes; '*' = all) scaled by 1 - cut from `from` on. */
export interface Scenario {
  name: string;
  mobilityCut?: { regions: readonly string[]; cut: number; from: string };
}

/** An aggregate forecast over several regions (e.g. the country without the epicentre province). */
export interface RegionGroup {
  code: string;
  name: string;
  members: readonly string[];
}

/** The 23 quantile levels of the US COVID-19 Forecast Hub. */
export const HUB_QUANTILES: readonly number[] = [
  0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85,
  0.9, 0.95, 0.975, 0.99,
];

/** One parameter's ensemble summary on one day. */
export interface ParamSummary {
  mean: number;
  /** 5% and 95% quantiles of the ensemble (a 90% interval). */
  lower: number;
  upper: number;
}

/** Names of the reported parameters: the model's six plus the effective reproduction number. */
export type ReportedParam = keyof EpiParams | 'Rt';

/** Options of the ensemble filter. */
export interface FitOptions {
  /** Ensemble members (default 300, as Li et al.). */
  members?: number;
  seed: number;
  observation?: ObservationParams;
  /** Fit to days 0..origin-1 of the data only (default: all days). */
  originDay?: number;
}

/** The fitted ensemble at the forecast origin, and the parameter trajectory. */
export interface FitResult {
  regions: readonly EpiRegion[];
  start: string;
  /** Days assimilated (0..days-1); the forecast origin is day days-1, its first target day `days`. */
  days: number;
  members: number;
  /** Member m's state (model.ts layout) at the end of the last fitted day. */
  states: Float64Array[];
  /** Member m's parameters at the end of the last fitted day. */
  params: EpiParams[];
  /** Member m's daily new reported infections over the fitted days (day-major), so that delayed confirmations continue into the forecast. */
  reported: Float64Array[];
  /** Per day of the fit, per reported parameter: ensemble mean and 90% interval after that day's update. */
  trajectory: { day: string; params: Record<ReportedParam, ParamSummary> }[];
  /** Ensemble mean of the fitted daily confirmed (day-major), for the observed-vs-fitted chart. */
  fittedConfirmed: Float64Array;
  observation: ObservationParams;
}

/** Options of a forecast run. */
export interface ForecastOptions {
  horizon: number;
  seed: number;
  scenarios?: readonly Scenario[];
  groups?: readonly RegionGroup[];
  ratios?: DerivedRatios;
  /** Mobility to use after the origin: day-of-forecast d uses flows[min(d, length - 1)]; default: the data's last day. */
  flows?: readonly DailyFlows[];
}

/** One Forecast-Hub-style row: a quantile (or the point = median, quantile null) of a daily count. */
export interface ForecastRow {
  scenario: string;
  /** Forecast origin: the last date whose data were used. */
  origin: string;
  /** origin + horizon days. */
  target: string;
  /** Days ahead, 1..horizon. */
  horizon: number;
  region: string;
  quantity: Quantity;
  quantile: number | null;
  value: number;
}
