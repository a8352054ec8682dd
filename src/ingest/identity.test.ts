import { appendFileSync, existsSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import type { Workspace } from '../workspace.ts';
import type { FileSummary } from './ingest.ts';
import { ingest } from './ingest.ts';
import { keyFingerprint } from './keys.ts';
import {
  csvOf,
  freshWorkspace,
  ndjsonOf,
  partitionRows,
  quarantineRows,
  TEST_KEY,
  writeText,
} from './testing.ts';
import type { Rec } from './testing.ts';

/** n records over two days, 40 users, two cells; no duplicates among them. */
function records(n: number): Rec[] {
  return Array.from({ length: n }, (_, i) => [
    `u${i % 40}`,
    `2020-01-${16 + (i % 2)} ${String(Math.floor(i / 120) % 24).padStart(2, '0')}:${String(Math.floor(i / 2) % 60).padStart(2, '0')}:00`,
    String(1 + (i % 2)),
  ]);
}

async function logCount(ws: Workspace): Promise<number> {
  const db = await ws.openDuck({ readOnly: true });
  try {
    return (await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ingest_log`))!.n;
  } finally {
    db.close();
  }
}

const staged = (ws: Workspace) => readdirSync(ws.tmpDir).filter((n) => n.startsWith('ingest-'));

describe('an input that changes while it is ingested', () => {
  it.each([
    ['truncated', (f: string, full: string) => truncateSync(f, Math.floor(full.length / 2))],
    ['appended to', (f: string) => appendFileSync(f, 'u1,2020-01-16 23:59:00,1\n')],
  ])('is refused whole when %s, and the complete file then ingests completely', async (_what, change) => {
    const { dir, ws, cells } = freshWorkspace('changed');
    const recs = records(2000);
    const full = csvOf(recs);
    const file = writeText(join(dir, 'feed.csv'), full);
    const err = await ingest(
      ws,
      { inputs: [file], cells, key: TEST_KEY },
      { afterRead: () => change(file, full) },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(
      /^feed\.csv changed while it was being ingested \((size \d+ -> \d+ bytes)\): nothing from it was stored/,
    );
    // Nothing committed, nothing staged, no partition.
    expect(await logCount(ws)).toBe(0);
    expect(await quarantineRows(ws)).toEqual([]);
    expect(await partitionRows(ws)).toEqual([]);
    expect(staged(ws)).toEqual([]);

    writeFileSync(file, full);
    const [s] = (await ingest(ws, { inputs: [file], key: TEST_KEY })) as [FileSummary];
    expect(s.skipped).toBe(false);
    expect([s.read, s.accepted, s.quarantined]).toEqual([recs.length, recs.length, 0]);
    expect((await partitionRows(ws)).length).toBe(recs.length);
  });

  it('is refused when rewritten in place with other bytes of the same size', async () => {
    const { dir, ws, cells } = freshWorkspace('changed');
    const full = csvOf(records(300));
    const file = writeText(join(dir, 'feed.csv'), full);
    const swap = () => {
      const b = readFileSync(file);
      writeFileSync(file, Buffer.from(b.toString('utf8').replace('u7,', 'u8,')));
    };
    await expect(ingest(ws, { inputs: [file], cells, key: TEST_KEY }, { afterRead: swap })).rejects.toThrow(
      /feed\.csv changed while it was being ingested \((modified|content changed)\)/,
    );
    expect(await logCount(ws)).toBe(0);
  });
});

describe('the same records sent again in another encoding', () => {
  it('adds 0 rows as gzip, with CRLF, in reverse order or as NDJSON', async () => {
    const { dir, ws, cells } = freshWorkspace('reencoded');
    const recs = records(1000);
    const plain = csvOf(recs);
    const files = [
      writeText(join(dir, 'a.csv'), plain),
      writeText(join(dir, 'b.csv.gz'), plain),
      writeText(join(dir, 'c.csv'), plain.replace(/\n/g, '\r\n')),
      writeText(join(dir, 'd.csv'), csvOf([...recs].reverse())),
      writeText(join(dir, 'e.ndjson'), ndjsonOf(recs)),
    ];
    const [first, ...again] = (await ingest(ws, { inputs: files, cells, key: TEST_KEY })) as FileSummary[];
    expect([first!.read, first!.accepted]).toEqual([1000, 1000]);
    for (const s of again) {
      expect([s.file, s.skipped, s.read, s.accepted, s.quarantined]).toEqual([s.file, false, 1000, 0, 1000]);
      expect(s.reasons).toEqual({ 'duplicate of stored record': 1000 });
    }
    expect((await partitionRows(ws)).length).toBe(1000);
    const q = await quarantineRows(ws);
    expect(q.length).toBe(4000);
    expect(new Set(q.map((r) => r.reason))).toEqual(new Set(['duplicate of stored record']));
  });

  it('keeps the records of another file that are new and drops only the stored ones', async () => {
    const { dir, ws, cells } = freshWorkspace('reencoded');
    const recs = records(600);
    await ingest(ws, {
      inputs: [writeText(join(dir, 'a.csv'), csvOf(recs.slice(0, 400)))],
      cells,
      key: TEST_KEY,
    });
    const [s] = (await ingest(ws, {
      inputs: [writeText(join(dir, 'b.ndjson'), ndjsonOf([...recs.slice(200), recs[599]!]))],
      key: TEST_KEY,
    })) as [FileSummary];
    expect([s.read, s.accepted, s.quarantined]).toEqual([401, 200, 201]);
    expect(s.reasons).toEqual({ 'duplicate of stored record': 200, 'duplicate record': 1 });
    expect((await partitionRows(ws)).length).toBe(600);
  });
});

describe('the pseudonymisation key', () => {
  it('is remembered by its fingerprint and another key is refused, nothing written', async () => {
    const { dir, ws, cells } = freshWorkspace('key');
    const a = writeText(join(dir, 'a.csv'), csvOf(records(50)));
    await ingest(ws, { inputs: [a], cells, key: TEST_KEY });
    const other = Buffer.from('o'.repeat(40));
    const b = writeText(join(dir, 'b.csv'), csvOf(records(80)));
    const err = (await ingest(ws, { inputs: [b], key: other }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe(
      `this workspace was pseudonymised with another key (fingerprint ${keyFingerprint(TEST_KEY).slice(0, 8)}..., ` +
        `this key ${keyFingerprint(other).slice(0, 8)}...): use the workspace's key; pseudonyms from two keys never match`,
    );
    expect(await logCount(ws)).toBe(1);
    expect((await partitionRows(ws)).length).toBe(50);
    // The key itself is nowhere in the workspace.
    const db = await ws.openDuck({ readOnly: true });
    const fp = await db.all<{ fingerprint: string }>(`SELECT fingerprint FROM key_fingerprint`);
    db.close();
    expect(fp).toEqual([{ fingerprint: keyFingerprint(TEST_KEY) }]);
    expect(readFileSync(ws.duckPath).includes(TEST_KEY)).toBe(false);
    expect(existsSync(ws.infoPath) && readFileSync(ws.infoPath, 'utf8').includes(TEST_KEY.toString())).toBe(
      false,
    );
  });
});

describe('GPS points sent again', () => {
  it('adds 0 records and 0 kept points', async () => {
    const { dir, ws, cells } = freshWorkspace('points-again');
    const feed = [
      'imsi;t;ci;x;y',
      'u1;2020-01-16 08:00:00;;114.301;30.601', // near cell 1: a record
      'u2;2020-01-16 08:10:00;;114.35;30.9', // far from both cells: kept as a point
      'u2;2020-01-16 08:15:00;;east;30.6',
    ].join('\n');
    const o = {
      key: TEST_KEY,
      keepPoints: true,
      columns: { id: 'imsi', time: 't', cell: 'ci', lon: 'x', lat: 'y' },
    };
    const a = writeText(join(dir, 'a.csv'), feed + '\n');
    const b = writeText(join(dir, 'b.csv.gz'), feed.replace(/\n/g, '\r\n') + '\r\n');
    const [s1, s2] = (await ingest(ws, { ...o, inputs: [a, b], cells })) as FileSummary[];
    expect([s1!.accepted, s1!.points]).toEqual([2, 1]);
    expect([s2!.read, s2!.accepted, s2!.points, s2!.quarantined]).toEqual([3, 0, 0, 3]);
    expect(s2!.reasons).toEqual({ 'duplicate of stored record': 2, 'unparsable point': 1 });
  });
});
