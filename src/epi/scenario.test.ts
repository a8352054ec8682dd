import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { flowsFromDense } from './model.ts';
import { addDays, scenarioFlows } from './scenario.ts';
import type { EpiRegion } from './types.ts';

const regions: EpiRegion[] = ['420100', '110000', '310000'].map((code) => ({
  code,
  name: code,
  population: 1e6,
}));
// people from origin (column) to destination (row)
const day = flowsFromDense([
  [0, 10, 20],
  [30, 0, 40],
  [50, 60, 0],
]);
const pairs = (f: { origin: Int32Array; dest: Int32Array; people: Float64Array }): Record<string, number> =>
  Object.fromEntries([...f.people].map((p, k) => [`${f.origin[k]}->${f.dest[k]}`, p]));

describe('scenario mobility cuts', () => {
  it('scales travel out of and into the listed region by 1 - cut from the date on, and leaves other pairs and the input alone', () => {
    const scenario = { name: 'lockdown', mobilityCut: { regions: ['420100'], cut: 0.8, from: '2020-01-23' } };
    const out = scenarioFlows([day], regions, scenario, '2020-01-21', 4);
    expect(out[0]).toBe(day);
    expect(out[1]).toBe(day);
    const cut = pairs(out[2]!);
    expect(cut['0->1']).toBeCloseTo(30 * 0.2, 12);
    expect(cut['0->2']).toBeCloseTo(50 * 0.2, 12);
    expect(cut['1->0']).toBeCloseTo(10 * 0.2, 12);
    expect(cut['2->0']).toBeCloseTo(20 * 0.2, 12);
    expect(cut['1->2']).toBe(60);
    expect(cut['2->1']).toBe(40);
    expect(out[3]).toBe(out[2]); // scaled once, reused (the integrator caches per object)
    expect(pairs(day)['0->1']).toBe(30);
  });

  it("'*' cuts every pair; no cut leaves the flows; no flows stay none", () => {
    const all = scenarioFlows(
      [day],
      regions,
      { name: 'all', mobilityCut: { regions: ['*'], cut: 1, from: '2020-01-01' } },
      '2020-01-21',
      1,
    );
    expect([...all[0]!.people]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(scenarioFlows([day], regions, { name: 'baseline' }, '2020-01-21', 2)).toEqual([day, day]);
    expect(
      scenarioFlows(
        [],
        regions,
        { name: 'x', mobilityCut: { regions: ['*'], cut: 1, from: '2020-01-01' } },
        '2020-01-21',
        2,
      ),
    ).toEqual([]);
  });

  it('rejects unknown regions, cuts outside 0..1 and bad dates as UserErrors', () => {
    const bad = (mobilityCut: { regions: string[]; cut: number; from: string }) => () =>
      scenarioFlows([day], regions, { name: 's', mobilityCut }, '2020-01-21', 2);
    expect(bad({ regions: ['999999'], cut: 0.5, from: '2020-01-22' })).toThrow(UserError);
    expect(bad({ regions: ['420100'], cut: 1.5, from: '2020-01-22' })).toThrow(/between 0 and 1/);
    expect(bad({ regions: ['420100'], cut: 0.5, from: '23 Jan' })).toThrow(UserError);
    expect(addDays('2020-02-28', 2)).toBe('2020-03-01');
  });
});
