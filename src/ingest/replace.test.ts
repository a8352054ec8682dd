import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { runPipeline } from '../pipeline/run.ts';
import type { Workspace } from '../workspace.ts';
import { startStaging } from './commit.ts';
import type { FileSummary } from './ingest.ts';
import { ingest } from './ingest.ts';
import { csvOf, freshWorkspace, partitionRows, quarantineRows, TEST_KEY, writeText } from './testing.ts';

const clock = () => new Date('2020-02-01T00:00:00Z');

// Zone-less times meant as UTC, and one from an archive older than the default window.
const RECS = csvOf([
  ['u1', '2020-01-16 20:00:00', '1'], // UTC: 2020-01-17 04:00 on the record clock
  ['u2', '2020-01-17 10:00:00', '2'],
  ['u3', '1999-06-01 10:00:00', '1'],
  ['u4', '2020-01-17T02:00:00Z', '1'], // has a zone: the same under both readings
]);

async function log(ws: Workspace) {
  const db = await ws.openDuck({ readOnly: true });
  try {
    return await db.all<{ accepted: number; quarantined: number; days: string[] }>(
      `SELECT accepted::INTEGER AS accepted, quarantined::INTEGER AS quarantined, days FROM ingest_log`,
    );
  } finally {
    db.close();
  }
}

const dayDirs = (ws: Workspace) => readdirSync(ws.rawDir).sort();

describe('ingest --replace', () => {
  it('re-ingests a file with corrected options, replacing its rows, quarantine and days at once', async () => {
    const { dir, ws, cells } = freshWorkspace('replace');
    const file = writeText(join(dir, 'feed.csv'), RECS);
    const [first] = (await ingest(ws, { inputs: [file], cells, key: TEST_KEY }, { clock })) as [FileSummary];
    expect([first.accepted, first.quarantined, first.days]).toEqual([3, 1, ['2020-01-16', '2020-01-17']]);
    expect(first.reasons).toEqual({ 'time outside plausible window': 1 });
    await runPipeline(ws);

    const lines: string[] = [];
    const [again] = (await ingest(
      ws,
      { inputs: [file], key: TEST_KEY, timezone: 'UTC', earliest: '1990-01-01', replace: true },
      { clock, log: (l) => lines.push(l) },
    )) as [FileSummary];
    expect(lines[0]).toBe(
      'feed.csv: replacing its earlier contribution (as feed.csv: 3 accepted, 1 quarantined)',
    );
    expect([again.skipped, again.read, again.accepted, again.quarantined]).toEqual([false, 4, 4, 0]);
    expect(again.days).toEqual(['1999-06-01', '2020-01-17']);
    expect(await log(ws)).toEqual([{ accepted: 4, quarantined: 0, days: ['1999-06-01', '2020-01-17'] }]);
    expect(await quarantineRows(ws)).toEqual([]);
    expect(dayDirs(ws)).toEqual(['date=1999-06-01', 'date=2020-01-17']);
    expect((await partitionRows(ws)).map((r) => r.ts).sort()).toEqual([
      '1999-06-01 18:00:00',
      '2020-01-17 04:00:00',
      '2020-01-17 10:00:00',
      '2020-01-17 18:00:00',
    ]);
    expect(readdirSync(ws.tmpDir)).toEqual([]);
    // Days already run changed: the pipeline says so instead of keeping stale results.
    await expect(runPipeline(ws)).rejects.toThrow(
      /2 day\(s\) already run changed since \(2020-01-16 \.\. 2020-01-17/,
    );
    await runPipeline(ws, { rebuild: true });
  });

  it('leaves the earlier contribution whole when the replacement fails or is killed before its commit', async () => {
    const { dir, ws, cells } = freshWorkspace('replace');
    const file = writeText(join(dir, 'feed.csv'), RECS);
    const [first] = (await ingest(ws, { inputs: [file], cells, key: TEST_KEY }, { clock })) as [FileSummary];
    const before = { log: await log(ws), q: await quarantineRows(ws), rows: await partitionRows(ws) };
    const boom = () => {
      throw new UserError('simulated failure before the commit');
    };
    await expect(
      ingest(
        ws,
        { inputs: [file], key: TEST_KEY, timezone: 'UTC', replace: true },
        { clock, afterRead: boom },
      ),
    ).rejects.toThrow(/simulated failure/);
    expect({ log: await log(ws), q: await quarantineRows(ws), rows: await partitionRows(ws) }).toEqual(
      before,
    );
    expect(readdirSync(ws.tmpDir)).toEqual([]);

    // A replacement killed before its commit leaves a staging folder of another attempt behind:
    // the next ingest discards it rather than mistaking it for the committed input's.
    const staging = startStaging(ws, first.contentHash, 'killed-attempt');
    writeFileSync(join(staging, 'records-2020-01-16.parquet'), 'not what was committed');
    const lines: string[] = [];
    await ingest(ws, { inputs: [file], key: TEST_KEY }, { clock, log: (l) => lines.push(l) });
    expect(lines[0]).toBe(`discarded the unfinished partitions of input ${first.contentHash.slice(0, 16)}`);
    expect(existsSync(staging)).toBe(false);
    expect({ log: await log(ws), q: await quarantineRows(ws), rows: await partitionRows(ws) }).toEqual(
      before,
    );
  });
});
