import { posix } from 'node:path';
import { z } from 'zod';

/** What manifest.json, the first entry of every backup archive, says. */
export interface BackupManifest {
  format: 'epitrace-backup';
  version: 1;
  /** When the backup was taken (ISO). */
  created: string;
  /** The workspace folder it was taken from (for the reader; restore goes wherever it is told). */
  source: string;
  /** The published snapshot it carries (snapshots/current.json), or null when none was published. */
  snapshotId: number | null;
  /** Every file of the archive but manifest.json itself, sorted by path. */
  files: BackupFile[];
}

/** One archived file: its path inside the workspace (POSIX separators), size and SHA-256. */
export interface BackupFile {
  path: string;
  size: number;
  sha256: string;
}

/** The archive entry holding the manifest; always the first. */
export const MANIFEST_ENTRY = 'manifest.json';

/**
 * Why `path` may not name a file inside a restored workspace, or null when it may: relative,
 * already normalised (no `.`/`..` segments, no doubled or trailing slash), no backslash or NUL.
 */
export function unsafePath(path: string): string | null {
  if (path === '' || path.length > 4096) return 'empty or too long';
  if (path.includes('\0') || path.includes('\\')) return 'contains a NUL or a backslash';
  if (posix.isAbsolute(path) || /^[A-Za-z]:/.test(path)) return 'is absolute';
  if (path.split('/').some((s) => s === '..' || s === '.' || s === ''))
    return 'leaves the folder or is not normalised';
  return null;
}

const FileSchema = z.object({
  path: z.string().refine((p) => unsafePath(p) === null && p !== MANIFEST_ENTRY, 'unsafe path'),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const ManifestSchema = z.object({
  format: z.literal('epitrace-backup'),
  version: z.literal(1),
  created: z.string(),
  source: z.string(),
  snapshotId: z.number().int().positive().nullable(),
  files: z.array(FileSchema),
});

/** Parses manifest.json; a one-line reason (thrown as a string-bearing Error by the caller) when it is not one. */
export function parseManifest(text: string): BackupManifest | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'manifest.json is not valid JSON';
  }
  const r = ManifestSchema.safeParse(parsed);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    return `manifest.json is not an EpiTrace backup manifest (${issue.path.join('.') || 'root'}: ${issue.message})`;
  }
  const seen = new Set<string>();
  for (const f of r.data.files) {
    if (seen.has(f.path)) return `manifest.json lists ${f.path} twice`;
    seen.add(f.path);
  }
  return r.data as BackupManifest;
}
