import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Duck } from '../db/duck.ts';
import type { Workspace } from '../workspace.ts';
import { SPOOL_PREFIX } from './inputs.ts';
import { finalPath, stagingDir } from './partitions.ts';
import type { Kind } from './partitions.ts';

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
const LATER_COLUMNS = { format: 'VARCHAR', points: 'BIGINT', days: 'VARCHAR[]', reasons: 'VARCHAR' };

/**
 * Creates the ingest_log and quarantine tables, or extends an older ingest_log. An ALTER is
 * checkpointed at once: DuckDB 1.5 cannot replay from its WAL an ADD COLUMN on a table with a
 * `DEFAULT current_timestamp` column (duckdb/duckdb#18259), so a crash would leave the database
 * unopenable.
 */
export async function ensureTables(db: Duck): Promise<void> {
  await db.run(`CREATE TABLE IF NOT EXISTS ingest_log (
    content_hash VARCHAR PRIMARY KEY, file VARCHAR, read BIGINT, accepted BIGINT, quarantined BIGINT,
    ingested_at TIMESTAMP DEFAULT current_timestamp, format VARCHAR, points BIGINT, days VARCHAR[], reasons VARCHAR)`);
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
}

/** The log entry of an input already ingested, if any. */
export async function logged(db: Duck, hash: string): Promise<LogEntry | undefined> {
  const r = await db.one<Omit<LogEntry, 'reasons' | 'contentHash'> & { reasons: string | null }>(
    `SELECT file, coalesce(format, '') AS format, read::DOUBLE AS read, accepted::DOUBLE AS accepted,
            quarantined::DOUBLE AS quarantined, coalesce(points, 0)::DOUBLE AS points,
            coalesce(days, []) AS days, reasons
     FROM ingest_log WHERE content_hash = $1`,
    [hash],
  );
  if (!r) return undefined;
  return { ...r, contentHash: hash, reasons: r.reasons ? JSON.parse(r.reasons) : {} };
}

/** Moves an input's staged partitions to their final names; safe to repeat. */
export function rollForward(ws: Workspace, hash: string): void {
  const dir = stagingDir(ws, hash);
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const m = /^(records|points)-(\d{4}-\d{2}-\d{2})\.parquet$/.exec(name);
    if (!m) continue;
    const to = finalPath(ws, hash, m[1] as Kind, m[2]!);
    mkdirSync(dirname(to), { recursive: true });
    renameSync(join(dir, name), to);
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The commit point of one input: its quarantine rows (temp table `ingest_qo`) and its log row go
 * in one DuckDB transaction, then its staged partitions are renamed into place. A kill before
 * the commit leaves raw/ untouched and the staging folder is discarded later; a kill after it
 * leaves a committed input whose renames `recover` finishes.
 */
export async function commit(db: Duck, ws: Workspace, e: LogEntry, afterCommit?: () => void): Promise<void> {
  await db.run('BEGIN TRANSACTION');
  try {
    await db.run(
      `INSERT INTO quarantine SELECT $1, $2, row_no, reason, original FROM ingest_qo ORDER BY row_no`,
      [e.contentHash, e.file],
    );
    await db.run(
      `INSERT INTO ingest_log (content_hash, file, read, accepted, quarantined, format, points, days, reasons)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::VARCHAR[], $9)`,
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
      ],
    );
    await db.run('COMMIT');
  } catch (err) {
    await db.run('ROLLBACK');
    throw err;
  }
  afterCommit?.();
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
      if (await logged(db, hash)) {
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
