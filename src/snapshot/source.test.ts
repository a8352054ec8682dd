import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Duck } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import { tempDir } from '../testing/fixture.ts';
import { Workspace } from '../workspace.ts';
import { publish, snapshotFile } from './publish.ts';
import { SnapshotSource } from './source.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A workspace with a writer open on it and one snapshot published (table t holds `n` = 1). */
async function published(): Promise<{ ws: Workspace; db: Duck }> {
  const ws = new Workspace(join(tempDir('source'), 'ws'));
  ws.create({ synthetic: true, description: 'SYNTHETIC source test' });
  const db = await ws.openDuck({ memoryLimit: '256MB' });
  cleanup.push(() => db.close());
  await db.run(`CREATE TABLE t (n INTEGER)`);
  await db.run(`INSERT INTO t VALUES (1)`);
  await publish(ws, db);
  return { ws, db };
}

async function open(ws: Workspace, lines: string[] = [], validate?: (d: Duck) => Promise<void>) {
  const s = await SnapshotSource.open(ws, {
    pollMs: 0,
    log: (l) => lines.push(l),
    validate,
    memoryLimit: '256MB',
  });
  cleanup.push(() => s.close());
  return s;
}

const valueOf = async (d: Duck) => (await d.one<{ n: number }>(`SELECT max(n) AS n FROM t`))!.n;

describe('SnapshotSource', () => {
  it('keeps a leased snapshot open across a switch and closes it when the last lease is released', async () => {
    const { ws, db } = await published();
    const source = await open(ws);
    const inFlight = source.acquire();
    await db.run(`UPDATE t SET n = 2`);
    await publish(ws, db);
    expect(await source.refresh()).toBe(true);
    // New requests get the new snapshot, the one in flight still reads its own.
    const next = source.acquire();
    expect(next.snapshot.manifest.id).toBe(2);
    expect(inFlight.snapshot.manifest.id).toBe(1);
    expect(await valueOf(inFlight.snapshot.duck)).toBe(1);
    expect(await valueOf(next.snapshot.duck)).toBe(2);
    expect(source.closedCount).toBe(0);
    inFlight.release();
    inFlight.release(); // twice is once
    expect(source.closedCount).toBe(1);
    next.release();
    expect(source.closedCount).toBe(1); // the current one stays open
    expect(await source.refresh()).toBe(false); // same id: nothing to do
  });

  it('keeps serving when the new file was deleted, and switches on a later publish', async () => {
    const { ws, db } = await published();
    const lines: string[] = [];
    const source = await open(ws, lines);
    const m2 = await publish(ws, db);
    rmSync(snapshotFile(ws, m2));
    expect(await source.refresh()).toBe(false);
    expect(source.current().manifest.id).toBe(1);
    expect(lines.at(-1)).toMatch(/keeping 1: snapshot 2: .*000002\.duckdb is missing/);
    await publish(ws, db);
    expect(await source.refresh()).toBe(true);
    expect(source.current().manifest.id).toBe(3);
  });

  it('keeps serving through a garbage current.json and one that points outside snapshots/', async () => {
    const { ws } = await published();
    const lines: string[] = [];
    const source = await open(ws, lines);
    const manifest = join(ws.snapshotsDir, 'current.json');
    writeFileSync(manifest, '{"version": 1, "id": 9, "file": "../analytics.duckdb"');
    expect(await source.refresh()).toBe(false);
    writeFileSync(
      manifest,
      JSON.stringify({ ...source.current().manifest, id: 9, file: '../../etc/passwd' }),
    );
    expect(await source.refresh()).toBe(false);
    expect(source.current().manifest.id).toBe(1);
    expect(await valueOf(source.current().duck)).toBe(1);
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.startsWith('snapshot: keeping 1:') && l.includes(manifest))).toBe(true);
  });

  it('does not switch to a snapshot that fails validation, says why once, and refuses one at start', async () => {
    const { ws, db } = await published();
    const lines: string[] = [];
    const validate = async (d: Duck) => {
      if ((await valueOf(d)) < 0) throw new UserError('t holds a negative n: rebuild it');
    };
    const source = await open(ws, lines, validate);
    await db.run(`UPDATE t SET n = -1`);
    await publish(ws, db);
    expect(await source.refresh()).toBe(false);
    expect(await source.refresh()).toBe(false);
    expect(source.current().manifest.id).toBe(1);
    expect(lines).toEqual(['snapshot: keeping 1: t holds a negative n: rebuild it']);
    await expect(SnapshotSource.open(ws, { pollMs: 0, validate })).rejects.toThrow(
      /^t holds a negative n: rebuild it$/,
    );
  });

  it('refuses to open a workspace never published', async () => {
    const ws = new Workspace(join(tempDir('source'), 'ws'));
    ws.create({ synthetic: true, description: 'SYNTHETIC source test' });
    await expect(SnapshotSource.open(ws)).rejects.toThrow(
      /has no published snapshot: run 'epitrace publish'/,
    );
  });
});
