import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { fitSources, ols } from './sources.ts';
import type { SourcesModel } from './sources.ts';
import { FIXTURE } from './sources-fixture.ts';

/**
 * An independent least-squares fit: the normal equations (X'X) b = X'y solved by the 2x2 inverse, r from the
 * raw-sum formula, and the prediction variance s^2 (1 + x0' (X'X)^-1 x0) from the same inverse.
 */
function reference(x: number[], y: number[], t: number) {
  const n = x.length;
  const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
  const [sx, sy] = [sum(x), sum(y)];
  const sxx = sum(x.map((v) => v * v));
  const syy = sum(y.map((v) => v * v));
  const sxy = sum(x.map((v, i) => v * y[i]!));
  const det = n * sxx - sx * sx;
  const inv = [
    [sxx / det, -sx / det],
    [-sx / det, n / det],
  ] as const;
  const b0 = inv[0][0] * sy + inv[0][1] * sxy;
  const b1 = inv[1][0] * sy + inv[1][1] * sxy;
  const r = (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
  const s2 = sum(x.map((v, i) => (y[i]! - b0 - b1 * v) ** 2)) / (n - 2);
  const bound = (x0: number) => {
    const q = inv[0][0] + 2 * inv[0][1] * x0 + inv[1][1] * x0 * x0;
    const half = t * Math.sqrt(s2 * (1 + q));
    return [b0 + b1 * x0 - half, b0 + b1 * x0 + half] as const;
  };
  return { b0, b1, r, s: Math.sqrt(s2), bound };
}

const TOL = 1e-9;

describe('risk sources fit (Jia et al. 2020)', () => {
  it('uses the t quantile of a statistical table: t(0.95, 8) = 1.859548, t(0.95, 1) = tan(0.45 pi)', () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const y = [2, 1, 4, 3, 6, 5, 8, 7, 10, 9];
    expect(ols(x, y).t).toBeCloseTo(1.859548, 6);
    expect(ols([1, 2, 3], [1, 3, 2]).t).toBeCloseTo(Math.tan(0.45 * Math.PI), 10);
  });

  it.each<[SourcesModel, (v: number) => number]>([
    ['loglog', Math.log],
    ['linear', (v) => v],
  ])('%s: slope, intercept, r and interval bounds equal the normal equations to 1e-9', (model, f) => {
    const res = fitSources(FIXTURE, model);
    const x = FIXTURE.map((p) => f(p.outflow));
    const y = FIXTURE.map((p) => f(p.cases));
    const ref = reference(x, y, res.fit.t);
    expect(res.n).toBe(10);
    expect(res.fit.slope).toBeCloseTo(ref.b1, 9);
    expect(Math.abs(res.fit.intercept - ref.b0)).toBeLessThan(TOL * Math.max(1, Math.abs(ref.b0)));
    expect(Math.abs(res.fit.r - ref.r)).toBeLessThan(TOL);
    expect(Math.abs(res.fit.r2 - ref.r * ref.r)).toBeLessThan(TOL);
    expect(Math.abs(res.fit.residualSe - ref.s)).toBeLessThan(TOL * Math.max(1, ref.s));
    for (const [i, p] of res.points.entries()) {
      const [lo, hi] = ref.bound(x[i]!);
      // Bounds are reported in cases: back on the model scale they must agree to 1e-9 (relative for linear).
      const tol = TOL * Math.max(1, Math.abs(hi));
      expect(Math.abs(f(p.upper) - hi)).toBeLessThan(tol);
      if (model === 'loglog') expect(Math.abs(f(p.lower) - lo)).toBeLessThan(tol);
      else expect(Math.abs(p.lower - lo)).toBeLessThan(tol);
      expect(p.flagged).toBe(y[i]! > hi);
    }
    // The fixture is built so that its strong relation shows: r well above 0.9 on the log scale.
    if (model === 'loglog') expect(res.fit.r).toBeGreaterThan(0.9);
  });

  it('flags a destination with far more cases than its outflow explains, and only that one', () => {
    const spiked = FIXTURE.map((p) => (p.code === '421300' ? { ...p, cases: 9_000 } : p));
    const res = fitSources(spiked, 'loglog');
    expect(res.points.filter((p) => p.flagged).map((p) => p.code)).toEqual(['421300']);
    const suizhou = res.points.find((p) => p.code === '421300')!;
    expect(suizhou.cases).toBeGreaterThan(suizhou.upper);
    expect(fitSources(FIXTURE, 'loglog').points.filter((p) => p.flagged)).toEqual([]);
  });

  it('leaves zero counts out of log-log (log 0 is undefined) but keeps them in the linear fit', () => {
    const withZero = [...FIXTURE, { code: '420300', name: '十堰市', outflow: 30_000, cases: 0 }];
    const log = fitSources(withZero, 'loglog');
    expect(log.n).toBe(10);
    expect(log.excluded.map((e) => [e.code, e.reason])).toEqual([
      ['420300', 'no cases (log-log needs cases > 0)'],
    ]);
    expect(log.fit.slope).toBe(fitSources(FIXTURE, 'loglog').fit.slope);
    expect(fitSources(withZero, 'linear').n).toBe(11);
  });

  it('refuses a fit it cannot make with one line', () => {
    expect(() => fitSources(FIXTURE.slice(0, 2), 'linear')).toThrow(
      new UserError('the fit needs at least 3 destinations, got 2'),
    );
    const flat = FIXTURE.slice(0, 3).map((p) => ({ ...p, outflow: 5 }));
    expect(() => fitSources(flat, 'linear')).toThrow(/same outflow/);
  });
});
