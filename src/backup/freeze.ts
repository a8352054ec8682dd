import { closeSync, constants, copyFileSync, linkSync, openSync, readSync, writeSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { Item } from './collect.ts';

/**
 * Copies a file through one descriptor that stays open (the caller closes it). DuckDB's writer
 * lock is a POSIX record lock, which Linux drops as soon as the process closes ANY descriptor of
 * the file: reading analytics.duckdb with readFileSync or copyFileSync while the Duck is open
 * would hand the lock to the next job. This descriptor is closed only after the Duck.
 */
function copyKeepingLock(from: string, to: string): number {
  const fd = openSync(from, 'r');
  const out = openSync(to, 'wx', 0o600);
  try {
    const buf = Buffer.allocUnsafe(8 * 1024 * 1024);
    for (let pos = 0; ;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      writeSync(out, buf, 0, n);
      pos += n;
    }
  } finally {
    closeSync(out);
  }
  return fd;
}

/**
 * Freezes the workspace's files while the writer lock is held, so the lock can be released before
 * the archive is written: every file but analytics.duckdb is hard-linked into the staging folder,
 * since writers replace those by rename (a partition, a snapshot) and the link keeps this version
 * (across file systems, e.g. a linked points/ folder, it is copied); analytics.duckdb, which DuckDB
 * rewrites in place, is copied last (see copyKeepingLock). Small files are in memory already.
 * Returns the frozen items and the descriptor to close after the Duck.
 */
export function freeze(
  items: Item[],
  duckPath: string,
  staging: string,
): { items: Item[]; duckFd: number | null } {
  let duckFd: number | null = null;
  const linked = items.map((it, i): Item => {
    if ('data' in it || it.source === duckPath || it.source.startsWith(staging + sep)) return it;
    const to = join(staging, `f${i}`);
    try {
      linkSync(it.source, to);
    } catch (e) {
      if (!['EXDEV', 'EPERM', 'EMLINK', 'ENOTSUP'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
      copyFileSync(it.source, to, constants.COPYFILE_FICLONE);
    }
    return { ...it, source: to };
  });
  const frozen = linked.map((it, i): Item => {
    if ('data' in it || it.source !== duckPath) return it;
    const to = join(staging, `f${i}`);
    duckFd = copyKeepingLock(it.source, to);
    return { ...it, source: to };
  });
  return { items: frozen, duckFd };
}
