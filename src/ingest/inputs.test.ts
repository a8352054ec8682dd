import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { ingest } from './ingest.ts';
import { expandInputs, formatOf } from './inputs.ts';
import { loadMapping, parseColumns, resolveColumns } from './mapping.ts';
import { csvOf, freshWorkspace, ndjsonOf, partitionRows, TEST_KEY, writeText } from './testing.ts';
import type { Rec } from './testing.ts';

const day = (h: number, id = 'sub-A'): Rec => [id, `2020-01-16 ${String(h).padStart(2, '0')}:00:00`, '1'];

describe('inputs', () => {
  it('expands a folder and a glob into sorted files, each with its own summary and hash', async () => {
    const { dir, ws, cells } = freshWorkspace('inputs-glob');
    const feed = join(dir, 'feed');
    mkdirSync(feed);
    writeText(join(feed, 'b.csv'), csvOf([day(1), day(2)]));
    writeText(join(feed, 'a.ndjson.gz'), ndjsonOf([day(3)]));
    writeFileSync(join(feed, 'notes.md'), 'not records');
    const files = await expandInputs([feed, join(dir, 'feed', '*.csv')], { spoolDir: ws.tmpDir });
    expect(files.map((f) => [f.name, f.format, f.gzip])).toEqual([
      ['a.ndjson.gz', 'ndjson', true],
      ['b.csv', 'csv', false],
    ]);
    const s = await ingest(ws, { inputs: [feed], cells, key: TEST_KEY });
    expect(s.map((x) => [x.file, x.read, x.accepted])).toEqual([
      ['a.ndjson.gz', 1, 1],
      ['b.csv', 2, 2],
    ]);
    expect(new Set(s.map((x) => x.contentHash)).size).toBe(2);
    // The same bytes under another name are recognised and add nothing.
    copyFileSync(join(feed, 'b.csv'), join(dir, 'b-again.csv'));
    const [again] = await ingest(ws, { inputs: [join(dir, 'b-again.csv')], key: TEST_KEY });
    expect(again!.skipped).toBe(true);
    expect(await partitionRows(ws)).toHaveLength(3);
  });

  it('reads NDJSON from standard input (gzip too), spooled under tmp/ and removed afterwards', async () => {
    const { ws, cells } = freshWorkspace('inputs-stdin');
    const text = ndjsonOf([day(1), day(2), '{broken']);
    const [s] = await ingest(ws, { inputs: ['-'], cells, key: TEST_KEY }, { stdin: Readable.from([text]) });
    expect([s!.file, s!.read, s!.accepted, s!.reasons]).toEqual(['stdin', 3, 2, { 'malformed line': 1 }]);
    const [z] = await ingest(
      ws,
      { inputs: ['-'], key: TEST_KEY },
      { stdin: Readable.from([gzipSync(text)]) },
    );
    expect(z!.skipped).toBe(false); // other bytes, so another input, with the same rows again
    expect(readdirSync(ws.tmpDir).filter((n) => n.startsWith('stdin-'))).toEqual([]);
  });

  it('rejects what it cannot read with one clear line', async () => {
    const { dir, ws } = freshWorkspace('inputs-bad');
    writeFileSync(join(dir, 'records.xlsx'), 'x');
    const o = { spoolDir: ws.tmpDir };
    await expect(expandInputs([join(dir, 'records.xlsx')], o)).rejects.toThrow(/--format/);
    await expect(expandInputs([join(dir, 'none-*.csv')], o)).rejects.toThrow(/no file matches/);
    await expect(expandInputs([join(dir, 'missing.csv')], o)).rejects.toThrow(/cannot read input file/);
    writeFileSync(join(dir, 'r.parquet.gz'), gzipSync('x'));
    await expect(expandInputs([join(dir, 'r.parquet.gz')], o)).rejects.toThrow(UserError);
    expect(formatOf('x/records.JSONL.gz')).toBe('ndjson');
  });
});

describe('column mapping', () => {
  it('parses --columns and checks names against the header, case-insensitively', () => {
    expect(parseColumns('id=msisdn, time=event_time,cell=ci')).toEqual({
      id: 'msisdn',
      time: 'event_time',
      cell: 'ci',
    });
    expect(() => parseColumns('user=msisdn')).toThrow(UserError);
    expect(resolveColumns({ id: 'MSISDN' }, ['msisdn', 'ts', 'cell_id', 'event'], 'f.csv')).toEqual({
      id: 'msisdn',
      time: 'ts',
      cell: 'cell_id',
      event: 'event',
    });
    expect(() => resolveColumns({ id: 'imsi' }, ['msisdn', 'ts', 'cell_id'], 'f.csv')).toThrow(
      /no column 'imsi' \(mapped to id\); its columns are msisdn, ts, cell_id/,
    );
    expect(() => resolveColumns({}, ['msisdn', 'ts'], 'f.csv')).toThrow(/no id column/);
  });

  it('reads a JSON mapping file and names what is wrong in it', () => {
    const { dir } = freshWorkspace('mapping');
    const good = join(dir, 'feed.json');
    writeFileSync(good, JSON.stringify({ columns: { id: 'msisdn' }, delimiter: ';', timezone: 'UTC' }));
    expect(loadMapping(good)).toEqual({ columns: { id: 'msisdn' }, delimiter: ';', timezone: 'UTC' });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ columns: { user: 'msisdn' } }));
    expect(() => loadMapping(bad)).toThrow(/mapping file .*bad.json: columns/);
  });

  it('ingests a feed with its own names, delimiter and time zone', async () => {
    const { dir, ws, cells } = freshWorkspace('mapping-feed');
    const file = writeText(
      join(dir, 'feed.txt'),
      'MSISDN|when|ci\n13800000001|2020-01-16 00:30:00|2\n13800000001|1579135800000|1\n',
    );
    const [s] = await ingest(ws, {
      inputs: [file],
      cells,
      key: TEST_KEY,
      columns: { id: 'msisdn', time: 'when', cell: 'ci' },
      timezone: 'UTC',
    });
    expect([s!.read, s!.accepted]).toEqual([2, 2]);
    expect((await partitionRows(ws)).map((r) => [r.ts, r.cell_id])).toEqual([
      ['2020-01-16 08:30:00', 2],
      ['2020-01-16 08:50:00', 1],
    ]);
  });
});
