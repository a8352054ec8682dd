import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FileSummary } from './ingest.ts';
import { ingest } from './ingest.ts';
import { pseudonym } from './pseudonymise.ts';
import {
  csvOf,
  freshWorkspace,
  ndjsonOf,
  partitionRows,
  quarantineRows,
  TEST_KEY,
  writeParquet,
} from './testing.ts';
import type { Rec } from './testing.ts';
import { writeText } from './testing.ts';

// One valid row between each kind of bad row, so we can see that neighbours survive.
// A string stands for a malformed line (text formats only).
type Row = { rec: Rec | { csv: string; ndjson: string }; expect: string };
const ROWS: Row[] = [
  { rec: ['sub-A', '2020-01-16 08:00:00', '1'], expect: 'ok' },
  { rec: [null, '2020-01-16 08:05:00', '1'], expect: 'missing id' },
  { rec: ['sub-A', '2020-01-16 08:10:00', '2'], expect: 'ok' },
  { rec: ['sub-B', 'yesterday-ish', '1'], expect: 'unparsable time' },
  { rec: ['sub-B', '2020-01-16 09:00:00', '1'], expect: 'ok' },
  { rec: ['sub-B', '2020-01-19 09:00:00', '1'], expect: 'time outside declared range' },
  { rec: ['sub-C', '2020-01-17 10:00:00', '2'], expect: 'ok' },
  { rec: ['sub-C', '2020-01-17 10:30:00', '99'], expect: 'unknown cell' },
  { rec: ['sub-C', '2020-01-17 11:00:00', '1'], expect: 'ok' },
  { rec: ['sub-C', '2020-01-17 11:00:00', '1'], expect: 'duplicate record' },
  {
    rec: { csv: 'sub-D,2020-01-17 12:00:00', ndjson: '{"raw_id": "sub-D", "ts": "2020-01' },
    expect: 'malformed line',
  },
  { rec: ['sub-D', '2020-01-17 12:30:00', '2'], expect: 'ok' },
  { rec: ['   ', '2020-01-17 12:40:00', '2'], expect: 'missing id' },
  { rec: { csv: 'sub-E,"2020-01-17 13:00:00,1', ndjson: '[1, 2, 3]' }, expect: 'malformed line' },
  { rec: ['sub-E', '2020-01-17T05:10:00Z', '1'], expect: 'ok' },
];

interface Case {
  name: string;
  /** Line (or row) number of the first record. */
  first: number;
  malformed: boolean;
  write(dir: string, rows: Row[]): Promise<string>;
}

const lineOf = (r: Row, kind: 'csv' | 'ndjson') => (Array.isArray(r.rec) ? r.rec : r.rec[kind]);

// The same suite over every input format (house style 5).
const CASES: Case[] = [
  {
    name: 'csv',
    first: 2,
    malformed: true,
    write: async (d, rows) => writeText(join(d, 'r.csv'), csvOf(rows.map((r) => lineOf(r, 'csv')))),
  },
  {
    name: 'csv.gz',
    first: 2,
    malformed: true,
    write: async (d, rows) => writeText(join(d, 'r.csv.gz'), csvOf(rows.map((r) => lineOf(r, 'csv')))),
  },
  {
    name: 'ndjson',
    first: 1,
    malformed: true,
    write: async (d, rows) => writeText(join(d, 'r.ndjson'), ndjsonOf(rows.map((r) => lineOf(r, 'ndjson')))),
  },
  {
    name: 'ndjson.gz',
    first: 1,
    malformed: true,
    write: async (d, rows) =>
      writeText(join(d, 'r.jsonl.gz'), ndjsonOf(rows.map((r) => lineOf(r, 'ndjson')))),
  },
  {
    name: 'parquet',
    first: 1,
    malformed: false,
    write: async (d, rows) => {
      const path = join(d, 'r.parquet');
      await writeParquet(
        path,
        rows.map((r) => r.rec as Rec),
      );
      return path;
    },
  },
];

describe.each(CASES)('ingest of $name', (c) => {
  const rows = ROWS.filter((r) => c.malformed || Array.isArray(r.rec));
  let s: FileSummary;
  let ctx: ReturnType<typeof freshWorkspace>;
  beforeAll(async () => {
    ctx = freshWorkspace(`fmt-${c.name}`);
    const file = await c.write(ctx.dir, rows);
    [s] = (await ingest(ctx.ws, {
      inputs: [file],
      cells: ctx.cells,
      key: TEST_KEY,
      from: '2020-01-16',
      to: '2020-01-17',
    })) as [FileSummary];
  });

  it('gives each bad row its reason and keeps the valid rows around them', async () => {
    const expected: Record<string, number> = {};
    for (const r of rows) if (r.expect !== 'ok') expected[r.expect] = (expected[r.expect] ?? 0) + 1;
    expect(s.read).toBe(rows.length);
    expect(s.accepted + s.quarantined).toBe(s.read);
    expect(s.accepted).toBe(rows.filter((r) => r.expect === 'ok').length);
    expect(s.reasons).toEqual(expected);
    expect(s.days).toEqual(['2020-01-16', '2020-01-17']);
    const q = await quarantineRows(ctx.ws);
    expect(q.map((r) => [r.row_no, r.reason])).toEqual(
      rows.flatMap((r, i) => (r.expect === 'ok' ? [] : [[i + c.first, r.expect]])),
    );
  });

  it('writes pseudonymised, sorted day partitions and never a raw identifier', async () => {
    const kept = await partitionRows(ctx.ws);
    const ok = rows.filter((r) => r.expect === 'ok').map((r) => r.rec as Rec);
    expect(kept.map((k) => k.ts).sort()).toEqual(
      ok.map((r) => (r[1].endsWith('Z') ? '2020-01-17 13:10:00' : r[1])).sort(),
    );
    expect(new Set(kept.map((k) => k.user_id))).toEqual(new Set(ok.map((r) => pseudonym(TEST_KEY, r[0]!))));
    for (const f of new Set(kept.map((k) => k.file))) {
      const inFile = kept.filter((k) => k.file === f).map((k) => `${k.user_id} ${k.ts}`);
      expect(inFile).toEqual([...inFile].sort());
    }
    const q = await quarantineRows(ctx.ws);
    const text = JSON.stringify(q) + JSON.stringify(kept);
    for (const id of ['sub-A', 'sub-B', 'sub-C', 'sub-D', 'sub-E']) expect(text).not.toContain(id);
    // The quarantine keeps the line, its identifier replaced by the pseudonym.
    const bad = q.find((r) => r.reason === 'unparsable time')!;
    expect(bad.original).toContain('yesterday-ish');
    expect(bad.original).toContain(pseudonym(TEST_KEY, 'sub-B'));
  });
});
