import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { auditFiles } from '../privacy/audit.ts';
import { readCurrent, snapshotFile } from '../snapshot/publish.ts';
import type { Workspace } from '../workspace.ts';

/** One file going into a backup: bytes captured in memory, or a file on disk read while archiving. */
export type Item =
  { path: string; data: Buffer; mode: number } | { path: string; source: string; size: number; mode: number };

/**
 * Top-level names a backup never walks: scratch (tmp/), the snapshot folder (only the current
 * snapshot goes in, added by name), app.sqlite and its WAL files (copied through SQLite's online
 * backup instead), DuckDB's WAL (empty after the CHECKPOINT taken under the writer lock), keys/
 * (captured from the audit folder in effect, which may lie elsewhere) and the default landing
 * folder (inputs in transit, not workspace state).
 */
const NOT_WALKED = new Set([
  'tmp',
  'snapshots',
  'keys',
  'landing',
  'app.sqlite',
  'app.sqlite-wal',
  'app.sqlite-shm',
  'app.sqlite-journal',
  'analytics.duckdb.wal',
]);

/** Files small enough to read whole at capture time, so a concurrent rewrite cannot tear them. */
const CAPTURE_BYTES = 1024 * 1024;

function archivePath(root: string, file: string): string {
  return relative(root, file).split(sep).join('/');
}

/** Regular files under `dir`, symlinks followed (a raw/ linked to another disk is backed up too), each folder once. */
function walk(dir: string, skipTop: Set<string> | null, out: string[], seen = new Set<string>()): void {
  const real = realpathSync(dir);
  if (seen.has(real)) return;
  seen.add(real);
  for (const name of readdirSync(dir).sort()) {
    if (skipTop?.has(name)) continue;
    const p = join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch (e) {
      // A dangling link, or a file deleted while we looked: nothing to back up.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    if (st.isDirectory()) walk(p, null, out, seen);
    else if (st.isFile()) out.push(p);
  }
}

function capture(path: string, file: string): Item {
  return { path, data: readFileSync(file), mode: statSync(file).mode & 0o777 };
}

/**
 * The audit folder's files, captured first: the checkpoint file is appended by a running server,
 * and reading it before app.sqlite is copied means every checkpoint refers to entries the copy
 * holds. A last line the server is still writing (no newline yet) is left out.
 */
export function captureKeys(ws: Workspace, auditDir?: string): Item[] {
  const { keyPath, checkpointPath } = auditFiles(ws.root, auditDir);
  const items: Item[] = [];
  if (existsSync(keyPath)) items.push(capture('keys/audit.key', keyPath));
  if (existsSync(checkpointPath)) {
    const it = capture('keys/audit.checkpoints', checkpointPath) as {
      path: string;
      data: Buffer;
      mode: number;
    };
    const end = it.data.lastIndexOf(0x0a) + 1;
    items.push({ ...it, data: it.data.subarray(0, end) });
  }
  return items;
}

/** The published snapshot: its manifest (captured) and its database file, or nothing when none. */
export function snapshotItems(ws: Workspace): { id: number | null; items: Item[] } {
  const m = readCurrent(ws);
  if (!m) return { id: null, items: [] };
  const file = snapshotFile(ws, m);
  const st = statSync(file);
  return {
    id: m.id,
    items: [
      capture('snapshots/current.json', join(ws.snapshotsDir, 'current.json')),
      { path: `snapshots/${m.file}`, source: file, size: st.size, mode: st.mode & 0o777 },
    ],
  };
}

/** Everything else in the workspace: workspace.json, analytics.duckdb, raw/, points/, quarantine/, synth/, demo password files... */
export function workspaceItems(ws: Workspace): Item[] {
  const files: string[] = [];
  walk(ws.root, NOT_WALKED, files);
  return files.map((f) => {
    const path = archivePath(ws.root, f);
    const st = statSync(f);
    // Top-level files (workspace.json, demo passwords) are rewritten in place by other commands.
    // Never analytics.duckdb: reading it here would drop DuckDB's lock (see copyKeepingLock in freeze.ts).
    if (!path.includes('/') && f !== ws.duckPath && st.size <= CAPTURE_BYTES) return capture(path, f);
    return { path, source: f, size: st.size, mode: st.mode & 0o777 };
  });
}
