import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { Parser } from 'tar';
import type { ReadEntry } from 'tar';
import { MANIFEST_ENTRY, parseManifest, unsafePath } from './manifest.ts';
import type { BackupManifest } from './manifest.ts';

/** Why an archive was refused: one line, for the CLI. */
export class ArchiveRefused extends Error {
  override readonly name = 'ArchiveRefused';
}

/** The manifest alone is read into memory; anything bigger is not one of ours. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/**
 * Extracts a backup archive into `dest` (an empty folder), checking as it goes: manifest.json
 * first, then only regular files the manifest lists, each once, at a safe relative path, with
 * the listed size and SHA-256; at the end every listed file must have been seen. Throws
 * ArchiveRefused with the first problem; the caller deletes `dest`.
 */
export async function extractArchive(
  file: string,
  dest: string,
  hooks: { onManifest?: (m: BackupManifest) => void; onBytes?: (n: number) => void } = {},
): Promise<BackupManifest> {
  let manifest: BackupManifest | null = null;
  let expected = new Map<string, { size: number; sha256: string }>();
  const seen = new Set<string>();
  const writes: Promise<void>[] = [];
  // Files being written: an aborted parse ends no entry, so these are destroyed rather than awaited forever.
  const open = new Set<WriteStream>();
  let refused: Error | null = null;
  let ended = false;
  const parser = new Parser({
    strict: true,
    // Each entry's size is checked against the manifest before a byte of it is written, so the
    // manifest's total bounds what extraction can write; the ratio guard would only trip on
    // legitimately sparse database files.
    maxDecompressionRatio: Number.MAX_SAFE_INTEGER,
  });

  // The first problem wins; a string is the archive's fault, an Error (e.g. no disk space) is passed on.
  const refuse = (why: string | Error, entry?: ReadEntry): void => {
    refused ??= typeof why === 'string' ? new ArchiveRefused(why) : why;
    entry?.resume();
    if (!ended) parser.abort(refused);
  };

  const onEntry = (entry: ReadEntry): void => {
    if (refused) return void entry.resume();
    const path = entry.path;
    if (entry.type !== 'File' && entry.type !== 'OldFile')
      return refuse(`entry ${JSON.stringify(path)} is a ${entry.type}, not a regular file`, entry);
    const bad = unsafePath(path);
    if (bad) return refuse(`entry ${JSON.stringify(path)} ${bad}`, entry);
    if (!manifest) {
      if (path !== MANIFEST_ENTRY) return refuse(`the first entry is ${path}, not ${MANIFEST_ENTRY}`, entry);
      if (entry.size > MAX_MANIFEST_BYTES) return refuse(`${MANIFEST_ENTRY} is too large`, entry);
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => {
        const m = parseManifest(Buffer.concat(chunks).toString('utf8'));
        if (typeof m === 'string') return refuse(m);
        manifest = m;
        expected = new Map(m.files.map((f) => [f.path, f]));
        try {
          hooks.onManifest?.(m);
        } catch (e) {
          refuse(e as Error);
        }
      });
      return;
    }
    const want = expected.get(path);
    if (!want) return refuse(`entry ${path} is not listed in the manifest`, entry);
    if (seen.has(path)) return refuse(`entry ${path} appears twice`, entry);
    seen.add(path);
    if (entry.size !== want.size)
      return refuse(`entry ${path} has ${entry.size} bytes, the manifest says ${want.size}`, entry);
    const target = join(dest, ...path.split('/'));
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    // 'wx': never through an existing file or link; the folder is ours and new.
    // Owner-only, whatever the archive says: a workspace is as secret as its records. flush: fsync before close.
    const out = createWriteStream(target, {
      flags: 'wx',
      mode: ((entry.mode ?? 0o600) & 0o700) | 0o600,
      flush: true,
    });
    open.add(out);
    const hash = createHash('sha256');
    let got = 0;
    // One consumer of the entry's bytes (a second one, e.g. pipe beside 'data', would miss what the first took).
    entry.on('data', (c: Buffer) => {
      hash.update(c);
      got += c.length;
      hooks.onBytes?.(c.length);
      if (!out.write(c)) {
        entry.pause();
        out.once('drain', () => entry.resume());
      }
    });
    entry.on('end', () => out.end());
    writes.push(
      new Promise<void>((resolve, reject) => {
        out.once('error', reject);
        out.once('close', () => {
          open.delete(out);
          if (got < want.size) refuse(`entry ${path} is cut short: the archive is truncated`);
          else if (hash.digest('hex') !== want.sha256)
            refuse(`entry ${path} does not match its SHA-256 (corrupt)`);
          resolve();
        });
      }),
    );
  };
  parser.on('entry', onEntry);

  const done = new Promise<void>((resolve, reject) => {
    // on, not once: an abort after the first error must not become an unhandled 'error' event.
    parser.on('error', (e: Error) => reject(e));
    parser.once('end', () => {
      ended = true;
      resolve();
    });
  });
  const input = createReadStream(file);
  input.once('error', (e) => parser.abort(e));
  input.pipe(parser as unknown as NodeJS.WritableStream);
  try {
    await done;
    await Promise.all(writes);
  } catch (e) {
    ended = true;
    refused ??= new ArchiveRefused(`the archive is truncated or corrupt: ${oneLine(e)}`);
    for (const out of open) out.destroy();
    await Promise.allSettled(writes);
    throw refused;
  }
  if (refused) throw refused;
  if (!manifest) throw new ArchiveRefused(`the archive has no ${MANIFEST_ENTRY}`);
  const m: BackupManifest = manifest;
  const missing = m.files.filter((f) => !seen.has(f.path));
  if (missing.length)
    throw new ArchiveRefused(
      `the archive is missing ${missing.length} file(s) the manifest lists, e.g. ${missing[0]!.path} (truncated?)`,
    );
  return m;
}

function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.replace(/^TAR_[A-Z_]+: /, '').split('\n')[0]!;
}
