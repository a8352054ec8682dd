import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Duck } from '../db/duck.ts';
import { buildAlerts, buildLevels } from './build.ts';
import { DEFAULT_WEIGHTS, indexOf, parseWeights, warningOf } from './risk-index.ts';

describe('index and warnings', () => {
  it('the index is 100 x the weighted mean of the normalised components', () => {
    expect(indexOf({ cases: 1, companions: 1, inflow: 1, density: 1 }, DEFAULT_WEIGHTS)).toBeCloseTo(100, 12);
    expect(indexOf({ cases: 0.5, companions: 0, inflow: 0, density: 0 }, DEFAULT_WEIGHTS)).toBeCloseTo(
      20,
      12,
    );
    expect(
      indexOf({ cases: 0, companions: 0, inflow: 0, density: 1 }, { ...DEFAULT_WEIGHTS, density: 0.6 }),
    ).toBeCloseTo(40, 12);
  });

  it.each([
    [100, 'red'],
    [75, 'red'],
    [74.99, 'orange'],
    [50, 'orange'],
    [25, 'yellow'],
    [10, 'blue'],
    [9.99, 'none'],
    [0, 'none'],
  ] as const)('index %d -> %s', (i, w) => expect(warningOf(i)).toBe(w));

  it('weights parse over the defaults and refuse bad input naming it', () => {
    expect(parseWeights('cases=1,density=0')).toEqual({ ...DEFAULT_WEIGHTS, cases: 1, density: 0 });
    expect(parseWeights('speed=1')).toMatch(/unknown component 'speed'/);
    expect(parseWeights('cases=-1')).toMatch(/weight of cases must be a number >= 0/);
    expect(parseWeights('cases=0,companions=0,inflow=0,density=0')).toMatch(/at least one/);
  });
});

describe('alerts: what changed since the day before', () => {
  let db: Duck;
  beforeAll(async () => {
    db = await Duck.open({ path: ':memory:' });
    await db.run(`CREATE TABLE cells (cell_id INTEGER, lon DOUBLE, lat DOUBLE, county_code VARCHAR, city_code VARCHAR,
      community_code VARCHAR)`);
    await db.run(`INSERT INTO cells VALUES (1, 114.3, 30.6, '420111', '420100', '420111001'),
      (2, 114.3, 30.5, '420102', '420100', '420102001')`);
    await db.run(`CREATE TABLE risk_cases (ref VARCHAR, confirmed VARCHAR, user_id VARCHAR, county VARCHAR,
      located VARCHAR, street VARCHAR, community VARCHAR)`);
    await db.run(`CREATE TABLE risk_links (a VARCHAR, b VARCHAR, via VARCHAR)`);
    // 420111: 50 cases long before, then on Feb 10 two more, linked: 52 cumulative with a cluster -> high.
    for (let i = 0; i < 50; i++)
      await db.run(
        `INSERT INTO risk_cases VALUES ($1, '2020-01-10', NULL, '420111', 'registry', NULL, '420111001')`,
        [`o${i}`],
      );
    await db.run(`INSERT INTO risk_cases VALUES ('n1', '2020-02-10', NULL, '420111', 'registry', NULL, '420111001'),
      ('n2', '2020-02-10', NULL, '420111', 'registry', NULL, '420111001'),
      ('q1', '2020-02-09', NULL, '420102', 'registry', NULL, NULL)`);
    await db.run(`INSERT INTO risk_links VALUES ('n1', 'n2', 'place')`);
    await db.run(
      `CREATE TABLE risk_index (day DATE, level VARCHAR, code VARCHAR, city VARCHAR, warning VARCHAR)`,
    );
    await db.run(`INSERT INTO risk_index VALUES ('2020-02-09', 'county', '420111', '420100', 'yellow'),
      ('2020-02-10', 'county', '420111', '420100', 'yellow'), ('2020-02-10', 'county', '420102', '420100', 'blue')`);
    await buildLevels(db, '2020-02-08', '2020-02-11');
    await buildAlerts(db, '2020-02-08', '2020-02-11');
  });
  afterAll(() => db.close());

  const alerts = (day: string) =>
    db.all<{ level: string; code: string; what: string; from: string; to: string }>(
      `SELECT level, code, what, "from", "to" FROM risk_alerts WHERE day = $1::DATE ORDER BY level, code, what`,
      [day],
    );

  it('an area whose level rises gets an alert that day, and only that day', async () => {
    expect(await alerts('2020-02-10')).toEqual([
      { level: 'community', code: '420111001', what: 'risk', from: 'low', to: 'high' },
      { level: 'county', code: '420102', what: 'warning', from: 'none', to: 'blue' },
      { level: 'county', code: '420111', what: 'risk', from: 'low', to: 'high' },
    ]);
    expect(await alerts('2020-02-09')).toEqual([
      { level: 'county', code: '420102', what: 'risk', from: 'low', to: 'medium' },
      { level: 'county', code: '420111', what: 'warning', from: 'none', to: 'yellow' },
    ]);
    // Feb 11: nothing new in levels; the warnings of Feb 10 end (no index row: 'none').
    expect(await alerts('2020-02-11')).toEqual([
      { level: 'county', code: '420102', what: 'warning', from: 'blue', to: 'none' },
      { level: 'county', code: '420111', what: 'warning', from: 'yellow', to: 'none' },
    ]);
    // The first day has no day before: no alert.
    expect(await alerts('2020-02-08')).toEqual([]);
  });
});
