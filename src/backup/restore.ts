import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  statfsSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fsyncPath } from '../durable.ts';
import { UserError } from '../errors.ts';
import { Workspace } from '../workspace.ts';
import { auditWorkspace } from './audit.ts';
import { ArchiveRefused, extractArchive } from './extract.ts';
import type { BackupManifest } from './manifest.ts';

/** Exit code when an archive is refused (corrupt, truncated, or not an EpiTrace backup). */
export const REFUSED_EXIT = 3;

export interface RestoreOptions {
  now?: () => Date;
  onProgress?: (done: number, total: number) => void;
  /** Called with the temp folder as soon as it exists (so a signal handler can remove it). */
  onTemp?: (dir: string) => void;
}

export interface RestoreResult {
  target: string;
  files: number;
  bytes: number;
  seconds: number;
  snapshotId: number | null;
  created: string;
  source: string;
}

/** The folder extraction goes to first: beside the target (same file system, so the final rename is atomic). */
export function restoreTempDir(target: string, tag: string): string {
  return join(dirname(target), `.${basename(target)}.restore-${tag}`);
}

/**
 * Restores a backup archive into `target` (absent or an empty folder): extracts beside it,
 * checks every file against the manifest, then renames the folder into place. A refused archive
 * leaves nothing behind.
 */
export async function restoreBackup(
  archive: string,
  targetDir: string,
  o: RestoreOptions = {},
): Promise<RestoreResult> {
  const now = o.now ?? (() => new Date());
  const t0 = now().getTime();
  const file = resolve(archive);
  const target = resolve(targetDir);
  if (!existsSync(file)) throw new UserError(`backup ${archive} not found`);
  if (!statSync(file).isFile()) throw new UserError(`backup ${archive} is not a file`);
  const targetExists = existsSync(target);
  if (targetExists && (!statSync(target).isDirectory() || readdirSync(target).length > 0))
    throw new UserError(
      `${targetDir} is not empty: restore only into a new or empty folder (nothing was changed)`,
    );
  mkdirSync(dirname(target), { recursive: true });
  const tmp = restoreTempDir(target, `${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp, { mode: 0o700 });
  o.onTemp?.(tmp);
  try {
    let total = 0;
    let done = 0;
    const m: BackupManifest = await extractArchive(file, tmp, {
      onManifest: (man) => {
        total = man.files.reduce((s, f) => s + f.size, 0);
        // Before writing anything: the manifest's total is all extraction can write.
        const fs = statfsSync(tmp);
        const free = fs.bavail * fs.bsize;
        if (total > free)
          throw new UserError(
            `restoring needs ${total} bytes and ${dirname(target)} has ${free} free: free some space or restore elsewhere`,
          );
      },
      onBytes: (n) => {
        done += n;
        o.onProgress?.(done, total);
      },
    });
    // The folders a workspace always has (Workspace.create), even when empty and so not in the archive.
    const layout = new Workspace(tmp);
    for (const d of [layout.rawDir, layout.quarantineDir, layout.tmpDir]) mkdirSync(d, { recursive: true });
    fsyncPath(tmp);
    if (targetExists) rmdirSync(target);
    renameSync(tmp, target);
    fsyncPath(dirname(target));
    // The restored copy's log says where it came from (its own key and checkpoints, now in keys/).
    // Always the restored keys/, never $EPITRACE_AUDIT_DIR: that folder's checkpoints belong to the original.
    auditWorkspace(
      new Workspace(target),
      'workspace.restore',
      { file, created: m.created, source: m.source, snapshotId: m.snapshotId },
      join(target, 'keys'),
    );
    return {
      target,
      files: m.files.length,
      bytes: total,
      seconds: (now().getTime() - t0) / 1000,
      snapshotId: m.snapshotId,
      created: m.created,
      source: m.source,
    };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    if (e instanceof ArchiveRefused)
      throw new UserError(`backup ${archive} refused: ${e.message}; nothing was restored`, REFUSED_EXIT);
    throw e;
  }
}
