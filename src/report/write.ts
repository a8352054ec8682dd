import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fsyncPath } from '../durable.ts';

/**
 * Writes a file whole or not at all: a hidden temp file beside it, flushed, then renamed over it (a kill
 * leaves at most the temp file, never a half report under the real name).
 */
export function writeFileAtomic(
  path: string,
  data: string | Buffer,
  // The rename, injectable so a test can make it fail.
  rename: (from: string, to: string) => void = renameSync,
): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data);
    fsyncPath(tmp);
    rename(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  fsyncPath(dir);
}
