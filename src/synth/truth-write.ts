import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INTEGER, VARCHAR } from '@duckdb/node-api';
import type { Duck } from '../db/duck.ts';
import { quotedString } from '../db/duck.ts';
import { ChunkWriter } from './chunks.ts';
import type { ListedCase } from './case-list.ts';
import type { Contact } from './contacts.ts';
import type { Infection } from './epidemic.ts';
import { writeEpidemicTruth } from './truth-epi.ts';
import type { ScenarioParams } from './params.ts';
import type { Country } from './world.ts';
import { otherIdSql, rawIdSql, startEpoch } from './time.ts';

/**
 * Writes the ground truth beside the records: persons, stays (transit
 * included), journeys, true OD for everyone (all operators), residents per
 * county, and the epidemic's truth with the health authority's files
 * (writeEpidemicTruth: infections, case list, contacts, cases.csv, numbers.csv).
 */
export async function writeTruth(
  db: Duck,
  outDir: string,
  params: ScenarioParams,
  country: Country,
  infections: Infection[],
  list: ListedCase[],
  contacts: Contact[],
): Promise<number> {
  const t0 = startEpoch(params);
  const ts = (col: string): string => `make_timestamp((${t0}::BIGINT + ${col}) * 1000000)`;
  const tsOrNull = (col: string): string =>
    `CASE WHEN isnan(${col}) THEN NULL ELSE make_timestamp(((${t0} + ${col}) * 1000000)::BIGINT) END`;
  await db.run(
    `CREATE TABLE counties (county INTEGER, county_code VARCHAR, city_code VARCHAR, province_code VARCHAR)`,
  );
  const app = await db.conn.createAppender('counties');
  country.counties.forEach((c, i) => {
    app.appendInteger(i);
    app.appendVarchar(c.code);
    app.appendVarchar(c.city);
    app.appendVarchar(c.province);
    app.endRow();
  });
  app.closeSync();
  await db.run(`CREATE TABLE cellmap (cell_id INTEGER, county INTEGER)`);
  const cm = new ChunkWriter(await db.conn.createAppender('cellmap'), [INTEGER, INTEGER]);
  for (const c of country.cells) cm.row(c.id, c.county);
  cm.close();
  const out = (f: string): string => quotedString(join(outDir, f));
  const copy = (sql: string, f: string): Promise<void> =>
    db.run(`COPY (${sql}) TO ${out(f)} (FORMAT parquet)`);
  const raw = `CASE WHEN p.subscriber THEN ${rawIdSql('p.person')} ELSE ${otherIdSql('p.person')} END`;
  await copy(
    `SELECT p.person, ${raw} AS raw_id, p.subscriber, CASE WHEN p.subscriber THEN 'A' ELSE 'B' END AS operator,
            c.county_code AS home_county, c.city_code AS home_city, p.home_cell, p.work_cell, p.household, p.workplace
     FROM persons p JOIN counties c USING (county) ORDER BY person`,
    'truth/persons.parquet',
  );
  await copy(
    `SELECT s.person, s.cell_id, c.county_code, c.city_code, c.province_code,
            ${ts('s.start_s')} AS start_ts, ${ts('s.end_s')} AS end_ts, s.transit
     FROM stays s JOIN cellmap USING (cell_id) JOIN counties c USING (county) ORDER BY person, start_ts`,
    'truth/stays.parquet',
  );
  await db.run(`CREATE TABLE cities (i INTEGER, code VARCHAR)`);
  const ci = new ChunkWriter(await db.conn.createAppender('cities'), [INTEGER, VARCHAR]);
  country.cities.forEach((c, i) => ci.row(i, c.code));
  ci.close();
  await copy(
    `SELECT j.person, o.code AS origin, d.code AS dest, ${ts('j.depart_s')} AS depart_ts, ${ts('j.arrive_s')} AS arrive_ts
     FROM journeys j JOIN cities o ON o.i = j.origin JOIN cities d ON d.i = j.dest ORDER BY person, depart_ts`,
    'truth/journeys.parquet',
  );
  await copy(
    `SELECT ${ts('j.arrive_s')}::DATE AS date, o.code AS origin, d.code AS dest, count(DISTINCT j.person)::INTEGER AS people
     FROM journeys j JOIN cities o ON o.i = j.origin JOIN cities d ON d.i = j.dest GROUP BY ALL ORDER BY ALL`,
    'truth/od.parquet',
  );
  await copy(
    `SELECT c.county_code, count(*)::INTEGER AS residents, count(*) FILTER (WHERE p.subscriber)::INTEGER AS subscribers
     FROM persons p JOIN counties c USING (county) GROUP BY ALL ORDER BY ALL`,
    'truth/residents.parquet',
  );
  await writeEpidemicTruth(db, outDir, params.epicentre, ts, tsOrNull, infections, list, contacts);
  writeFileSync(
    join(outDir, 'truth', 'README.txt'),
    'SYNTHETIC ground truth written by epitrace synth. No real person is in it.\n',
  );
  return Number((await db.one<{ n: bigint }>(`SELECT count(*) AS n FROM stays`))?.n ?? 0);
}
