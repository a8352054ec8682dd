import { join } from 'node:path';
import { Duck, quotedString } from '../db/duck.ts';
import type { TruthStay } from './truth.ts';

/** Reads truth/stays.parquet of a synth folder; `subscribersOnly` keeps the people the records show. */
export async function readTruthStays(synthDir: string, subscribersOnly: boolean): Promise<TruthStay[]> {
  const db = await Duck.open({ path: ':memory:', memoryLimit: '1GB' });
  try {
    const rows = await db.all<{
      person: number;
      cell: number;
      city: string;
      county: string;
      province: string;
      start_ts: Date;
      end_ts: Date;
    }>(
      `SELECT s.person, s.cell_id AS cell, s.city_code AS city, s.county_code AS county, s.province_code AS province, s.start_ts, s.end_ts
       FROM read_parquet(${quotedString(join(synthDir, 'truth/stays.parquet'))}) s
       JOIN read_parquet(${quotedString(join(synthDir, 'truth/persons.parquet'))}) p USING (person)
       WHERE p.subscriber OR NOT $1`,
      [subscribersOnly],
    );
    return rows.map((r) => ({
      person: r.person,
      cell: r.cell,
      city: r.city,
      county: r.county,
      province: r.province,
      start: r.start_ts.getTime(),
      end: r.end_ts.getTime(),
    }));
  } finally {
    db.close();
  }
}
