import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Duck } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import { tempDir } from '../testing/fixture.ts';
import { Workspace } from '../workspace.ts';
import { publish, publishWorkspace, readCurrent, snapshotFile } from './publish.ts';

const open: Duck[] = [];
afterEach(() => {
  for (const d of open.splice(0)) d.close();
});

/** A workspace whose analytics database has two complete days, one incomplete, and the writer still open. */
async function writerWorkspace(): Promise<{ ws: Workspace; db: Duck }> {
  const ws = new Workspace(join(tempDir('publish'), 'ws'));
  ws.create({ synthetic: true, description: 'SYNTHETIC publish test' });
  const db = await ws.openDuck({ memoryLimit: '256MB' });
  open.push(db);
  await db.run(`CREATE TABLE pipeline_days (day DATE PRIMARY KEY, complete BOOLEAN)`);
  await db.run(
    `INSERT INTO pipeline_days VALUES ('2020-01-16', true), ('2020-01-17', true), ('2020-01-18', false)`,
  );
  await db.run(`CREATE TABLE t AS SELECT range AS v FROM range(1000)`);
  return { ws, db };
}

const at = (s: string) => () => new Date(s);

describe('publish', () => {
  it('publishes ids 1, 2 whose files open READ_ONLY beside the open writer and hold its rows', async () => {
    const { ws, db } = await writerWorkspace();
    expect(readCurrent(ws)).toBeNull();
    const m1 = await publish(ws, db, { now: at('2026-12-02T01:00:00Z'), jobId: 7 });
    expect(m1).toMatchObject({
      id: 1,
      file: '000001.duckdb',
      publishedAt: '2026-12-02T01:00:00.000Z',
      jobId: 7,
      days: { first: '2020-01-16', last: '2020-01-17', count: 2 },
      info: { synthetic: true },
    });
    // Written after the first publish and not checkpointed by hand: the second publish must carry it.
    await db.run(`INSERT INTO t VALUES (1000), (1001)`);
    await db.run(`UPDATE pipeline_days SET complete = true`);
    const m2 = await publish(ws, db, { now: at('2026-12-02T01:01:00Z') });
    expect(m2.id).toBe(2);
    expect(m2.days).toEqual({ first: '2020-01-16', last: '2020-01-18', count: 3 });
    expect(readCurrent(ws)).toEqual(m2);
    expect(m2.bytes).toBe(readFileSync(snapshotFile(ws, m2)).length);

    const reader = await Duck.open({ path: snapshotFile(ws, m2), readOnly: true, memoryLimit: '256MB' });
    open.push(reader);
    expect(await reader.one(`SELECT count(*)::INTEGER AS n, max(v)::INTEGER AS m FROM t`)).toEqual({
      n: 1002,
      m: 1001,
    });
    const old = await Duck.open({ path: snapshotFile(ws, m1), readOnly: true, memoryLimit: '256MB' });
    open.push(old);
    expect(await old.one(`SELECT count(*)::INTEGER AS n FROM t`)).toEqual({ n: 1000 });
    // READ_ONLY really: a snapshot is immutable.
    await expect(reader.run(`INSERT INTO t VALUES (1)`)).rejects.toThrow(/read-only/i);
  });

  it('leaves the previous manifest and file untouched when a step before a rename fails', async () => {
    const { ws, db } = await writerWorkspace();
    const m1 = await publish(ws, db);
    const before = readFileSync(join(ws.snapshotsDir, 'current.json'), 'utf8');
    const file1 = readFileSync(snapshotFile(ws, m1));
    await db.run(`INSERT INTO t VALUES (5000)`);
    for (const step of ['copy', 'rename', 'manifest'] as const) {
      const fault = (s: string) => {
        if (s === step) throw new Error(`injected at ${s}`);
      };
      await expect(publish(ws, db, { fault })).rejects.toThrow(`injected at ${step}`);
      expect(readFileSync(join(ws.snapshotsDir, 'current.json'), 'utf8')).toBe(before);
      expect(readFileSync(snapshotFile(ws, m1)).equals(file1)).toBe(true);
      expect(readdirSync(ws.snapshotsDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    }
    // The next publish goes on from there (a failed one may have used up an id; ids only increase).
    const next = await publish(ws, db);
    expect(next.id).toBeGreaterThan(1);
    expect(readCurrent(ws)!.id).toBe(next.id);
  });

  it('keeps the newest 3 files and removes temp files a killed publisher left', async () => {
    const { ws, db } = await writerWorkspace();
    for (let i = 0; i < 5; i++) await publish(ws, db);
    // A publisher killed between copy and rename leaves its temp file (no catch ran); its id may differ
    // from the next one's (ids come from the files present), so the copy does not simply overwrite it.
    writeFileSync(join(ws.snapshotsDir, '000042.duckdb.tmp'), 'half a copy');
    writeFileSync(join(ws.snapshotsDir, 'current.json.tmp'), '{');
    const m = await publish(ws, db);
    expect(m.id).toBe(6);
    expect(readdirSync(ws.snapshotsDir).sort()).toEqual([
      '000004.duckdb',
      '000005.duckdb',
      '000006.duckdb',
      'current.json',
    ]);
    await publish(ws, db, { keep: 1 });
    expect(readdirSync(ws.snapshotsDir).sort()).toEqual(['000007.duckdb', 'current.json']);
  });

  it('refuses a garbage, truncated or escaping current.json with a line naming the file', async () => {
    const { ws, db } = await writerWorkspace();
    await publish(ws, db);
    const path = join(ws.snapshotsDir, 'current.json');
    const good = readFileSync(path, 'utf8');
    const bad = [
      'not json',
      good.slice(0, good.length / 2),
      JSON.stringify({ ...JSON.parse(good), file: '../analytics.duckdb' }),
      JSON.stringify({ ...JSON.parse(good), file: '000002.duckdb' }),
      JSON.stringify({ ...JSON.parse(good), version: 2 }),
    ];
    for (const text of bad) {
      writeFileSync(path, text);
      let err: unknown;
      try {
        readCurrent(ws);
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(UserError);
      expect((err as Error).message).toContain(path);
    }
  });

  it('publishWorkspace refuses with the in-use line while a writer holds the workspace, also after that writer published, and publishes once it is free', async () => {
    const { ws, db } = await writerWorkspace();
    // The writer publishes first: copying analytics.duckdb must not drop its lock (Linux drops a
    // process's POSIX record locks when it closes any descriptor of the file).
    await publish(ws, db);
    // Two publishers at once cannot happen: each needs the writer lock, which DuckDB grants to one
    // process; within one process the held file refuses a second instance with a different config.
    const other = await import('node:child_process');
    const script = `import { Workspace } from './src/workspace.ts'; import { publishWorkspace } from './src/snapshot/publish.ts';
      publishWorkspace(new Workspace(${JSON.stringify(ws.root)})).then(() => console.log('published'), (e) => { console.log(e.name + ': ' + e.message); });`;
    const out = other.execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        encoding: 'utf8',
      },
    );
    expect(out).toMatch(/^UserError: workspace .* is in use by another process/);
    db.close();
    open.splice(open.indexOf(db), 1);
    const m = await publishWorkspace(ws);
    expect(m.id).toBe(2);
    expect(existsSync(snapshotFile(ws, m))).toBe(true);
  });
});
