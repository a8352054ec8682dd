import type { Duck } from '../db/duck.ts';
import { HttpError } from '../errors.ts';
import { servedRuns } from '../epi/published.ts';
import { hasForecast } from '../epi/store.ts';
import { DEFAULT_LIMITS, checkDateRange } from '../server/limits.ts';
import { divisionNaming } from '../server/routes-flows.ts';
import { parse } from '../server/validate.ts';
import type { WorkspaceInfo } from '../workspace.ts';
import { checkCity, checkRange, frame } from './data-common.ts';
import { ForecastParams, forecastReport } from './data-forecast.ts';
import { OutflowParams, outflowReport } from './data-outflow.ts';
import { ReturneesParams, returneesReport } from './data-returnees.ts';
import { checkRiskDay } from '../risk/query.ts';
import { RiskParams, riskMetaFor, riskReport } from './data-risk.ts';
import { REPORT_KINDS } from './model.ts';
import type { Report, ReportKind } from './model.ts';

/** What a report is built from: one database (a served snapshot, or analytics.duckdb from the CLI). */
export interface ReportContext {
  duck: Duck;
  info: WorkspaceInfo;
  /** Disclosure threshold in force (the server's k, the CLI's --k). */
  k: number;
  /** The snapshot id, or null when the CLI read analytics.duckdb. */
  snapshot: number | null;
  /** The days queries may span (dataWindow of the snapshot / the workspace), undefined when unknown. */
  window: { from: string; to: string } | undefined;
  /** The last processed pipeline day, null when none. */
  lastDay: string | null;
  /** The longest from/to span in days: the server's configured limits.maxSpanDays, DEFAULT_LIMITS' outside it. */
  maxSpanDays: number;
  /** The clock for generatedAt (house style: effects passed in); the real clock when absent. */
  now?: () => Date;
}

/** The request of a report: query-string fields as given (strings); validated by buildReport. */
export type ReportParams = Record<string, string | undefined>;

/** A report request validated, with its defaults filled in: the same params give the same figures. */
export type ReportRequest = Record<string, string | number | null>;

/** The query keys of a report of `kind` (its params' fields), besides the route's format and lang. */
export function reportKeys(kind: ReportKind): string[] {
  const schema = {
    outflow: OutflowParams,
    returnees: ReturneesParams,
    risk: RiskParams,
    forecast: ForecastParams,
  }[kind];
  return Object.keys(schema.shape);
}

/** 400 naming `kind` unless it is one of the four report kinds. */
export function reportKind(kind: string): ReportKind {
  if (!(REPORT_KINDS as readonly string[]).includes(kind))
    throw new HttpError(400, `kind: ${kind} is not a report (outflow, returnees, risk or forecast)`, 'kind');
  return kind as ReportKind;
}

/** The scenario's epicentre, else 400 naming the field (nothing to default to). */
function epicentre(ctx: ReportContext, field: string): string {
  const e = ctx.info.scenario?.epicentre;
  if (!e) throw new HttpError(400, `${field}: required (the workspace names no epicentre)`, field);
  return e;
}

/** 400 naming a date field that has no default: the workspace has no data days. */
function noDays(field: string): HttpError {
  return new HttpError(400, `${field}: required (the workspace has no data days)`, field);
}

/** from/to defaulted to the data days; 400 naming the field when there are none, reversed, or too long. */
function days(
  ctx: ReportContext,
  q: { from?: string | undefined; to?: string | undefined },
): { from: string; to: string } {
  const from = q.from ?? ctx.window?.from;
  const to = q.to ?? ctx.window?.to;
  if (!from) throw noDays('from');
  if (!to) throw noDays('to');
  checkRange({ from, to });
  // The API's limits (src/server/limits.ts): within the data days, at most maxSpanDays.
  checkDateRange({ from, to }, { ...DEFAULT_LIMITS, maxSpanDays: ctx.maxSpanDays }, ctx.window);
  return { from, to };
}

/**
 * Validates a report's params (400 naming the field) and fills the defaults: origin / source = the scenario's
 * epicentre, from / to = the data days, day = the last data day, region = CN, run = the newest served run.
 */
export async function reportRequest(
  ctx: ReportContext,
  kind: ReportKind,
  params: ReportParams,
): Promise<ReportRequest> {
  switch (kind) {
    case 'outflow': {
      const q = parse(OutflowParams, params);
      const origin = q.origin ?? epicentre(ctx, 'origin');
      checkCity(origin, 'origin');
      return { origin, ...days(ctx, q), casesTo: q.casesTo ?? null, model: q.model, basis: q.basis };
    }
    case 'returnees': {
      const q = parse(ReturneesParams, params);
      checkCity(q.city, 'city');
      const source = q.source ?? epicentre(ctx, 'source');
      checkCity(source, 'source');
      return { city: q.city, source, ...days(ctx, q) };
    }
    case 'risk': {
      const q = parse(RiskParams, params);
      checkCity(q.city, 'city');
      const { meta } = await riskMetaFor(ctx.duck, ctx.k);
      const day = q.day ?? meta?.last ?? ctx.lastDay ?? ctx.window?.to;
      if (!day) throw noDays('day');
      if (meta) checkRiskDay(meta, day);
      return { city: q.city, day };
    }
    case 'forecast': {
      const q = parse(ForecastParams, params);
      let run = q.run ?? null;
      if (run === null && (await hasForecast(ctx.duck)))
        run = (await servedRuns(ctx.duck, ctx.k))[0]?.run ?? null;
      return { region: q.region, run };
    }
  }
}

/**
 * Builds a report from the same functions as the API. Bad params throw HttpError(400, ..., field) (parse());
 * a valid question the data cannot answer yields a report whose sections say why.
 */
export async function buildReport(
  ctx: ReportContext,
  kind: ReportKind,
  params: ReportParams,
): Promise<Report> {
  const p = await reportRequest(ctx, reportKind(kind), params);
  return buildRequested(ctx, kind, p);
}

/** Builds a report from an already validated request (reportRequest's answer), e.g. after the route's scope check. */
export async function buildRequested(
  ctx: ReportContext,
  kind: ReportKind,
  p: ReportRequest,
): Promise<Report> {
  const naming = divisionNaming();
  const s = (key: string): string => String(p[key]);
  const head = {
    k: ctx.k,
    snapshot: ctx.snapshot,
    lastDay: ctx.lastDay,
    synthetic: ctx.info.synthetic,
    now: (ctx.now ?? (() => new Date()))(),
  };
  switch (kind) {
    case 'outflow': {
      const q = {
        origin: s('origin'),
        from: s('from'),
        to: s('to'),
        casesTo: p['casesTo'] === null ? null : s('casesTo'),
        model: s('model') as 'loglog' | 'linear',
        basis: s('basis') as 'expanded' | 'sample',
      };
      return frame(kind, await outflowReport(ctx.duck, q, ctx.k, naming), head, p);
    }
    case 'returnees': {
      const q = { city: s('city'), source: s('source'), from: s('from'), to: s('to') };
      return frame(kind, await returneesReport(ctx.duck, q, ctx.k, naming), head, p);
    }
    case 'risk':
      return frame(kind, await riskReport(ctx.duck, { city: s('city'), day: s('day') }, ctx.k), head, p);
    case 'forecast': {
      const q = { region: s('region'), run: p['run'] === null ? null : Number(p['run']) };
      const { synthetic, ...body } = await forecastReport(ctx.duck, q, ctx.k);
      // A run fitted to synthetic inputs is synthetic whatever the workspace says (as /api/forecast answers).
      return frame(kind, body, { ...head, synthetic: head.synthetic || synthetic }, p);
    }
  }
}
