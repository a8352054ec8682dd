import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Duck, quotedString } from '../db/duck.ts';
import { tempDir } from '../testing/fixture.ts';
import { builtinGeo } from './cities.ts';
import { generate } from './generate.ts';
import { defaultParams } from './params.ts';
import { RecordPool } from './record-pool.ts';
import type { RecordsJob } from './records.ts';

// Small, but with every kind of bad row and duplicates so a lost or doubled row shows.
const small = { ...defaultParams, people: 1200, start: '2020-01-16', days: 2, seed: 5 };
const TRUTH = [
  'truth/stays.parquet',
  'truth/persons.parquet',
  'truth/journeys.parquet',
  'truth/infections.parquet',
  'truth/case_list.parquet',
  'truth/contacts.parquet',
  'cases.csv',
  'numbers.csv',
  'cells.csv',
];

describe('synthetic generator on worker threads', () => {
  it('writes the same records (as a multiset) and the same truth files with 1, 2 and 3 threads', async () => {
    const dirs = [1, 2, 3].map((t) => ({ t, dir: tempDir(`synth-threads-${t}`) }));
    const runs = [];
    for (const { t, dir } of dirs) runs.push(await generate(builtinGeo(), small, dir, { threads: t }));
    expect(runs.map((s) => s.recordFiles.length)).toEqual([1, 2, 3]);
    const db = await Duck.open({ path: ':memory:' });
    // Each row tagged with its occurrence number, so EXCEPT ALL compares multisets (duplicates included).
    const rows = (dir: string): string =>
      `SELECT *, row_number() OVER (PARTITION BY raw_id, ts, cell_id, event) AS k
       FROM read_parquet(${quotedString(join(dir, 'records', '*.parquet'))})`;
    const [one, ...others] = dirs;
    for (const { dir } of others) {
      const d = await db.one<{ a: number; b: number; n: number }>(
        `SELECT (SELECT count(*) FROM (${rows(one!.dir)} EXCEPT ALL ${rows(dir)}))::INTEGER AS a,
                (SELECT count(*) FROM (${rows(dir)} EXCEPT ALL ${rows(one!.dir)}))::INTEGER AS b,
                (SELECT count(*) FROM (${rows(dir)}))::INTEGER AS n`,
      );
      expect(d).toEqual({ a: 0, b: 0, n: runs[0]!.records });
      for (const f of TRUTH) {
        expect(readFileSync(join(one!.dir, f)).equals(readFileSync(join(dir, f))), f).toBe(true);
      }
    }
    db.close();
    const counts = runs.map((s) => ({ ...s, recordFiles: undefined, outDir: undefined }));
    expect(runs[0]!.duplicates).toBeGreaterThan(0);
    expect(Object.keys(runs[0]!.malformed)).toHaveLength(3);
    expect(counts[1]).toEqual(counts[0]);
    expect(counts[2]).toEqual(counts[0]);
  });

  it('reports a worker that fails instead of waiting for it', async () => {
    const job = (slice: number): RecordsJob => ({
      slice,
      q0: 0,
      first: Int32Array.from([0, 1]),
      cell: Int32Array.from([1]),
      start: Int32Array.from([0]),
      end: Int32Array.from([600]),
      transit: Uint8Array.from([0]),
      subscriber: Uint8Array.from([1]),
      neighbour: Int32Array.from([0, 0]),
      params: small,
      t0: 0,
      format: 'parquet',
      // No such folder: the worker's COPY fails.
      outDir: join(tempDir('synth-threads-bad'), 'missing'),
    });
    const pool = new RecordPool(2);
    try {
      await expect(pool.run([job(0), job(1)], () => {})).rejects.toThrow(/missing/);
    } finally {
      await pool.close();
    }
  });
});
