import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Duck, quotedString } from '../db/duck.ts';
import { ingest } from '../ingest/ingest.ts';
import { tempDir } from '../testing/fixture.ts';
import { Workspace } from '../workspace.ts';
import { runPipeline } from './run.ts';
import { DEFAULT_STAY_OPTIONS } from './stays.ts';

const KEY = Buffer.from('s'.repeat(40));

/** One user's records as [time, cell], ingested into a fresh workspace of three Wuhan cells. */
async function workspaceWith(records: [string, number][]): Promise<Workspace> {
  const dir = tempDir('stays');
  const cells = join(dir, 'cells.csv');
  writeFileSync(cells, 'cell_id,lon,lat\n1,114.30,30.60\n2,114.31,30.60\n3,114.32,30.60\n');
  const file = join(dir, 'records.parquet');
  const db = await Duck.open({ path: ':memory:' });
  const values = records.map(([t, c]) => `('u1', ${quotedString(t)}::TIMESTAMP, ${c})`).join(', ');
  await db.run(
    `COPY (SELECT * FROM (VALUES ${values}) v(raw_id, ts, cell_id)) TO ${quotedString(file)} (FORMAT parquet)`,
  );
  db.close();
  const ws = new Workspace(join(dir, 'ws'));
  ws.create({ synthetic: true, description: 'test' });
  await ingest(ws, { inputs: [file], cells, key: KEY });
  return ws;
}

async function stays(ws: Workspace): Promise<[number, string, string, number][]> {
  const db = await ws.openDuck({ readOnly: true });
  const rows = await db.all<{ cell_id: number; s: string; e: string; n: number }>(
    `SELECT cell_id, strftime(start_ts, '%d %H:%M') AS s, strftime(end_ts, '%d %H:%M') AS e, n_records AS n
     FROM (SELECT cell_id, start_ts, end_ts, n_records FROM stays UNION ALL
           SELECT cell_id, start_ts, end_ts, n_records FROM open_stays) ORDER BY start_ts`,
  );
  db.close();
  return rows.map((r) => [r.cell_id, r.s, r.e, r.n]);
}

describe('stays step', () => {
  it('absorbs a ping-pong flip into the stay around it, and keeps a real visit', async () => {
    const ws = await workspaceWith([
      ['2020-01-16 08:00', 1],
      ['2020-01-16 08:30', 2], // one record at the neighbour, back within minutes: ping-pong
      ['2020-01-16 08:35', 1],
      ['2020-01-16 09:00', 1],
      ['2020-01-16 09:10', 2], // a real visit: 40 minutes, 3 records
      ['2020-01-16 09:30', 2],
      ['2020-01-16 09:50', 2],
      ['2020-01-16 10:00', 1],
    ]);
    await runPipeline(ws);
    expect(await stays(ws)).toEqual([
      [1, '16 08:00', '16 09:00', 4],
      [2, '16 09:10', '16 09:50', 3],
      [1, '16 10:00', '16 10:00', 1],
    ]);
  });

  it('carries a stay across midnight into the next day, keeping its start and count', async () => {
    const ws = await workspaceWith([
      ['2020-01-16 22:00', 1],
      ['2020-01-16 23:30', 1],
      ['2020-01-17 02:00', 1],
      ['2020-01-17 07:00', 1],
      ['2020-01-17 08:00', 3],
      ['2020-01-17 09:00', 3],
    ]);
    const r = await runPipeline(ws);
    expect(r.days).toEqual(['2020-01-16', '2020-01-17']);
    expect(await stays(ws)).toEqual([
      [1, '16 22:00', '17 07:00', 4],
      [3, '17 08:00', '17 09:00', 2],
    ]);
  });

  it('drops stays shorter than the minimum, but never the last one', async () => {
    const records: [string, number][] = [
      ['2020-01-16 08:00', 1],
      ['2020-01-16 09:00', 1],
      ['2020-01-16 09:20', 3], // passing through for a moment
      ['2020-01-16 09:40', 2],
      ['2020-01-16 11:00', 2],
      ['2020-01-16 11:30', 3], // the last one: may still grow
    ];
    const ws = await workspaceWith(records);
    await runPipeline(ws, { stay: { ...DEFAULT_STAY_OPTIONS, minStayMinutes: 10 } });
    expect((await stays(ws)).map((s) => s[0])).toEqual([1, 2, 3]);
    await runPipeline(ws, { rebuild: true });
    expect((await stays(ws)).map((s) => s[0])).toEqual([1, 3, 2, 3]);
  });
});
