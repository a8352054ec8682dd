import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, openSync, readSync, closeSync } from 'node:fs';
import { readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { glob, isDynamicPattern } from 'tinyglobby';
import { UserError } from '../errors.ts';
import type { Format } from './mapping.ts';
import { requireReadable } from './registry.ts';

/** One file to ingest. */
export interface InputFile {
  path: string;
  /** Shown in summaries and stored in the log: the file name, or 'stdin'. */
  name: string;
  format: Format;
  gzip: boolean;
  /** A spool of standard input under the workspace tmp/, deleted once ingested. */
  spooled: boolean;
}

const EXTENSIONS: Record<string, Format> = {
  csv: 'csv',
  tsv: 'csv',
  txt: 'csv',
  parquet: 'parquet',
  pq: 'parquet',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  json: 'ndjson',
};

/** Prefix of standard-input spools in tmp/ (removed by recovery when a run died). */
export const SPOOL_PREFIX = 'stdin-';

/** True when a file starts with the gzip magic bytes (RFC 1952 section 2.3.1). */
function isGzip(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(2);
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** The format a file name implies (after an optional .gz), or undefined. */
export function formatOf(path: string): Format | undefined {
  const ext = basename(path).toLowerCase().replace(/\.gz$/, '').split('.').slice(1).pop();
  return ext ? EXTENSIONS[ext] : undefined;
}

function fileInput(path: string, override: Format | undefined): InputFile {
  requireReadable(path, 'input file');
  const format = override ?? formatOf(path);
  if (!format) {
    throw new UserError(`cannot tell the format of ${path} from its name: pass --format csv|parquet|ndjson`);
  }
  const gzip = isGzip(path);
  if (gzip && format === 'parquet') {
    throw new UserError(`${path} is gzip-compressed Parquet: unpack it first (Parquet compresses inside)`);
  }
  return { path: resolve(path), name: basename(path), format, gzip, spooled: false };
}

/** Copies standard input into tmp/ so it can be hashed and read like any file. */
async function spool(stdin: NodeJS.ReadableStream, dir: string, override: Format | undefined) {
  const path = join(dir, `${SPOOL_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  await pipeline(stdin, createWriteStream(path));
  return { path, name: 'stdin', format: override ?? 'ndjson', gzip: isGzip(path), spooled: true };
}

/**
 * Expands the command line into files, sorted: plain files, folders (their record files, not
 * recursive), globs ('data/**\/*.csv.gz'), and '-' for standard input (NDJSON unless --format).
 */
export async function expandInputs(
  args: string[],
  o: { format?: Format; spoolDir: string; stdin?: NodeJS.ReadableStream },
): Promise<InputFile[]> {
  const out: InputFile[] = [];
  const seen = new Set<string>();
  const add = (f: InputFile) => {
    if (!seen.has(f.path)) out.push(f);
    seen.add(f.path);
  };
  for (const arg of args) {
    if (arg === '-') {
      if (!o.stdin) throw new UserError(`'-' reads standard input, which is not available here`);
      out.push(await spool(o.stdin, o.spoolDir, o.format));
    } else if (existsSync(arg) && statSync(arg).isDirectory()) {
      const files = readdirSync(arg)
        .filter((n) => !n.startsWith('.') && (o.format ?? formatOf(n)))
        .sort()
        .map((n) => join(arg, n))
        .filter((p) => statSync(p).isFile());
      if (!files.length) throw new UserError(`folder ${arg} holds no .csv, .parquet or .ndjson files`);
      for (const f of files) add(fileInput(f, o.format));
    } else if (!existsSync(arg) && isDynamicPattern(arg)) {
      const files = (await glob(arg, { absolute: true, onlyFiles: true, expandDirectories: false })).sort();
      if (!files.length) throw new UserError(`no file matches ${arg}`);
      for (const f of files) add(fileInput(f, o.format));
    } else add(fileInput(arg, o.format));
  }
  return out;
}

/** SHA-256 of a file's bytes: the identity used to detect re-ingestion. */
export async function contentHash(path: string): Promise<string> {
  const h = createHash('sha256');
  // 1 MiB reads: hashing runs at about 1 GB/s instead of about half that with 64 KiB chunks.
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}
