import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import type { Workspace } from '../workspace.ts';
import { pidAlive } from '../pid.ts';

/** The watcher's lock: one watcher per workspace (two would race for files and for the database). */
export function watchLockPath(ws: Workspace): string {
  return join(ws.root, 'watch.lock');
}

/**
 * Takes the workspace's watcher lock (a file holding the owner's pid, created exclusively), or fails
 * with one line naming the process that holds it. A lock whose process is gone is taken over.
 * Returns the release function.
 */
export function takeWatchLock(
  ws: Workspace,
  landing: string,
  isAlive: (pid: number) => boolean = pidAlive,
): () => void {
  const path = watchLockPath(ws);
  return takeLockFile(
    path,
    { landing },
    (pid) =>
      `workspace ${ws.root} is already watched by process ${pid} (lock ${path}); stop it first, or delete the lock if that process is not epitrace`,
    'watcher',
    isAlive,
  );
}

/**
 * Takes a lock file (created exclusively, holding the owner's pid and `detail`), or throws UserError(busy(pid))
 * (exit 3) while its owner lives; a lock whose process is gone is taken over. Returns the release function.
 */
export function takeLockFile(
  path: string,
  detail: Record<string, unknown>,
  busy: (pid: number) => string,
  what: string,
  isAlive: (pid: number) => boolean = pidAlive,
): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(
        fd,
        JSON.stringify({ pid: process.pid, ...detail, startedAt: new Date().toISOString() }) + '\n',
      );
      closeSync(fd);
      return () => {
        // Only our own lock is removed (a takeover may have replaced it).
        if (ownerPid(path) === process.pid) rmSync(path, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const pid = ownerPid(path);
    if (pid !== null && isAlive(pid)) throw new UserError(busy(pid), 3);
    // Its owner ended without removing it (killed): take it over.
    rmSync(path, { force: true });
  }
  throw new UserError(`cannot take the ${what} lock ${path}: another ${what} is starting`, 3);
}

function ownerPid(path: string): number | null {
  try {
    const pid = (JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown }).pid;
    return typeof pid === 'number' ? pid : null;
  } catch {
    return null;
  }
}
