import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Duck } from '../db/duck.ts';
import { REGISTRY_TABLES } from '../tracing/registry.ts';
import { areaLabels } from './areas.ts';
import { buildLevels } from './build.ts';
import { buildRiskCases } from './cases.ts';

// Where a case is counted, on a constructed workspace whose cells carry street codes (as `epitrace geo import`
// leaves them) and which has a geo_areas table: county from residents (else the registry), street and
// community from the night-time hours. Once with the pipeline's tables holding user_id as 32-hex text (a
// workspace of format 1) and once as UUID (format 2); the registry keeps the 32-hex text in both.

/** A pseudonym: 32 hex characters, as pseudonym() makes them (the UUID cast needs the real form). */
const U1 = 'a1'.padEnd(32, '0');

describe.each(['VARCHAR', 'UUID'])('located cases, pipeline user_id %s', (userType) => {
  let db: Duck;

  beforeAll(async () => {
    db = await Duck.open({ path: ':memory:' });
    await db.run(REGISTRY_TABLES);
    await db.run(`CREATE TABLE cells (cell_id INTEGER, lon DOUBLE, lat DOUBLE, county_code VARCHAR, city_code VARCHAR,
    province_code VARCHAR, community_code VARCHAR, street_code VARCHAR)`);
    // Cell 1: home (street 420111001, community 420111001001); cell 2: work in another county and street.
    await db.run(`INSERT INTO cells VALUES
    (1, 114.40, 30.50, '420111', '420100', '420000', '420111001001', '420111001'),
    (2, 114.30, 30.58, '420103', '420100', '420000', '420103002003', '420103002')`);
    await db.run(
      `CREATE TABLE stays (user_id ${userType}, cell_id INTEGER, start_ts TIMESTAMP, end_ts TIMESTAMP)`,
    );
    await db.run(
      `CREATE TABLE open_stays (user_id ${userType}, cell_id INTEGER, start_ts TIMESTAMP, end_ts TIMESTAMP)`,
    );
    // U1 sleeps at cell 1 (21:00-08:00, 11 h) and works at cell 2 (08:00-21:00, 13 h): the night decides, not the hours.
    for (const d of ['2020-01-16', '2020-01-17', '2020-01-18'])
      await db.run(
        `INSERT INTO stays VALUES ($2, 2, $1::TIMESTAMP + INTERVAL 8 HOUR, $1::TIMESTAMP + INTERVAL 21 HOUR),
        ($2, 1, $1::TIMESTAMP + INTERVAL 21 HOUR, $1::TIMESTAMP + INTERVAL 32 HOUR)`,
        [d, U1],
      );
    await db.run(
      `CREATE TABLE residents (month VARCHAR, user_id ${userType}, county_code VARCHAR, night_hours DOUBLE)`,
    );
    await db.run(
      `INSERT INTO residents VALUES ('2020-01', $1, '420111', 30), ('2019-12', $1, '420103', 30), ('2020-02', $1, '420103', 30)`,
      [U1],
    );
    await db.run(
      `INSERT INTO trace_cases VALUES
    ('C1', 'confirmed', '2020-01-10', '2020-01-19', $1, 'imsi', '420103', '420100'),
    ('C2', 'confirmed', NULL, '2020-01-19', NULL, 'phone', '420102', '420100'),
    ('S1', 'suspected', '2020-01-18', NULL, NULL, 'phone', '420102', '420100')`,
      [U1],
    );
    await db.run(`CREATE TABLE geo_areas (level VARCHAR, code VARCHAR, name VARCHAR, parent VARCHAR, synthetic BOOLEAN,
    lon DOUBLE, lat DOUBLE)`);
    await db.run(
      `INSERT INTO geo_areas VALUES ('street', '420111001', '关山街道 (synthetic)', '420111', true, 114.41, 30.51)`,
    );
    await buildRiskCases(db);
  });
  afterAll(() => db.close());

  it("count a matched case where it lives (resident county of the confirmation month, night street and community), an unmatched one at the registry's county", async () => {
    expect(
      await db.all(
        `SELECT ref, confirmed, user_id AS "userId", county, located, street, community FROM risk_cases ORDER BY ref`,
      ),
    ).toEqual([
      {
        ref: 'C1',
        confirmed: '2020-01-19',
        // The 32-hex pseudonym, as the registry holds it, never the hyphenated UUID form.
        userId: U1,
        county: '420111',
        located: 'residents',
        street: '420111001',
        community: '420111001001',
      },
      {
        ref: 'C2',
        confirmed: '2020-01-19',
        userId: null,
        county: '420102',
        located: 'registry',
        street: null,
        community: null,
      },
    ]);
  });

  it('levels exist per county, street and community; street names come from geo_areas', async () => {
    await db.run(`CREATE TABLE risk_links (a VARCHAR, b VARCHAR, via VARCHAR)`);
    await buildLevels(db, '2020-01-19', '2020-01-19');
    const rows = await db.all<{ level: string; code: string; city: string; risk: string }>(
      `SELECT level, code, city, risk FROM risk_levels ORDER BY level, code`,
    );
    expect(rows).toEqual([
      { level: 'community', code: '420111001001', city: '420100', risk: 'medium' },
      { level: 'county', code: '420102', city: '420100', risk: 'medium' },
      { level: 'county', code: '420111', city: '420100', risk: 'medium' },
      { level: 'street', code: '420111001', city: '420100', risk: 'medium' },
    ]);
    const labels = await areaLabels(db, 'street', ['420111001', '420103002']);
    expect(labels.get('420111001')).toEqual({ name: '关山街道 (synthetic)', lon: 114.41, lat: 30.51 });
    // A street missing from geo_areas: no name, label at the mean of its cells.
    expect(labels.get('420103002')).toEqual({ name: null, lon: 114.3, lat: 30.58 });
  });
});
