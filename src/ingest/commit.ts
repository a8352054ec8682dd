import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Duck } from '../db/duck.ts';
import type { Workspace } from '../workspace.ts';
import { SPOOL_PREFIX } from './inputs.ts';
import { ensureKeyTable, RECORD_KEY_SQL } from './keys.ts';
import { finalPath, pointsDir, stagingDir } from './partitions.ts';
import type { Kind } from './partitions.ts';
import { ensureStaleTable, markStale } from './stale.ts';

/** The ingest_log row of one input file. */
export interface LogEntry {
  contentHash: string;
  file: string;
  format: string;
  read: number;
  accepted: number;
  quarantined: number;
  points: number;
  days: string[];
  reasons: Record<string, number>;
}

/** Columns ingest_log gained after the first release, added to older workspaces. */
const LATER_COLUMNS = {
  format: 'VARCHAR',
  points: 'BIGINT',
  days: 'VARCHAR[]',
  reasons: 'VARCHAR',
  attempt: 'VARCHAR',
};

/**
 * Creates the ingest_log and quarantine tables, or extends an older ingest_log. An ALTER is
 * checkpointed at once: DuckDB 1.5 cannot replay from its WAL an ADD COLUMN on a table with a
 * `DEFAULT current_timestamp` column (duckdb/duckdb#18259), so a crash would leave the database
 * unopenable.
 */
export async function ensureTables(db: Duck): Promise<void> {
  await db.run(`CREATE TABLE IF NOT EXISTS ingest_log (
    content_hash VARCHAR PRIMARY KEY, file VARCHAR, read BIGINT, accepted BIGINT, quarantined BIGINT,
    ingested_at TIMESTAMP DEFAULT current_timestamp, format VARCHAR, points BIGINT, days VARCHAR[], reasons VARCHAR,
    attempt VARCHAR)`);
  const have = new Set(
    (
      await db.all<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'ingest_log'`,
      )
    ).map((c) => c.column_name),
  );
  const missing = Object.entries(LATER_COLUMNS).filter(([c]) => !have.has(c));
  for (const [c, type] of missing) await db.run(`ALTER TABLE ingest_log ADD COLUMN ${c} ${type}`);
  if (missing.length) await db.run('CHECKPOINT');
  // original: the line (or Parquet row as JSON) with its identifier replaced by the pseudonym.
  await db.run(`CREATE TABLE IF NOT EXISTS quarantine (
    content_hash VARCHAR, file VARCHAR, row_no BIGINT, reason VARCHAR, original VARCHAR)`);
  await ensureKeyTable(db);
  await ensureStaleTable(db);
}

/** File in a staging folder naming the attempt that made it (written before any partition). */
const ATTEMPT_FILE = 'attempt';
/** File in a staging folder listing its partitions (written just before the commit). */
const MANIFEST_FILE = 'manifest.json';

/** Starts an empty staging folder for one attempt at ingesting an input. */
export function startStaging(ws: Workspace, hash: string, attempt: string): string {
  const dir = stagingDir(ws, hash);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, ATTEMPT_FILE), attempt);
  return dir;
}

/** The attempt a staging folder belongs to ('' for one made before attempts were recorded). */
function stagedAttempt(dir: string): string {
  const f = join(dir, ATTEMPT_FILE);
  return existsSync(f) ? readFileSync(f, 'utf8').trim() : '';
}

/** The log entry of an input already ingested, if any, with the attempt that committed it. */
export async function logged(db: Duck, hash: string): Promise<(LogEntry & { attempt: string }) | undefined> {
  const r = await db.one<
    Omit<LogEntry, 'reasons' | 'contentHash'> & { reasons: string | null; attempt: string }
  >(
    `SELECT file, coalesce(format, '') AS format, read::DOUBLE AS read, accepted::DOUBLE AS accepted,
            quarantined::DOUBLE AS quarantined, coalesce(points, 0)::DOUBLE AS points,
            coalesce(days, []) AS days, reasons, coalesce(attempt, '') AS attempt
     FROM ingest_log WHERE content_hash = $1`,
    [hash],
  );
  if (!r) return undefined;
  return { ...r, contentHash: hash, reasons: r.reasons ? JSON.parse(r.reasons) : {} };
}

const STAGED_RE = /^(records|points)-(\d{4}-\d{2}-\d{2})\.parquet$/;

/**
 * Moves an input's staged partitions to their final names, then deletes its partitions the
 * manifest does not list (days an earlier version of the input had, after --replace) and
 * folders left empty; safe to repeat.
 */
export function rollForward(ws: Workspace, hash: string): void {
  const dir = stagingDir(ws, hash);
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const m = STAGED_RE.exec(name);
    if (!m) continue;
    const to = finalPath(ws, hash, m[1] as Kind, m[2]!);
    mkdirSync(dirname(to), { recursive: true });
    renameSync(join(dir, name), to);
  }
  const manifest = join(dir, MANIFEST_FILE);
  if (existsSync(manifest)) {
    const keep = new Set(
      (JSON.parse(readFileSync(manifest, 'utf8')) as string[]).map((n) => {
        const m = STAGED_RE.exec(n)!;
        return finalPath(ws, hash, m[1] as Kind, m[2]!);
      }),
    );
    const mine = basename(finalPath(ws, hash, 'records', '2000-01-01'));
    for (const root of [ws.rawDir, pointsDir(ws)]) {
      if (!existsSync(root)) continue;
      for (const day of readdirSync(root)) {
        const f = join(root, day, mine);
        if (!keep.has(f) && existsSync(f)) rmSync(f);
        if (/^date=/.test(day) && readdirSync(join(root, day)).length === 0)
          rmSync(join(root, day), { recursive: true });
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

/** How one input is committed. */
export interface CommitOptions {
  /** Names the staging folder's attempt; recorded in the log row. */
  attempt: string;
  /** Fingerprint of the key, recorded with the first commit (keys.ts). */
  fingerprint: string;
  /** Replace an earlier commit of the same content (--replace). */
  replace: boolean;
  afterCommit?: () => void;
}

/**
 * The commit point of one input: its quarantine rows (temp table `ingest_qo`) and its log row go
 * in one DuckDB transaction (with --replace, after deleting the earlier ones of that content),
 * then its staged partitions are renamed into place. A kill before the commit leaves raw/
 * untouched and the staging folder is discarded later; a kill after it leaves a committed input
 * whose renames `recover` finishes. Days the pipeline already ran that this changes are marked
 * stale (stale.ts).
 */
export async function commit(db: Duck, ws: Workspace, e: LogEntry, o: CommitOptions): Promise<void> {
  const dir = stagingDir(ws, e.contentHash);
  writeFileSync(join(dir, MANIFEST_FILE), JSON.stringify(readdirSync(dir).filter((n) => STAGED_RE.test(n))));
  await db.run('BEGIN TRANSACTION');
  try {
    let touched = e.days;
    if (o.replace) {
      const old = await logged(db, e.contentHash);
      touched = [...new Set([...touched, ...(old?.days ?? [])])];
      await db.run(`DELETE FROM quarantine WHERE content_hash = $1`, [e.contentHash]);
      await db.run(`DELETE FROM ingest_log WHERE content_hash = $1`, [e.contentHash]);
    }
    await db.run(
      `INSERT INTO quarantine SELECT $1, $2, row_no, reason, original FROM ingest_qo ORDER BY row_no`,
      [e.contentHash, e.file],
    );
    await db.run(
      `INSERT INTO ingest_log (content_hash, file, read, accepted, quarantined, format, points, days, reasons, attempt)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::VARCHAR[], $9, $10)`,
      [
        e.contentHash,
        e.file,
        e.read,
        e.accepted,
        e.quarantined,
        e.format,
        e.points,
        JSON.stringify(e.days),
        JSON.stringify(e.reasons),
        o.attempt,
      ],
    );
    await db.run(RECORD_KEY_SQL, { fingerprint: o.fingerprint });
    await markStale(db, touched, o.replace ? `input ${e.file} re-ingested` : `records added by ${e.file}`);
    await db.run('COMMIT');
  } catch (err) {
    await db.run('ROLLBACK');
    throw err;
  }
  o.afterCommit?.();
  rollForward(ws, e.contentHash);
}

/**
 * Brings a workspace back to a consistent state after a killed ingest: staged partitions of a
 * committed input are moved into place, those of an uncommitted one are deleted, and leftover
 * standard-input spools are removed. Returns what it did, one line per input.
 */
export async function recover(db: Duck, ws: Workspace): Promise<string[]> {
  const done: string[] = [];
  if (!existsSync(ws.tmpDir)) return done;
  for (const name of readdirSync(ws.tmpDir)) {
    const m = /^ingest-([0-9a-f]{64})$/.exec(name);
    if (m) {
      const hash = m[1]!;
      const entry = await logged(db, hash);
      // A staging folder belongs to the commit only if made by the attempt that committed: one
      // left by a killed --replace of a committed input is as unfinished as any other. (Both
      // are '' for a commit and a folder made before attempts were recorded.)
      const attempt = stagedAttempt(join(ws.tmpDir, name));
      if (entry && entry.attempt === attempt) {
        rollForward(ws, hash);
        done.push(`finished moving the partitions of committed input ${hash.slice(0, 16)}`);
      } else {
        rmSync(join(ws.tmpDir, name), { recursive: true, force: true });
        done.push(`discarded the unfinished partitions of input ${hash.slice(0, 16)}`);
      }
    } else if (name.startsWith(SPOOL_PREFIX)) {
      rmSync(join(ws.tmpDir, name), { force: true });
      done.push(`removed a leftover standard-input spool ${name}`);
    }
  }
  return done;
}
