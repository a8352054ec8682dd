import { describe, expect, it } from 'vitest';
import type { EpiRegion } from './types.ts';
import { forecastGroups } from './workspace-data.ts';

// Forecast groups (issues 13 and 17): the country, the epicentre's province, the country without it, and a
// group per other province with a modelled city that had a case, of all its modelled cities.

const region = (code: string): EpiRegion => ({ code, name: code, population: 1000 });
const regions = ['420100', '420200', '110100', '440100', '440300', '510100'].map(region);

describe('forecast groups', () => {
  it('without cases given: the three groups as before', () => {
    expect(forecastGroups(regions, '420100').map((g) => g.code)).toEqual(['CN', '420000', 'CN-X420000']);
  });

  it('with cases: one group per other province that had a case, holding all its modelled cities', () => {
    const groups = forecastGroups(regions, '420100', new Set(['420100', '440300', '110100']));
    expect(groups.map((g) => g.code)).toEqual(['CN', '420000', 'CN-X420000', '110000', '440000']);
    expect(groups.find((g) => g.code === '440000')).toMatchObject({
      name: '广东省',
      members: ['440100', '440300'],
    });
    expect(groups.find((g) => g.code === '420000')!.members).toEqual(['420100', '420200']);
    // 510000 had no case: no group.
    expect(groups.some((g) => g.code === '510000')).toBe(false);
  });

  it('without an epicentre: the country and the provinces with cases', () => {
    expect(forecastGroups(regions, null, new Set(['510100'])).map((g) => g.code)).toEqual(['CN', '510000']);
  });
});
