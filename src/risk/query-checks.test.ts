import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors.ts';
import { checkRiskDay, riskKProblem } from './query.ts';
import type { RiskMeta } from './query.ts';

const meta: RiskMeta = {
  set: [],
  weights: {} as RiskMeta['weights'],
  k: 3,
  first: '2020-01-01',
  last: '2020-01-27',
};

describe('the risk tables checks shared by /api/risk/*, the risk report and the public page', () => {
  it('tables built with a smaller k than asked cannot be published', () => {
    expect(riskKProblem(meta, 3)).toBeNull();
    expect(riskKProblem(meta, 2)).toBeNull();
    expect(riskKProblem(meta, 5)).toBe(
      "the risk tables were built with k = 3 < 5: run 'epitrace risk build --k 5'",
    );
  });

  it('a day or an hour outside the data days is 400 naming the field', () => {
    expect(() => checkRiskDay(meta, '2020-01-27')).not.toThrow();
    expect(() => checkRiskDay(meta, '2020-01-01T00', 'hour')).not.toThrow();
    expect(() => checkRiskDay(meta, '2019-12-31')).toThrow(
      new HttpError(400, 'day: 2019-12-31 is before the first data day 2020-01-01', 'day'),
    );
    const e = (() => {
      try {
        checkRiskDay(meta, '2020-01-28T05', 'hour');
      } catch (err) {
        return err as HttpError;
      }
    })();
    expect([e?.status, e?.field, e?.message]).toEqual([
      400,
      'hour',
      'hour: 2020-01-28T05 is after the last data day 2020-01-27',
    ]);
  });
});
