import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Duck, quotedString } from '../db/duck.ts';
import { uidHex } from '../db/uid.ts';
import { UserError } from '../errors.ts';
import { tempDir } from '../testing/fixture.ts';
import { Workspace } from '../workspace.ts';
import { ingest } from './ingest.ts';
import { pseudonym } from './pseudonymise.ts';

const key = Buffer.from('k'.repeat(40));
let dir: string;
let cells: string;
let file: string;

// One valid row between each kind of bad row, so we can see that neighbours survive.
const ROWS: [string | null, string, string, string][] = [
  ['sub-A', '2020-01-16 08:00:00', '1', 'ok'],
  [null, '2020-01-16 08:05:00', '1', 'missing id'],
  ['sub-A', '2020-01-16 08:10:00', '2', 'ok'],
  ['sub-B', 'yesterday-ish', '1', 'unparsable time'],
  ['sub-B', '2020-01-16 09:00:00', '1', 'ok'],
  ['sub-B', '2020-01-19 09:00:00', '1', 'time outside declared range'],
  ['sub-C', '2020-01-17 10:00:00', '2', 'ok'],
  ['sub-C', '2020-01-17 10:30:00', '99', 'unknown cell'],
  ['sub-C', '2020-01-17 11:00:00', '1', 'ok'],
  ['sub-C', '2020-01-17 11:00:00', '1', 'duplicate record'],
];

beforeAll(async () => {
  dir = tempDir('ingest');
  cells = join(dir, 'cells.csv');
  writeFileSync(
    cells,
    'cell_id,lon,lat,tech,county_code\n1,114.3,30.6,LTE,420102\n2,114.4,30.5,LTE,420102\n',
  );
  file = join(dir, 'records.parquet');
  const db = await Duck.open({ path: ':memory:' });
  const values = ROWS.map(
    ([id, ts, cell]) =>
      `(${id === null ? 'NULL' : quotedString(id)}, ${quotedString(ts)}, ${quotedString(cell)})`,
  ).join(', ');
  await db.run(
    `COPY (SELECT * FROM (VALUES ${values}) v(raw_id, ts, cell_id)) TO ${quotedString(file)} (FORMAT parquet)`,
  );
  db.close();
});

describe('ingest', () => {
  it('quarantines each kind of bad row with its reason and keeps the valid rows around it', async () => {
    const ws = new Workspace(join(dir, 'ws'));
    ws.create({ synthetic: true, description: 'test' });
    const [s] = await ingest(ws, { inputs: [file], cells, key, from: '2020-01-16', to: '2020-01-18' });
    expect(s!.read).toBe(ROWS.length);
    expect(s!.accepted + s!.quarantined).toBe(s!.read);
    expect(s!.accepted).toBe(ROWS.filter((r) => r[3] === 'ok').length);
    const expectedReasons: Record<string, number> = {};
    for (const r of ROWS) if (r[3] !== 'ok') expectedReasons[r[3]] = (expectedReasons[r[3]] ?? 0) + 1;
    expect(s!.reasons).toEqual(expectedReasons);
    expect(s!.days).toEqual(['2020-01-16', '2020-01-17']);

    const db = await ws.openDuck({ readOnly: true });
    const q = await db.all<{ row_no: number; reason: string; original: string }>(
      `SELECT row_no::INTEGER AS row_no, reason, original FROM quarantine ORDER BY row_no`,
    );
    const kept = await db.all<{ user_id: string; ts: string; cell_id: number }>(
      `SELECT ${uidHex('user_id')} AS user_id, ts::VARCHAR AS ts, cell_id FROM read_parquet(${quotedString(ws.rawDir + '/*/*.parquet')})
       ORDER BY ts`,
    );
    db.close();
    expect(q.map((r) => [r.row_no, r.reason])).toEqual(
      ROWS.flatMap((r, i) => (r[3] === 'ok' ? [] : [[i + 1, r[3]]])),
    );
    expect(q.find((r) => r.reason === 'unparsable time')?.original).toContain('yesterday-ish');
    // Raw identifiers never reach the partitions: only their keyed HMAC does.
    expect(kept.map((r) => r.user_id)).toEqual(
      ['sub-A', 'sub-A', 'sub-B', 'sub-C', 'sub-C'].map((id) => pseudonym(key, id)),
    );
    expect(kept.some((r) => r.user_id.includes('sub-'))).toBe(false);
  });

  it('adds nothing when the same file is ingested again', async () => {
    const ws = new Workspace(join(dir, 'ws-again'));
    ws.create({ synthetic: true, description: 'test' });
    await ingest(ws, { inputs: [file], cells, key });
    const [again] = await ingest(ws, { inputs: [file], key });
    expect(again!.skipped).toBe(true);
    const db = await ws.openDuck({ readOnly: true });
    const n = await db.one<{ n: number }>(
      `SELECT count(*)::INTEGER AS n FROM read_parquet(${quotedString(ws.rawDir + '/*/*.parquet')})`,
    );
    const logged = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ingest_log`);
    db.close();
    expect(n?.n).toBe(ROWS.length - 4); // no declared range here: only id, time, cell and duplicate rejections
    expect(logged?.n).toBe(1);
  });

  it('refuses a first ingest without a cell registry', async () => {
    const ws = new Workspace(join(dir, 'ws-nocells'));
    ws.create({ synthetic: true, description: 'test' });
    await expect(ingest(ws, { inputs: [file], key })).rejects.toThrow(UserError);
    await expect(ingest(ws, { inputs: [file], key })).rejects.toThrow(/--cells/);
  });
});
