import { join } from 'node:path';
import { INTEGER } from '@duckdb/node-api';
import { Duck, quotedString } from '../db/duck.ts';
import { TypedChunkWriter } from './chunks.ts';
import type { Format } from './generate.ts';
import type { ScenarioParams } from './params.ts';
import { Random } from './random.ts';
import { BAD_KINDS, EVENTS, signal } from './signalling.ts';
import type { TrueStay } from './itinerary.ts';
import { rawIdSql } from './time.ts';

/** Records per output part: bounds the staging table's memory (about 20 bytes a row). */
export const PART_ROWS = 8_000_000;

/**
 * One slice of the records pass: people [q0, q1) with their presences in the
 * CSR layout (person q0 + i owns [first[i], first[i + 1]) of cell/start/end/transit).
 * Plain data only, so it can be posted to a worker thread.
 */
export interface RecordsJob {
  /** Slice number: names its part files (part-WWKKK), so slices never collide. */
  slice: number;
  q0: number;
  first: Int32Array;
  cell: Int32Array;
  start: Int32Array;
  end: Int32Array;
  transit: Uint8Array;
  /** 1 if person q0 + i subscribes to the operator. */
  subscriber: Uint8Array;
  neighbour: Int32Array;
  params: ScenarioParams;
  /** Scenario start, epoch seconds. */
  t0: number;
  format: Format;
  outDir: string;
}

/** What one slice wrote. */
export interface RecordsResult {
  records: number;
  duplicates: number;
  subscribers: number;
  malformed: Record<string, number>;
  files: string[];
}

/** Part file `k` of slice `w`: five digits, so slice 0 names its parts as the single-thread generator always did. */
export function partName(outDir: string, w: number, k: number, format: Format): string {
  if (k > 999) throw new Error(`slice ${w} would write more than 1000 parts`);
  return join(outDir, 'records', `part-${String(w).padStart(2, '0')}${String(k).padStart(3, '0')}.${format}`);
}

/**
 * The records the operator sees for one slice of people (subscribers only),
 * written to Parquet/CSV parts through a private in-memory DuckDB with one
 * thread (the caller runs slices side by side). Each person's stream is
 * Random(seed ^ 0x51a1, q + 1), so the rows do not depend on how people are sliced.
 */
export async function writeRecords(
  job: RecordsJob,
  progress: (people: number) => void = () => {},
): Promise<RecordsResult> {
  const { params, format, t0 } = job;
  const db = await Duck.open({ path: ':memory:', memoryLimit: '1GB', threads: 1 });
  try {
    // An ENUM lookup: 2x cheaper in the COPY than indexing a VARCHAR list, and Parquet/CSV still get the text.
    await db.run(`CREATE TYPE event_name AS ENUM (${EVENTS.map((e) => quotedString(e)).join(', ')})`);
    // Three INTEGER columns, cell, event and bad-row kind packed in one (cell << 5 | ev << 2 | bad): each
    // column costs a JS-to-DuckDB copy and an append per row, so fewer columns is the cheapest win.
    if (job.neighbour.length >= 1 << 26) throw new Error('cell ids must fit in 26 bits');
    await db.run(`CREATE TABLE recs (person INTEGER, t INTEGER, code INTEGER)`);
    const files: string[] = [];
    const ts = `make_timestamp((${t0}::BIGINT + t) * 1000000)`;
    const bad = `(code & 3)`;
    const cols = `CASE WHEN ${bad} = 1 THEN NULL ELSE ${rawIdSql('person')} END AS raw_id,
        ${format === 'csv' ? `CASE WHEN ${bad} = 2 THEN 'not-a-time' ELSE strftime(${ts}, '%Y-%m-%dT%H:%M:%S') END` : `CASE WHEN ${bad} = 2 THEN NULL ELSE ${ts} END`} AS ts,
        CASE WHEN ${bad} = 3 THEN 0 ELSE code >> 5 END AS cell_id,
        enum_range(NULL::event_name)[((code >> 2) & 7) + 1] AS event`;
    const writePart = async (): Promise<void> => {
      const f = partName(job.outDir, job.slice, files.length, format);
      await db.run(
        `COPY (SELECT ${cols} FROM recs) TO ${quotedString(f)} (FORMAT ${format === 'csv' ? 'csv, HEADER true' : 'parquet'})`,
      );
      await db.run(`DELETE FROM recs`);
      files.push(f);
    };
    const recs = new TypedChunkWriter(
      await db.conn.createAppender('recs'),
      [INTEGER, INTEGER, INTEGER],
      (n) => [new Int32Array(n), new Int32Array(n), new Int32Array(n)],
    );
    const [cPerson, cT, cCode] = recs.cols as [Int32Array, Int32Array, Int32Array];
    let records = 0;
    let duplicates = 0;
    let subscribers = 0;
    const badCount = BAD_KINDS.map(() => 0);
    const n = job.subscriber.length;
    for (let i = 0; i < n; i++) {
      if (!job.subscriber[i]) continue;
      const q = job.q0 + i;
      subscribers++;
      const rng = new Random(params.seed ^ 0x51a1, q + 1);
      const mine: TrueStay[] = [];
      for (let k = job.first[i]!; k < job.first[i + 1]!; k++) {
        mine.push({
          cell: job.cell[k]!,
          start: job.start[k]!,
          end: job.end[k]!,
          transit: job.transit[k] === 1,
        });
      }
      let lastT = -1;
      let lastCell = -1;
      signal(mine, job.neighbour, params, rng, (t, cell, ev, bad) => {
        const at = recs.at;
        cPerson[at] = q;
        cT[at] = t;
        cCode[at] = (cell << 5) | (ev << 2) | bad;
        recs.done();
        records++;
        if (bad > 0) badCount[bad]!++;
        else {
          if (t === lastT && cell === lastCell) duplicates++;
          lastT = t;
          lastCell = cell;
        }
      });
      if (recs.rows + 2048 >= PART_ROWS * (files.length + 1)) {
        recs.flush();
        await writePart();
      }
      if (i % 4096 === 0) progress(i);
    }
    recs.close();
    await writePart();
    progress(n);
    const malformed: Record<string, number> = {};
    BAD_KINDS.forEach((kind, b) => {
      if (b > 0 && badCount[b]! > 0) malformed[kind] = badCount[b]!;
    });
    return { records, duplicates, subscribers, malformed, files };
  } finally {
    db.close();
  }
}
