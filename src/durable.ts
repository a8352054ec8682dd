import { closeSync, fsyncSync, openSync } from 'node:fs';

/**
 * Flushes a file or a folder to disk (fsync). A folder is synced after a rename in it, so the rename itself
 * survives a power cut; a file before it is renamed into place, so the new name never points to lost bytes.
 */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
