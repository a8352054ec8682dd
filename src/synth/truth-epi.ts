import { BOOLEAN, DOUBLE, INTEGER, VARCHAR } from '@duckdb/node-api';
import type { Duck } from '../db/duck.ts';
import { quotedString } from '../db/duck.ts';
import type { ListedCase } from './case-list.ts';
import { ChunkWriter } from './chunks.ts';
import type { Contact } from './contacts.ts';
import type { Infection } from './epidemic.ts';
import { otherIdSql, phoneSql, rawIdSql } from './time.ts';

/**
 * Writes the epidemic's truth (infections with setting, infector, cell and
 * times; the case list with which suspects were infected; contacts of the
 * confirmed cases) and the health authority's files: cases.csv (the list, by
 * phone number) and numbers.csv (the operator's number registry, imsi ->
 * msisdn, for its subscribers only). Needs the tables persons, counties and
 * cellmap; `ts(col)` and `tsOrNull(col)` turn seconds since the start into timestamps.
 * In truth/infections.parquet, report_ts is when the person would be confirmed
 * if found and confirmed_ts is the same for those found (possibly after the
 * end: they are the list's infected suspects); exported = infected in the
 * epicentre (seeds included) and listed while outside it.
 */
export async function writeEpidemicTruth(
  db: Duck,
  outDir: string,
  epicentre: string,
  ts: (col: string) => string,
  tsOrNull: (col: string) => string,
  infections: readonly Infection[],
  list: readonly ListedCase[],
  contacts: readonly Contact[],
): Promise<void> {
  await db.run(`CREATE TABLE infections (person INTEGER, setting VARCHAR, infector INTEGER, cell_id INTEGER,
                  infected DOUBLE, infectious DOUBLE, onset DOUBLE, removed DOUBLE, report DOUBLE, confirmed DOUBLE,
                  died BOOLEAN)`);
  const inf = new ChunkWriter(await db.conn.createAppender('infections'), [
    INTEGER,
    VARCHAR,
    INTEGER,
    INTEGER,
    DOUBLE,
    DOUBLE,
    DOUBLE,
    DOUBLE,
    DOUBLE,
    DOUBLE,
    BOOLEAN,
  ]);
  for (const i of infections) {
    inf.row(
      i.person,
      i.setting,
      i.infector,
      i.cell,
      i.infectedAt,
      i.infectiousAt,
      i.onsetAt,
      i.removedAt,
      i.reportAt,
      i.confirmedAt,
      i.died,
    );
  }
  inf.close();
  await db.run(`CREATE TABLE list (case_ref VARCHAR, person INTEGER, status VARCHAR, infected BOOLEAN,
                  onset DOUBLE, confirmed DOUBLE, cell_id INTEGER)`);
  const li = new ChunkWriter(await db.conn.createAppender('list'), [
    VARCHAR,
    INTEGER,
    VARCHAR,
    BOOLEAN,
    DOUBLE,
    DOUBLE,
    INTEGER,
  ]);
  for (const c of list) li.row(c.ref, c.person, c.status, c.infected, c.onsetAt, c.confirmedAt, c.cell);
  li.close();
  await db.run(`CREATE TABLE contacts (case_person INTEGER, person INTEGER, minutes DOUBLE, first_s INTEGER,
                  last_s INTEGER, relation VARCHAR)`);
  const con = new ChunkWriter(await db.conn.createAppender('contacts'), [
    INTEGER,
    INTEGER,
    DOUBLE,
    INTEGER,
    INTEGER,
    VARCHAR,
  ]);
  for (const c of contacts) con.row(c.a, c.b, c.minutes, c.first, c.last, c.relation);
  con.close();

  const out = (f: string): string => quotedString(`${outDir}/${f}`);
  const raw = `CASE WHEN p.subscriber THEN ${rawIdSql('p.person')} ELSE ${otherIdSql('p.person')} END`;
  await db.run(`CREATE VIEW listed AS
    SELECT l.case_ref, l.person, ${raw} AS raw_id, ${phoneSql('l.person')} AS phone, l.status, l.infected,
           ${tsOrNull('l.onset')} AS onset_ts, ${tsOrNull('l.confirmed')} AS confirmed_ts,
           c.county_code, c.city_code
    FROM list l JOIN persons p USING (person) JOIN cellmap m ON m.cell_id = l.cell_id
    JOIN counties c ON c.county = m.county`);
  await db.run(
    `COPY (SELECT * FROM listed ORDER BY case_ref) TO ${out('truth/case_list.parquet')} (FORMAT parquet)`,
  );
  await db.run(
    `COPY (SELECT i.person, i.setting, nullif(i.infector, -1) AS infector, nullif(i.cell_id, -1) AS cell_id,
                  coalesce(ic.city_code, hc.city_code) AS infected_city,
                  ${tsOrNull('i.infected')} AS infected_ts, ${tsOrNull('i.infectious')} AS infectious_ts,
                  ${tsOrNull('i.onset')} AS onset_ts, ${tsOrNull('i.removed')} AS removed_ts,
                  ${tsOrNull('i.report')} AS report_ts,
                  ${tsOrNull('i.confirmed')} AS confirmed_ts, i.died,
                  l.case_ref, l.status AS listed, l.city_code AS reported_city,
                  coalesce(coalesce(ic.city_code, hc.city_code) = ${quotedString(epicentre)}
                           AND l.city_code <> ${quotedString(epicentre)}, false) AS exported
           FROM infections i JOIN persons p USING (person) JOIN counties hc ON hc.county = p.county
           LEFT JOIN cellmap m ON m.cell_id = i.cell_id LEFT JOIN counties ic ON ic.county = m.county
           LEFT JOIN listed l USING (person)
           ORDER BY i.infected, i.person) TO ${out('truth/infections.parquet')} (FORMAT parquet)`,
  );
  await db.run(
    `COPY (SELECT case_person, person, minutes, ${ts('first_s')} AS first_ts, ${ts('last_s')} AS last_ts, relation
           FROM contacts ORDER BY case_person, person) TO ${out('truth/contacts.parquet')} (FORMAT parquet)`,
  );
  // What a health authority hands over: phone numbers, not IMSIs; onset and confirmation dates, where reported.
  await db.run(
    `COPY (SELECT case_ref, phone, status, onset_ts::DATE AS onset_date, confirmed_ts::DATE AS confirmed_date,
                  county_code, city_code FROM listed ORDER BY case_ref)
     TO ${out('cases.csv')} (FORMAT csv, HEADER true)`,
  );
  // The operator's number registry, so a case's phone can be mapped to the IMSI in its records.
  await db.run(
    `COPY (SELECT ${rawIdSql('person')} AS imsi, ${phoneSql('person')} AS msisdn FROM persons WHERE subscriber
           ORDER BY imsi) TO ${out('numbers.csv')} (FORMAT csv, HEADER true)`,
  );
}
