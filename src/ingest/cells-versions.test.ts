import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { runPipeline } from '../pipeline/run.ts';
import type { Workspace } from '../workspace.ts';
import { ingest } from './ingest.ts';
import { csvOf, freshWorkspace, TEST_KEY, writeText } from './testing.ts';

async function versions(ws: Workspace) {
  const db = await ws.openDuck({ readOnly: true });
  try {
    return await db.all<{ version: number; cells: number }>(
      `SELECT version, cells FROM cells_versions ORDER BY version`,
    );
  } finally {
    db.close();
  }
}

describe('the cell registry', () => {
  it('is versioned: the same content is a no-op, other content needs --cells-update', async () => {
    const { dir, ws, cells } = freshWorkspace('cells');
    const recs = csvOf([
      ['u1', '2020-01-16 08:00:00', '1'],
      ['u1', '2020-01-16 12:00:00', '2'],
    ]);
    const a = writeText(join(dir, 'a.csv'), recs);
    await ingest(ws, { inputs: [a], cells, key: TEST_KEY });
    await runPipeline(ws);
    expect(await versions(ws)).toEqual([{ version: 1, cells: 2 }]);

    const same = join(dir, 'same-cells.csv');
    copyFileSync(cells, same);
    await ingest(ws, { inputs: [a], cells: same, key: TEST_KEY });
    expect(await versions(ws)).toEqual([{ version: 1, cells: 2 }]);

    const moved = join(dir, 'cells-v2.csv');
    writeFileSync(moved, 'cell_id,lon,lat,tech\n1,114.3,30.6,LTE\n2,114.4,30.5,LTE\n3,114.5,30.5,NR\n');
    const err = (await ingest(ws, { inputs: [a], cells: moved, key: TEST_KEY }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(
      /^cell registry .*cells-v2\.csv differs from this workspace's \(version 1\): pass --cells-update/,
    );
    expect(await versions(ws)).toEqual([{ version: 1, cells: 2 }]);
    await expect(ingest(ws, { inputs: [a], key: TEST_KEY, cellsUpdate: true })).rejects.toThrow(
      /--cells-update needs --cells FILE/,
    );

    await ingest(ws, { inputs: [a], cells: moved, cellsUpdate: true, key: TEST_KEY });
    expect(await versions(ws)).toEqual([
      { version: 1, cells: 2 },
      { version: 2, cells: 3 },
    ]);
    await expect(runPipeline(ws)).rejects.toThrow(
      /1 day\(s\) already run changed since \(2020-01-16: cell registry changed to version 2\): pass --rebuild/,
    );
    expect((await runPipeline(ws, { rebuild: true })).days).toEqual(['2020-01-16']);
  });
});
