import { statSync } from 'node:fs';
import { UserError } from '../errors.ts';
import { contentHash } from './inputs.ts';
import type { InputFile } from './inputs.ts';

/** What identifies a file's bytes on disk besides their hash. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  ino: number;
  dev: number;
}

/** Size, modification time and inode of a file. */
export function stampOf(path: string): FileStamp {
  const s = statSync(path);
  return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino, dev: s.dev };
}

/**
 * Fails (UserError) when a file is not the one that was hashed before it was read: another size,
 * modification time or inode, or other bytes. Called after its rows are read and written, before
 * its commit, so the content hash, the counts and the commit all describe the same bytes. A file
 * still being written (or truncated, or replaced) is refused whole.
 */
export async function requireUnchanged(file: InputFile, before: FileStamp, hash: string): Promise<void> {
  let now: FileStamp;
  try {
    now = stampOf(file.path);
  } catch (e) {
    throw new UserError(
      `${file.name} disappeared while it was being ingested (${(e as NodeJS.ErrnoException).code}): nothing from it was stored`,
    );
  }
  let what: string | undefined;
  if (now.size !== before.size) what = `size ${before.size} -> ${now.size} bytes`;
  else if (now.ino !== before.ino || now.dev !== before.dev) what = 'replaced by another file';
  else if (now.mtimeMs !== before.mtimeMs) what = 'modified';
  else if ((await contentHash(file.path)) !== hash) what = 'content changed';
  if (what) {
    throw new UserError(
      `${file.name} changed while it was being ingested (${what}): nothing from it was stored; ingest it again once it is complete`,
    );
  }
}
