import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  readdirSync,
  createReadStream,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import Database from 'better-sqlite3';
import type { Duck } from '../db/duck.ts';
import { fsyncPath } from '../durable.ts';
import { pidAlive } from '../pid.ts';
import { UserError } from '../errors.ts';
import type { Workspace } from '../workspace.ts';
import { openArchive, wantsGzip } from './archive.ts';
import { auditWorkspace } from './audit.ts';
import { captureKeys, snapshotItems, workspaceItems } from './collect.ts';
import { freeze } from './freeze.ts';
import type { Item } from './collect.ts';
import { MANIFEST_ENTRY } from './manifest.ts';
import type { BackupFile, BackupManifest } from './manifest.ts';

/** Exit code when the workspace stayed held by a writer past --wait (a later retry may succeed). */
export const BUSY_EXIT = 4;

export interface BackupOptions {
  /** Seconds to wait for a job holding the workspace (default 300). */
  waitSeconds?: number;
  /** Between attempts to take the writer lock (default 1000 ms). */
  retryMs?: number;
  /** Audit folder, as for `serve --audit-dir` (default $EPITRACE_AUDIT_DIR, else <workspace>/keys). */
  auditDir?: string;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** One line at a time, for stderr: why the backup waits. */
  log?: (line: string) => void;
  /** Tests only: called once the files are frozen, just before the writer lock is released. */
  frozen?: () => void;
  /** Byte progress of each phase ('hash', 'write'). */
  onProgress?: (phase: 'hash' | 'write', done: number, total: number) => void;
}

export interface BackupResult {
  file: string;
  files: number;
  /** Bytes of workspace files archived (before compression). */
  bytes: number;
  /** Size of the archive file. */
  archiveBytes: number;
  seconds: number;
  /** How long the writer lock was held (from when it was taken): the capture, not the archive. */
  lockedSeconds: number;
  snapshotId: number | null;
}

const sleepMs = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function isBusy(e: unknown): e is UserError {
  return e instanceof UserError && /is in use by another process/.test(e.message);
}

/** Takes the workspace's writer lock, retrying while another process (a job, an ingest) holds it. */
async function takeWriter(ws: Workspace, o: BackupOptions): Promise<Duck> {
  const now = o.now ?? (() => new Date());
  const sleep = o.sleep ?? sleepMs;
  const wait = o.waitSeconds ?? 300;
  const t0 = now().getTime();
  let lastSaid = -Infinity;
  for (;;) {
    try {
      return await ws.openDuck();
    } catch (e) {
      if (!isBusy(e)) throw e;
      const waited = (now().getTime() - t0) / 1000;
      if (waited >= wait)
        throw new UserError(
          `${e.message.replace(/: try again.*$/, '')}, still after ${Math.round(waited)} s: backup not taken (pass a longer --wait, or run it when the job is done)`,
          BUSY_EXIT,
        );
      // Say why at once, then every 30 s, so a long job does not look like a hang.
      if (waited - lastSaid >= 30) {
        const pid = /\(PID (\d+)\)/.exec(e.message)?.[1];
        o.log?.(
          `backup: waiting for the workspace: ${pid ? `process ${pid}` : 'another process'} holds it (an ingest or a pipeline job?); ${Math.round(waited)} of ${wait} s`,
        );
        lastSaid = waited;
      }
      await sleep(Math.min(o.retryMs ?? 1000, Math.max(1, (wait - waited) * 1000)));
    }
  }
}

async function sha256(item: Item, onBytes: (n: number) => void): Promise<string> {
  const h = createHash('sha256');
  if ('data' in item) {
    onBytes(item.data.length);
    return h.update(item.data).digest('hex');
  }
  if (item.size > 0)
    for await (const c of createReadStream(item.source, {
      start: 0,
      end: item.size - 1,
    }) as AsyncIterable<Buffer>) {
      h.update(c);
      onBytes(c.length);
    }
  return h.digest('hex');
}

const size = (i: Item): number => ('data' in i ? i.data.length : i.size);

/**
 * Backs up a whole workspace into one tar (gzip for .tar.gz/.tgz): manifest.json first, then
 * every file. Takes the writer lock, so no job changes analytics.duckdb, raw/ or the snapshot,
 * and holds it only while the files are frozen (see freeze); app.sqlite (which a server writes)
 * goes through SQLite's online backup. The archive is then written without the lock.
 * Written to FILE.tmp, fsynced and renamed: an interrupted backup leaves no FILE.
 */
export async function backupWorkspace(
  ws: Workspace,
  out: string,
  o: BackupOptions = {},
): Promise<BackupResult> {
  ws.require();
  const now = o.now ?? (() => new Date());
  const file = resolve(out);
  const rel = relative(ws.root, file);
  if (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))
    throw new UserError(
      `--out ${out} is inside the workspace: write the backup elsewhere (ideally another disk)`,
    );
  const tmp = `${file}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (e) {
    throw unwritable(e, out);
  }
  removeStaleStaging(ws.tmpDir);
  const staging = join(ws.tmpDir, `backup-${process.pid}-${randomBytes(4).toString('hex')}`);
  const t0 = now().getTime();
  const duck = await takeWriter(ws, o);
  let locked = true;
  let duckFd: number | null = null;
  let archive: ReturnType<typeof openArchive> | null = null;
  try {
    // Everything in DuckDB's WAL goes into analytics.duckdb, which alone is then the whole database.
    await duck.run('CHECKPOINT');
    const items: Item[] = captureKeys(ws, o.auditDir);
    mkdirSync(staging, { recursive: true, mode: 0o700 });
    try {
      const src = new Database(ws.sqlitePath, { fileMustExist: true });
      try {
        src.pragma('busy_timeout = 5000');
        // All pages in one step: SQLite restarts a backup that a concurrent write interrupts.
        await src.backup(join(staging, 'app.sqlite'), { progress: () => 1_000_000 });
      } finally {
        src.close();
      }
      const st = statSync(join(staging, 'app.sqlite'));
      items.push({ path: 'app.sqlite', source: join(staging, 'app.sqlite'), size: st.size, mode: 0o600 });
    } catch (e) {
      if ((e as { code?: string }).code !== 'SQLITE_CANTOPEN') throw e;
      // A workspace whose accounts were never set up has no app.sqlite.
    }
    const snap = snapshotItems(ws);
    items.push(...snap.items, ...workspaceItems(ws));
    items.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const frozen = freeze(items, ws.duckPath, staging);
    duckFd = frozen.duckFd;
    o.frozen?.();
    // Everything is captured: jobs may write again while the archive is hashed, compressed and written.
    duck.close();
    locked = false;
    const lockedSeconds = (now().getTime() - t0) / 1000;
    items.splice(0, items.length, ...frozen.items);

    const total = items.reduce((s, i) => s + size(i), 0);
    let done = 0;
    const tick = (phase: 'hash' | 'write') => (n: number) => {
      done += n;
      o.onProgress?.(phase, done, total);
    };
    const files: BackupFile[] = [];
    for (const it of items)
      files.push({ path: it.path, size: size(it), sha256: await sha256(it, tick('hash')) });
    const manifest: BackupManifest = {
      format: 'epitrace-backup',
      version: 1,
      created: now().toISOString(),
      source: ws.root,
      snapshotId: snap.id,
      files,
    };

    rmSync(tmp, { force: true });
    archive = openArchive(tmp, wantsGzip(file), now());
    await archive.addBuffer(MANIFEST_ENTRY, Buffer.from(JSON.stringify(manifest, null, 2) + '\n'));
    done = 0;
    for (const [i, it] of items.entries()) {
      if ('data' in it) {
        await archive.addBuffer(it.path, it.data, it.mode);
        tick('write')(it.data.length);
        continue;
      }
      const h = await archive.addFile(it.path, it.source, it.size, it.mode, tick('write'));
      // Frozen copies and links: only an in-place rewrite of a linked file (not how writers work here) differs.
      if (h !== files[i]!.sha256)
        throw new UserError(`${it.path} changed while it was backed up: backup not taken`);
    }
    await archive.finish();
    archive = null;
    renameSync(tmp, file);
    fsyncPath(dirname(file));
    // After the copy of app.sqlite, so the backup does not hold its own entry; the original does.
    auditWorkspace(
      ws,
      'workspace.backup',
      { file, files: items.length, bytes: total, snapshotId: snap.id },
      o.auditDir,
    );
    return {
      file,
      files: items.length,
      bytes: total,
      archiveBytes: statSync(file).size,
      seconds: (now().getTime() - t0) / 1000,
      lockedSeconds,
      snapshotId: snap.id,
    };
  } catch (e) {
    archive?.abort();
    rmSync(tmp, { force: true });
    throw unwritable(e, out);
  } finally {
    if (locked) duck.close();
    if (duckFd !== null) closeSync(duckFd);
    rmSync(staging, { recursive: true, force: true });
  }
}

/** A file-system refusal to write (full disk, read-only, not a folder), the archive's or the staging copy's, as one line. */
function unwritable(e: unknown, out: string): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  const path = (e as NodeJS.ErrnoException).path ?? out;
  if (
    !code ||
    !['EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'ENOTDIR', 'EISDIR', 'EEXIST', 'EDQUOT'].includes(code)
  )
    return e;
  return new UserError(`backup not taken: cannot write ${path} (${code})`);
}

/** Removes the staging folders of backups whose process is gone (killed), so their links and copies do not pile up. */
function removeStaleStaging(tmpDir: string): void {
  if (!existsSync(tmpDir)) return;
  for (const name of readdirSync(tmpDir)) {
    const pid = /^backup-(\d+)-[0-9a-f]{8}$/.exec(name)?.[1];
    if (pid && !pidAlive(Number(pid))) rmSync(join(tmpDir, name), { recursive: true, force: true });
  }
}

/** The temp file an interrupted backup of `out` may leave (removed by the next backup). */
export function backupTempFile(out: string): string {
  return `${resolve(out)}.tmp`;
}
