import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Duck, quotedString } from '../db/duck.ts';
import { uidHex } from '../db/uid.ts';
import { ingest } from './ingest.ts';
import { ROW_GROUP_ROWS } from './partitions.ts';
import { pseudonym } from './pseudonymise.ts';
import { freshWorkspace, quarantineRows, TEST_KEY } from './testing.ts';

// The raw partition layout of workspace format 2 (contract of issue #15): user_id UUID holding the
// pseudonym's 128 bits, rows sorted by (user_id, ts, cell_id), row groups of at most 122,880 rows,
// every duplicate left out in the same pass and listed in the quarantine.
describe('raw partitions', () => {
  it('hold user_id as UUID equal to pseudonym(), sorted, in row groups, with copies quarantined by row number', async () => {
    const { dir, ws, cells } = freshWorkspace('layout');
    const input = join(dir, 'big.parquet');
    const n = 300_000;
    const db = await Duck.open({ path: ':memory:' });
    // 3,000 subscribers over one day, 100 records each; rows 10,000, 150,000 and 299,999 (1-based)
    // repeat the first record of their subscriber, row 200,000 is a third copy of row 1,000's record.
    await db.run(
      `COPY (WITH base AS (SELECT i, 'id-' || (i % 3000) AS raw_id,
               TIMESTAMP '2020-01-16' + to_seconds((i // 3000) * 60 + (i % 7)) AS ts, 1 + (i % 2) AS cell_id FROM range(${n}) t(i)),
             src AS (SELECT i, CASE WHEN i + 1 IN (10000, 150000, 299999) THEN i % 3000
                                    WHEN i + 1 = 200000 THEN 999 ELSE i END AS j FROM range(${n}) t(i))
             SELECT b.raw_id, b.ts::VARCHAR AS ts, b.cell_id::VARCHAR AS cell_id FROM src JOIN base b ON b.i = src.j ORDER BY src.i)
       TO ${quotedString(input)} (FORMAT parquet)`,
    );
    db.close();
    const [s] = await ingest(ws, { inputs: [input], cells, key: TEST_KEY });
    expect([s!.read, s!.accepted, s!.quarantined, s!.reasons]).toEqual([
      n,
      n - 4,
      4,
      { 'duplicate record': 4 },
    ]);
    expect((await quarantineRows(ws)).map((q) => [q.row_no, q.reason])).toEqual(
      [10000, 150000, 200000, 299999].map((r) => [r, 'duplicate record']),
    );

    const rdb = await Duck.open({ path: ':memory:' });
    const part = quotedString(join(ws.rawDir, '*', '*.parquet'));
    try {
      const [t] = await rdb.all<{ t: string }>(
        `SELECT typeof(user_id) AS t FROM read_parquet(${part}) LIMIT 1`,
      );
      expect(t!.t).toBe('UUID');
      const ids = await rdb.all<{ hex: string }>(
        `SELECT DISTINCT ${uidHex('user_id')} AS hex FROM read_parquet(${part}) ORDER BY hex`,
      );
      const want = Array.from({ length: 3000 }, (_, i) => pseudonym(TEST_KEY, `id-${i}`)).sort();
      expect(ids.map((r) => r.hex)).toEqual(want);
      // In file order every row is after the one before it by (user_id, ts, cell_id): sorted, no two equal.
      const [o] = await rdb.all<{ bad: number; rows: number }>(
        `SELECT count(*) FILTER (WHERE NOT after)::INTEGER AS bad, count(*)::INTEGER AS rows
         FROM (SELECT coalesce(k > lag(k) OVER (ORDER BY file_row_number), true) AS after
               FROM (SELECT (user_id, ts, cell_id) AS k, file_row_number FROM read_parquet(${part}, file_row_number = true)))`,
      );
      expect(o).toEqual({ bad: 0, rows: n - 4 });
      const groups = await rdb.all<{ r: number }>(
        `SELECT DISTINCT row_group_id, row_group_num_rows::INTEGER AS r FROM parquet_metadata(${part}) ORDER BY row_group_id`,
      );
      expect(groups.length).toBeGreaterThan(1);
      expect(Math.max(...groups.map((g) => g.r))).toBeLessThanOrEqual(ROW_GROUP_ROWS);
    } finally {
      rdb.close();
    }
  }, 60_000);
});
