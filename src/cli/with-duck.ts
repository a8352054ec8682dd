import { existsSync } from 'node:fs';
import { duckMemoryLimit, memoryBudget } from '../db/memory.ts';
import { Duck } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import { publish, publishWorkspace, readCurrent, snapshotFile } from '../snapshot/publish.ts';
import type { SnapshotManifest } from '../snapshot/publish.ts';
import { Workspace } from '../workspace.ts';

/** Runs `f` on the workspace's analytics database (which must exist), closing it afterwards. */
export async function withDuck<T>(workspace: string, f: (db: Duck, ws: Workspace) => Promise<T>): Promise<T> {
  const ws = new Workspace(workspace).require();
  const db = await ws.openDuck();
  try {
    return await f(db, ws);
  } finally {
    db.close();
  }
}

/** The line a command prints after publishing (stderr: stdout stays the command's own result). */
export function publishedLine(m: SnapshotManifest, seconds: number): string {
  const days = m.days ? `days ${m.days.first} .. ${m.days.last} (${m.days.count})` : 'no days run';
  return `published snapshot ${m.id}: ${days}, ${(m.bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(2)} s`;
}

/**
 * Runs a command that changes what the server shows on the writable database, then (unless `publish` is
 * false: a job publishes once at its end) publishes a snapshot from the same open database, so nothing
 * can be written in between.
 */
export async function withWriter<T>(
  workspace: string,
  opts: { publish: boolean },
  f: (db: Duck, ws: Workspace) => Promise<T>,
): Promise<T> {
  return withDuck(workspace, async (db, ws) => {
    const r = await f(db, ws);
    if (opts.publish) await publishNow(ws, db);
    return r;
  });
}

/** Publishes the open writer's database and says so on stderr. */
export async function publishNow(ws: Workspace, db?: Duck): Promise<SnapshotManifest> {
  const t0 = performance.now();
  const m = db ? await publish(ws, db) : await publishWorkspace(ws);
  process.stderr.write(publishedLine(m, (performance.now() - t0) / 1000) + '\n');
  return m;
}

/** Opens a published snapshot READ_ONLY with the workspace's memory limit and temp folder. */
export function openSnapshotDuck(ws: Workspace, m: SnapshotManifest): Promise<Duck> {
  return Duck.open({
    path: snapshotFile(ws, m),
    readOnly: true,
    memoryLimit: duckMemoryLimit(memoryBudget()),
    tempDirectory: ws.tmpDir,
  });
}

/**
 * Runs a read-only command: on analytics.duckdb when free, else (a job is writing it) on the published
 * snapshot, saying so on stderr in one line (and passing its manifest). Without a snapshot the in-use line stands.
 */
export async function withReadDuck<T>(
  workspace: string,
  f: (db: Duck, ws: Workspace, snapshot: SnapshotManifest | null) => Promise<T>,
  warn: (line: string) => void = (l) => void process.stderr.write(l + '\n'),
): Promise<T> {
  const ws = new Workspace(workspace).require();
  let db: Duck;
  let snapshot: SnapshotManifest | null = null;
  try {
    db = await ws.openDuck({ readOnly: true });
  } catch (e) {
    const m =
      e instanceof UserError && /is in use by another process/.test(e.message) ? readCurrent(ws) : null;
    if (!m || !existsSync(snapshotFile(ws, m))) throw e;
    const days = m.days ? `days ${m.days.first} .. ${m.days.last}` : 'no days run';
    warn(
      `epitrace: ${ws.root} is being written by another process: reading published snapshot ${m.id} (${m.publishedAt}, ${days})`,
    );
    snapshot = m;
    db = await openSnapshotDuck(ws, m);
  }
  try {
    return await f(db, ws, snapshot);
  } finally {
    db.close();
  }
}
