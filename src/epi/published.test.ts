import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Duck } from '../db/duck.ts';
import { publishedObserved, servedRuns } from './published.ts';
import { saveForecastRun } from './store.ts';
import type { StoredRegion } from './store.ts';

// What the forecast routes, the reports and the public page publish of the stored groups (issue 17 review, P1):
// a group is served only when its members hold >= k confirmed and those not served as cities 0 or >= k; a
// member not served, or a day below k, is a suppressed cell of the group, never a 0, and the group's fitted
// line is left out on such days. A hand-made run on an in-memory DuckDB, k = 3.

const K = 3;
const DAYS = ['2020-01-14', '2020-01-15', '2020-01-16'];
// Daily confirmed of the cities with a case (cities without one are not stored, as in workspace-build.ts).
const CITIES: Record<string, number[]> = {
  '110100': [0, 2, 0], // Beijing's only case city: 2 in all
  '440100': [5, 0, 4], // served
  '440300': [1, 1, 0], // not served, alone: 2 in all
  '420100': [10, 2, 6], // served, one day below k
  '420200': [0, 0, 2], // not served
  '420300': [1, 0, 1], // not served; with 420200, 4 >= k in all
  '510100': [4, 4, 4], // served, every day >= k
};
const GROUPS: Record<string, string[]> = {
  CN: [...Object.keys(CITIES), '110200'],
  '110000': ['110100', '110200'],
  '440000': ['440100', '440300'],
  '420000': ['420100', '420200', '420300'],
  '510000': ['510100'],
};

let duck: Duck;

beforeAll(async () => {
  duck = await Duck.open({ path: ':memory:' });
  const regions: StoredRegion[] = [
    ...Object.entries(GROUPS).map(([code, members]) => ({
      code,
      name: code,
      population: 1000,
      kind: 'group' as const,
      members,
    })),
    ...Object.keys(CITIES).map((code) => ({
      code,
      name: code,
      population: 1000,
      kind: 'region' as const,
      members: [],
    })),
  ];
  const sum = (members: string[], d: number): number =>
    members.reduce((s, m) => s + (CITIES[m]?.[d] ?? 0), 0);
  const observed = regions.flatMap((g) =>
    DAYS.map((day, d) => {
      const confirmed = g.kind === 'group' ? sum(g.members as string[], d) : CITIES[g.code]![d]!;
      return { region: g.code, day, confirmed, fitted: confirmed + 0.5 };
    }),
  );
  await saveForecastRun(duck, {
    createdAt: '2020-01-17T00:00:00.000Z',
    start: DAYS[0]!,
    origin: DAYS[2]!,
    horizon: 1,
    members: 2,
    seed: 1,
    synthetic: true,
    populationSource: 'test',
    regions,
    rows: [],
    observed,
    trajectory: [],
    ratios: null,
    scenarios: [{ name: 'baseline' }],
    fitMs: 0,
    forecastMs: 0,
  });
});

afterAll(() => duck?.close());

const run = async () => (await servedRuns(duck, K))[0]!;
const observedOf = async (code: string) => {
  const r = await run();
  const g = r.regions.find((x) => x.code === code);
  if (!g) throw new Error(`${code} not served`);
  return publishedObserved(duck, r, g, K);
};

describe('published groups', () => {
  it('serves a group only when its members hold >= k and those not served as cities 0 or >= k', async () => {
    const codes = (await run()).regions.map((g) => g.code).sort();
    // 110000: its only case city has 2; 440000: minus its served city 440100 it would give away 440300's 2.
    expect(codes).toEqual(['420000', '420100', '440100', '510000', '510100', 'CN'].sort());
  });

  it('the country is not served either below k in all', async () => {
    expect((await servedRuns(duck, 100))[0]!.regions.map((g) => g.code)).toEqual([]);
  });

  it('a member not served, or a day below k, is a suppressed cell (never 0) and the fitted line is left out', async () => {
    expect(await observedOf('420000')).toEqual([
      // 420100's 10 published; 420300's 1 suppressed.
      { day: DAYS[0], count: 10, suppressed: false, suppressedCells: 1, fitted: null },
      // 420100's 2 below k: nothing published.
      { day: DAYS[1], count: null, suppressed: true, suppressedCells: 1, fitted: null },
      // 420100's 6 published; 420200's 2 and 420300's 1 suppressed.
      { day: DAYS[2], count: 6, suppressed: false, suppressedCells: 2, fitted: null },
    ]);
  });

  it('a group whose members are all published keeps its counts and fitted line', async () => {
    expect(await observedOf('510000')).toEqual(
      DAYS.map((day) => ({ day, count: 4, suppressed: false, suppressedCells: 0, fitted: 4.5 })),
    );
  });

  it('the country counts the cities not served (Beijing, Shenzhen) as suppressed cells', async () => {
    const cn = await observedOf('CN');
    // Day 1: 440300 and 420300 suppressed; 10 + 5 + 4 published.
    expect(cn[0]).toEqual({ day: DAYS[0], count: 19, suppressed: false, suppressedCells: 2, fitted: null });
    // Day 2: 110100, 440300 and 420100 (2) suppressed; 510100's 4 published.
    expect(cn[1]).toEqual({ day: DAYS[1], count: 4, suppressed: false, suppressedCells: 3, fitted: null });
  });
});
