import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors.ts';
import { reportKind } from './build.ts';
import { cellOf, privacyOf } from './data-common.ts';
import { fitNote } from './data-forecast.ts';
import { casesPer10k } from './data-outflow.ts';

// The report data's small rules (issue 17): the ratio's true unit, suppressed cells, the forecast's honest note.

describe('cases per 10,000 arrivals', () => {
  it('is cases / arrivals x 10,000, not a percentage', () => {
    // 12 cases among 30,000 arrivals: 4 per 10,000 (the 2020 platform printed 4 and called it %).
    expect(casesPer10k(12, 30_000)).toBe(4);
    expect(casesPer10k(1, 3)).toBe(3333.33);
  });
  it('has no value without a denominator', () => {
    expect(casesPer10k(5, null)).toBeNull();
    expect(casesPer10k(5, 0)).toBeNull();
    expect(casesPer10k(null, 100)).toBeNull();
  });
});

describe('cells', () => {
  it('a suppressed count is {lt: k}, never 0 or the hidden count', () => {
    expect(cellOf({ count: null, suppressed: true, suppressedCells: 1 }, 3)).toEqual({ lt: 3 });
    expect(cellOf({ count: 7, suppressed: false }, 3)).toBe(7);
    expect(cellOf({ count: 0, suppressed: false }, 3)).toBe(0);
  });
  it('the privacy note states k in both languages', () => {
    const p = privacyOf(15);
    expect(p.note.en).toContain('k = 15');
    expect(p.note.zh).toContain('k = 15');
  });
});

describe('report kinds', () => {
  it('refuses an unknown kind with 400 naming kind', () => {
    expect(reportKind('risk')).toBe('risk');
    try {
      reportKind('summary');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(HttpError);
      expect((e as HttpError).field).toBe('kind');
    }
  });
});

describe("the forecast's honest note", () => {
  const day = (i: number, count: number | null, fitted: number | null) => ({
    day: `2020-01-${String(20 + i).padStart(2, '0')}`,
    count,
    suppressed: count === null,
    suppressedCells: count === null ? 1 : 0,
    fitted,
  });
  it("says the fit is poor when the last days' observed and fitted sums are more than 2x apart", () => {
    // README "The demo's forecast for Wuhan is poor": 0 12 45 60 57 70 observed, fitted ending near 2.8.
    const obs = [0, 12, 45, 60, 57, 70, 66].map((c, i) => day(i, c, 2.8));
    const s = fitNote(obs, 3);
    expect(s.note?.en).toMatch(
      /^The fit is poor: over the last 7 published days 310 cases were observed against 19.6 fitted/,
    );
    expect(s.rows.map((r) => r['observed'])).toEqual([0, 12, 45, 60, 57, 70, 66]);
  });
  it('says nothing of the kind when they agree, and shows a suppressed day as < k', () => {
    const obs = [10, 12, null, 11].map((c, i) => day(i, c, c === null ? null : 11));
    const s = fitNote(obs, 3);
    expect(s.note?.en).toBe('Over the last 3 published days 33 cases were observed against 33 fitted.');
    expect(s.rows[2]!['observed']).toEqual({ lt: 3 });
  });
});
