import { describe, expect, it } from 'vitest';
import { addDays, areaLevels, hasCluster, linkKey, riskLevel } from './levels.ts';
import type { LocatedCase } from './levels.ts';

const DAY = '2020-02-20';

/** n cases of one county, confirmed `daysBefore` days before DAY, refs from `prefix`. */
function cases(n: number, daysBefore: number, prefix: string, county = '420111'): LocatedCase[] {
  return Array.from({ length: n }, (_, i) => ({
    ref: `${prefix}${i}`,
    confirmed: addDays(DAY, -daysBefore),
    county,
    street: null,
    community: null,
  }));
}

const level = (cs: LocatedCase[], links: [string, string][] = [], county = '420111') =>
  areaLevels(cs, new Set(links.map(([a, b]) => linkKey(a, b))), 'county', DAY).find((r) => r.code === county);

describe('riskLevel (2020 national rule)', () => {
  it.each([
    // cumulative, new14, cluster -> level
    [0, 0, false, 'low'],
    [10, 0, false, 'low'],
    [80, 0, false, 'low'],
    [1, 1, false, 'medium'],
    [50, 3, true, 'medium'],
    [51, 3, true, 'high'],
    [51, 3, false, 'medium'],
  ] as const)('cumulative %i, new %i, cluster %s -> %s', (cumulative, new14, cluster, expected) => {
    expect(riskLevel({ cumulative, new14, cluster })).toBe(expected);
  });
});

describe('areaLevels on constructed case sets', () => {
  // 49 old cases (30 days before) + 2 linked new ones (3 days before): 51 cumulative with a cluster.
  const linked: [string, string][] = [['n0', 'n1']];
  it('50 cumulative with a cluster is medium, 51 is high', () => {
    expect(level([...cases(48, 30, 'o'), ...cases(2, 3, 'n')], linked)).toMatchObject({
      cumulative: 50,
      new14: 2,
      cluster: true,
      risk: 'medium',
    });
    expect(level([...cases(49, 30, 'o'), ...cases(2, 3, 'n')], linked)).toMatchObject({
      cumulative: 51,
      cluster: true,
      risk: 'high',
    });
  });

  it('51 cumulative without a cluster (no link, or the linked pair not both new) is medium', () => {
    expect(level([...cases(49, 30, 'o'), ...cases(2, 3, 'n')])?.risk).toBe('medium');
    // A link between an old and a new case is no cluster within 14 days.
    expect(level([...cases(49, 30, 'o'), ...cases(2, 3, 'n')], [['o0', 'n0']])).toMatchObject({
      cluster: false,
      risk: 'medium',
    });
    // Linked cases living in another county make no cluster here.
    const elsewhere = cases(2, 3, 'x', '420102');
    expect(level([...cases(51, 3, 'o'), ...elsewhere], [['x0', 'x1']])).toMatchObject({
      cluster: false,
      risk: 'medium',
    });
  });

  it('a last case 13 days before (day 14 counting the day itself) is new; 14 days before (day 15) is not', () => {
    expect(level(cases(3, 13, 'c'))).toMatchObject({ new14: 3, risk: 'medium' });
    expect(level(cases(3, 14, 'c'))).toMatchObject({ cumulative: 3, new14: 0, risk: 'low' });
    // The same boundary for a high county: 60 cases, the linked pair 13 vs 14 days before.
    expect(level([...cases(58, 40, 'o'), ...cases(2, 13, 'n')], linked)?.risk).toBe('high');
    expect(level([...cases(58, 40, 'o'), ...cases(2, 14, 'n')], linked)?.risk).toBe('low');
  });

  it('a case confirmed after the day does not count; a county with no case has no row (low)', () => {
    expect(level(cases(3, -1, 'f'))).toBeUndefined();
    expect(level(cases(3, 0, 'f'))).toMatchObject({ new14: 3, risk: 'medium' });
  });

  it('hasCluster needs a link between two of the given cases', () => {
    const cs = cases(3, 1, 'c');
    expect(hasCluster(cs, new Set())).toBe(false);
    expect(hasCluster(cs, new Set([linkKey('c2', 'c0')]))).toBe(true);
    expect(hasCluster(cs.slice(0, 1), new Set([linkKey('c0', 'c9')]))).toBe(false);
  });
});
