import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Duck } from '../db/duck.ts';
import { fsyncPath } from '../durable.ts';
import { UserError } from '../errors.ts';
import { WORKSPACE_FORMAT } from '../workspace.ts';
import type { Workspace, WorkspaceInfo } from '../workspace.ts';

/** What `snapshots/current.json` says: which immutable copy of analytics.duckdb the server reads. */
export interface SnapshotManifest {
  version: 1;
  id: number;
  /** File name relative to snapshots/, e.g. '000003.duckdb'. */
  file: string;
  publishedAt: string;
  /** Complete pipeline days at publish; null when the pipeline never ran. */
  days: { first: string; last: string; count: number } | null;
  info: WorkspaceInfo;
  jobId: number | null;
  bytes: number;
}

export interface PublishOptions {
  jobId?: number;
  now?: () => Date;
  /** Snapshot files kept (newest first); older ones are deleted. */
  keep?: number;
  /** Tests only: called before each step; throwing simulates a failure (or a kill) there. */
  fault?: (step: 'copy' | 'rename' | 'manifest') => void;
}

/** A snapshot's file name: six digits, so nothing in a manifest can point outside snapshots/. */
export const SNAPSHOT_FILE = /^(\d{6})\.duckdb$/;
/** Kept by default: the newest one, and the two before it that a server may still be reading. */
export const DEFAULT_KEEP = 3;

const ManifestSchema = z.object({
  version: z.literal(1),
  id: z.number().int().positive(),
  file: z.string().regex(SNAPSHOT_FILE),
  publishedAt: z.string(),
  days: z.object({ first: z.string(), last: z.string(), count: z.number().int() }).nullable(),
  info: z.looseObject({
    // The workspace format at publishing: an older one's workspace is refused before this is read.
    version: z.literal(WORKSPACE_FORMAT),
    createdAt: z.string(),
    synthetic: z.boolean(),
    description: z.string(),
  }),
  jobId: z.number().int().nullable(),
  bytes: z.number().int(),
});

function currentPath(ws: Workspace): string {
  return join(ws.snapshotsDir, 'current.json');
}

/** The published snapshot's manifest, or null when the workspace was never published. */
export function readCurrent(ws: Workspace): SnapshotManifest | null {
  const path = currentPath(ws);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UserError(`${path} is not valid JSON: run 'epitrace publish' to write it again`);
  }
  const r = ManifestSchema.safeParse(parsed);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new UserError(
      `${path} is not a snapshot manifest (${issue.path.join('.') || 'root'}: ${issue.message}): run 'epitrace publish' to write it again`,
    );
  }
  const m = r.data as SnapshotManifest;
  if (Number(SNAPSHOT_FILE.exec(m.file)![1]) !== m.id)
    throw new UserError(
      `${path} names file ${m.file} for snapshot ${m.id}: run 'epitrace publish' to write it again`,
    );
  return m;
}

/** Absolute path of a manifest's database file. */
export function snapshotFile(ws: Workspace, m: SnapshotManifest): string {
  if (!SNAPSHOT_FILE.test(m.file))
    throw new UserError(`snapshot file name ${JSON.stringify(m.file)} refused`);
  return join(ws.snapshotsDir, m.file);
}

/** Snapshot ids present as files, ascending. */
function snapshotIds(dir: string): number[] {
  return readdirSync(dir)
    .map((f) => SNAPSHOT_FILE.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** The complete pipeline days of a database (what a snapshot manifest records), null when none ran. */
export async function completeDays(db: Duck): Promise<SnapshotManifest['days']> {
  const has = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'pipeline_days'`,
  );
  if (!has?.n) return null;
  const complete = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM information_schema.columns WHERE table_name = 'pipeline_days' AND column_name = 'complete'`,
  );
  const r = await db.one<{ first: string | null; last: string | null; count: number }>(
    `SELECT strftime(min(day), '%Y-%m-%d') AS first, strftime(max(day), '%Y-%m-%d') AS last, count(*)::INTEGER AS count
     FROM pipeline_days ${complete?.n ? 'WHERE complete' : ''}`,
  );
  if (!r || r.first === null || r.last === null) return null;
  return { first: r.first, last: r.last, count: r.count };
}

/** Deletes all but the newest `keep` snapshot files, and temp files a killed publisher left behind. */
function collect(dir: string, keep: number): void {
  // Only a publisher writes here, and only one at a time (it holds analytics.duckdb's writer lock),
  // so any temp file present now belongs to an earlier publisher that died before its rename.
  for (const f of readdirSync(dir)) if (f.endsWith('.tmp')) rmSync(join(dir, f), { force: true });
  const ids = snapshotIds(dir);
  for (const id of ids.slice(0, Math.max(0, ids.length - keep)))
    // A server still reading it keeps the inode alive (Linux), so this is safe under a reader.
    rmSync(join(dir, fileName(id)), { force: true });
}

/**
 * Copies `from` to `to` in a child process. DuckDB's writer lock is a POSIX record lock, and Linux
 * drops a process's record locks on a file as soon as that process closes ANY descriptor of it: a
 * copy opened and closed by the publisher itself would let a second writer in while the publisher
 * still writes. The child's descriptors are its own. A reflink on XFS/Btrfs (free); a plain copy
 * elsewhere (ext4: 0.16 s for the 127 MB demo database, plus about 50 ms to start the child).
 */
function copyOutOfProcess(from: string, to: string): void {
  execFileSync(
    process.execPath,
    [
      '-e',
      `const fs = require('node:fs'); fs.copyFileSync(process.argv[1], process.argv[2], fs.constants.COPYFILE_FICLONE);`,
      from,
      to,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
}

function fileName(id: number): string {
  return `${String(id).padStart(6, '0')}.duckdb`;
}

/** Publishes the open writer's database (CHECKPOINT, copy, fsync, rename, manifest switch, GC). */
export async function publish(ws: Workspace, db: Duck, opts: PublishOptions = {}): Promise<SnapshotManifest> {
  const now = opts.now ?? (() => new Date());
  const fault = opts.fault ?? (() => {});
  const keep = opts.keep ?? DEFAULT_KEEP;
  const dir = ws.snapshotsDir;
  mkdirSync(dir, { recursive: true });
  // Everything in the WAL goes into the main file, so the main file alone is the whole database.
  // The caller holds the writer, so nothing can be written between this and the copy.
  await db.run('CHECKPOINT');
  const days = await completeDays(db);
  const prior = readCurrent(ws);
  const id = Math.max(prior?.id ?? 0, ...snapshotIds(dir)) + 1;
  const file = fileName(id);
  const tmp = join(dir, `${file}.tmp`);
  const manifestTmp = `${currentPath(ws)}.tmp`;
  try {
    fault('copy');
    copyOutOfProcess(ws.duckPath, tmp);
    fsyncPath(tmp);
    fault('rename');
    renameSync(tmp, join(dir, file));
    const manifest: SnapshotManifest = {
      version: 1,
      id,
      file,
      publishedAt: now().toISOString(),
      days,
      info: ws.info(),
      jobId: opts.jobId ?? null,
      bytes: statSync(join(dir, file)).size,
    };
    writeFileSync(manifestTmp, JSON.stringify(manifest, null, 2) + '\n');
    fsyncPath(manifestTmp);
    fault('manifest');
    renameSync(manifestTmp, currentPath(ws));
    fsyncPath(dir);
    collect(dir, keep);
    return manifest;
  } catch (e) {
    rmSync(tmp, { force: true });
    rmSync(manifestTmp, { force: true });
    throw e;
  }
}

/** Opens the workspace writable, publishes, closes (for `epitrace publish` and `serve` when none exists). */
export async function publishWorkspace(
  ws: Workspace,
  opts: Omit<PublishOptions, 'fault'> = {},
): Promise<SnapshotManifest> {
  ws.require();
  const db = await ws.openDuck();
  try {
    return await publish(ws, db, opts);
  } finally {
    db.close();
  }
}

/** True when the workspace has a published snapshot whose file is present. */
export function hasSnapshot(ws: Workspace): boolean {
  const m = readCurrent(ws);
  return m !== null && existsSync(snapshotFile(ws, m));
}
