/**
 * Risk sources (Jia, J.S. et al., "Population flow drives spatio-temporal distribution of COVID-19 in China",
 * Nature 582, 389-394 (2020)): across destination cities, cumulative cases regressed on the outflow from the
 * epicentre, by ordinary least squares, log-log (the paper's form) or linear. A destination above the upper
 * bound of the 90% prediction interval has more cases than the flow from the epicentre explains: likely local
 * transmission. Pure numerics; inputs are read in sources-input.ts.
 */
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { UserError } from '../errors.ts';

export type SourcesModel = 'loglog' | 'linear';

/** The level of the prediction interval, as in Jia et al. 2020 (Fig. 3: 90% interval). */
export const PREDICTION_LEVEL = 0.9;

/** One destination as given: outflow from the epicentre and cumulative confirmed cases. */
export interface SourcesInput {
  code: string;
  name: string;
  outflow: number;
  cases: number;
}

/** Why a destination is left out: a code (for the dashboard's languages) and the reason in English. */
export type ExclusionCode = 'suppressed' | 'no-outflow' | 'no-cases' | 'epicentre';

/** A destination left out of the fit, with the reason. */
export interface SourcesExcluded extends Omit<SourcesInput, 'outflow'> {
  /** Null when the outflow is suppressed (below k). */
  outflow: number | null;
  why: ExclusionCode;
  reason: string;
}

/** The least-squares line on the model scale (log-log: natural logs of outflow and cases). */
export interface SourcesFit {
  slope: number;
  intercept: number;
  r: number;
  r2: number;
  /** s = sqrt(SSE / (n - 2)), on the model scale. */
  residualSe: number;
  level: number;
  /** t(1 - (1 - level) / 2, n - 2), the interval's multiplier. */
  t: number;
  /** Mean and sum of squares of x about its mean, as the interval needs them. */
  meanX: number;
  sxx: number;
}

/**
 * One destination of the fit. `predicted`, `lower` and `upper` are in cases: for log-log the back-transformed
 * exp() of the model-scale values (so `predicted` is the geometric-mean prediction).
 */
export interface SourcesPoint extends SourcesInput {
  predicted: number;
  lower: number;
  upper: number;
  /** Cases above the upper bound of the prediction interval: likely local transmission. */
  flagged: boolean;
}

export interface SourcesResult {
  model: SourcesModel;
  n: number;
  fit: SourcesFit;
  points: SourcesPoint[];
  excluded: SourcesExcluded[];
}

/** Fewer points leave no degrees of freedom for the residual variance (n - 2). */
export const MIN_POINTS = 3;

/** Why a destination cannot enter the model, or null. Log-log needs outflow > 0 and cases > 0 (log 0 is -inf). */
export function exclusionReason(
  p: SourcesInput,
  model: SourcesModel,
): { why: ExclusionCode; reason: string } | null {
  if (model === 'loglog' && p.outflow <= 0)
    return { why: 'no-outflow', reason: 'no outflow (log-log needs outflow > 0)' };
  if (model === 'loglog' && p.cases <= 0)
    return { why: 'no-cases', reason: 'no cases (log-log needs cases > 0)' };
  return null;
}

/** The model scale: natural log for log-log, identity for linear. */
function scale(model: SourcesModel): (v: number) => number {
  return model === 'loglog' ? Math.log : (v) => v;
}

/** Ordinary least squares of y on x with the 90% prediction interval's ingredients. */
export function ols(x: readonly number[], y: readonly number[], level = PREDICTION_LEVEL): SourcesFit {
  const n = x.length;
  if (n < MIN_POINTS) throw new UserError(`the fit needs at least ${MIN_POINTS} destinations, got ${n}`);
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / n;
  const [mx, my] = [mean(x), mean(y)];
  let [sxx, syy, sxy] = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const [dx, dy] = [x[i]! - mx, y[i]! - my];
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (sxx === 0) throw new UserError('every destination has the same outflow: no slope can be fitted');
  if (syy === 0) throw new UserError('every destination has the same number of cases: r is undefined');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (y[i]! - intercept - slope * x[i]!) ** 2;
  const r = sxy / Math.sqrt(sxx * syy);
  return {
    slope,
    intercept,
    r,
    r2: r * r,
    residualSe: Math.sqrt(sse / (n - 2)),
    level,
    t: tQuantile(1 - (1 - level) / 2, n - 2),
    meanX: mx,
    sxx,
  };
}

/** The prediction interval at x0 on the model scale: yhat +/- t s sqrt(1 + 1/n + (x0 - mean x)^2 / Sxx). */
export function predictionInterval(
  fit: SourcesFit,
  n: number,
  x0: number,
): { predicted: number; lower: number; upper: number } {
  const predicted = fit.intercept + fit.slope * x0;
  const half = fit.t * fit.residualSe * Math.sqrt(1 + 1 / n + (x0 - fit.meanX) ** 2 / fit.sxx);
  return { predicted, lower: predicted - half, upper: predicted + half };
}

/**
 * Fits cases on outflow across the destinations (the caller has already left the epicentre out) and flags the
 * ones above the upper prediction bound. Destinations the model cannot take are returned in `excluded`.
 */
export function fitSources(inputs: readonly SourcesInput[], model: SourcesModel): SourcesResult {
  const excluded: SourcesExcluded[] = [];
  const used: SourcesInput[] = [];
  for (const p of inputs) {
    const why = exclusionReason(p, model);
    if (why) excluded.push({ ...p, ...why });
    else used.push(p);
  }
  const f = scale(model);
  const back = model === 'loglog' ? Math.exp : (v: number) => v;
  const x = used.map((p) => f(p.outflow));
  const y = used.map((p) => f(p.cases));
  const fit = ols(x, y);
  const points = used.map((p, i) => {
    const pi = predictionInterval(fit, used.length, x[i]!);
    return {
      ...p,
      predicted: back(pi.predicted),
      lower: back(pi.lower),
      upper: back(pi.upper),
      // Compared on the model scale, where the interval is computed (exp is monotone: same answer).
      flagged: y[i]! > pi.upper,
    };
  });
  return { model, n: used.length, fit, points, excluded };
}
