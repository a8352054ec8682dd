import Database from 'better-sqlite3';
import type { Database as DB } from 'better-sqlite3';

/** Bumped when the schema changes; `PRAGMA user_version` records what a file has. */
const SCHEMA_VERSION = 3;

const ACCOUNTS = `
CREATE TABLE IF NOT EXISTS accounts (
  username TEXT PRIMARY KEY,
  pw_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'tracer', 'public')),
  regions TEXT NOT NULL DEFAULT '*',
  expires_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0
);`;

const AUDIT = `
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  username TEXT,
  action TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);`;

/**
 * Version 3: background jobs (landing folder, ingest, run, publish), written by job
 * processes and read by the server and `epitrace status`; WAL makes that safe across processes.
 */
const JOBS = `
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
  pid INTEGER,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  heartbeat_at TEXT,
  step TEXT,
  done INTEGER,
  total INTEGER,
  inputs TEXT NOT NULL DEFAULT '[]',
  result TEXT,
  error TEXT,
  snapshot_id INTEGER
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state);`;

const SCHEMA = `${ACCOUNTS}
CREATE TABLE IF NOT EXISTS sessions (
  token_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL REFERENCES accounts (username) ON DELETE CASCADE,
  expires_at TEXT NOT NULL,
  created_at TEXT NOT NULL
);${AUDIT}${JOBS}`;

function hasTable(db: DB, name: string): boolean {
  return !!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name);
}

/**
 * Version 1 -> 2: roles 'epidemiologist' and 'engineer' become 'analyst' (the
 * CHECK constraint changes, so the table is rebuilt), accounts gain `disabled`;
 * the unkeyed SHA-256 audit chain is kept aside as `audit_v1` and a keyed chain starts.
 */
function migrateV1(db: DB): void {
  db.pragma('foreign_keys = OFF');
  db.transaction(() => {
    db.exec('ALTER TABLE accounts RENAME TO accounts_v1');
    db.exec(ACCOUNTS);
    db.exec(`INSERT INTO accounts (username, pw_hash, role, regions, expires_at, created_at)
      SELECT username, pw_hash,
        CASE WHEN role IN ('epidemiologist', 'engineer') THEN 'analyst' ELSE role END,
        regions, expires_at, created_at FROM accounts_v1`);
    db.exec('DROP TABLE accounts_v1');
    if (hasTable(db, 'audit')) {
      const n = (db.prepare('SELECT count(*) AS n FROM audit').get() as { n: number }).n;
      if (n > 0) db.exec('ALTER TABLE audit RENAME TO audit_v1');
      else db.exec('DROP TABLE audit');
    }
  })();
  db.pragma('foreign_keys = ON');
}

/** Opens the application database (accounts, sessions, audit, jobs) with WAL and foreign keys on, migrating old files. */
export function openAppDb(path: string): DB {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // NORMAL is corruption-safe under WAL and keeps one audit insert per request cheap.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  // Version 2 -> 3 only adds the jobs table (CREATE IF NOT EXISTS below).
  if (version < 2 && hasTable(db, 'accounts')) migrateV1(db);
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  return db;
}
