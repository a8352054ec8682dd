import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Duck, quotedString } from '../db/duck.ts';
import { uidHex } from '../db/uid.ts';
import { ingest } from './ingest.ts';
import { haversineSql } from './nearest.ts';
import { pointsDir } from './partitions.ts';
import { pseudonym } from './pseudonymise.ts';
import { freshWorkspace, partitionRows, quarantineRows, TEST_KEY, writeText } from './testing.ts';

// Cells 1 (114.3, 30.6) and 2 (114.4, 30.5); a feed with its own column names, semicolons and GPS.
const FEED = [
  'imsi;t;ci;x;y',
  'u1;2020-01-16 08:00:00;;114.301;30.601', // 140 m from cell 1
  'u1;2020-01-16 08:05:00;;114.399;30.499', // 140 m from cell 2
  'u2;2020-01-16 08:10:00;;114.35;30.9', // 33 km from both
  'u2;2020-01-16 08:15:00;;east;30.6',
  'u3;2020-01-16 08:20:00;2;114.301;30.601', // a given cell wins over the point
  'u3;2020-01-16 08:25:00;;;',
].join('\n');

async function run(keepPoints: boolean) {
  const { dir, ws, cells } = freshWorkspace(`gps-${keepPoints}`);
  const file = writeText(join(dir, 'gps.csv'), FEED + '\n');
  const [s] = await ingest(ws, {
    inputs: [file],
    cells,
    key: TEST_KEY,
    columns: { id: 'imsi', time: 't', cell: 'ci', lon: 'x', lat: 'y' },
    keepPoints,
  });
  return { ws, s: s!, kept: await partitionRows(ws), q: await quarantineRows(ws) };
}

describe('GPS records', () => {
  it('takes the nearest registered cell within reach and quarantines the rest with a reason', async () => {
    const { s, kept, q } = await run(false);
    expect(s.read).toBe(6);
    expect(kept.map((k) => [k.user_id, k.cell_id])).toEqual(
      [
        [pseudonym(TEST_KEY, 'u1'), 1],
        [pseudonym(TEST_KEY, 'u1'), 2],
        [pseudonym(TEST_KEY, 'u3'), 2],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(q.map((r) => [r.row_no, r.reason])).toEqual([
      [4, 'no cell near point'],
      [5, 'unparsable point'],
      [7, 'unknown cell'],
    ]);
  });

  it('keeps far points as points (points/, lon/lat, no cell) with --keep-points', async () => {
    const { ws, s, q } = await run(true);
    expect(s.accepted).toBe(4);
    expect(s.points).toBe(1);
    expect(q.map((r) => r.reason)).toEqual(['unparsable point', 'unknown cell']);
    const db = await Duck.open({ path: ':memory:' });
    const pts = await db.all<{ user_id: string; lon: number; lat: number }>(
      `SELECT ${uidHex('user_id')} AS user_id, lon, lat FROM read_parquet(${quotedString(pointsDir(ws) + '/date=2020-01-16/*.parquet')})`,
    );
    db.close();
    expect(pts).toEqual([{ user_id: pseudonym(TEST_KEY, 'u2'), lon: 114.35, lat: 30.9 }]);
  });

  it('measures great-circle distance (one degree of latitude is about 111.2 km)', async () => {
    const db = await Duck.open({ path: ':memory:' });
    const [r] = await db.all<{ d: number }>(`SELECT ${haversineSql('114.0', '30.0', '114.0', '31.0')} AS d`);
    db.close();
    expect(r!.d).toBeCloseTo(111_195, -1);
  });
});
