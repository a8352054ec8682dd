import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { UserError } from '../errors.ts';

/** One audited action. */
export interface AuditEntry {
  id: number;
  at: string;
  username: string | null;
  action: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

/** Where the chain key and the checkpoints live: outside the databases, ideally off the workspace volume. */
export interface AuditFiles {
  keyPath: string;
  checkpointPath: string;
}

/** Environment variable naming the folder of audit.key and audit.checkpoints (default <workspace>/keys). */
export const AUDIT_DIR_ENV = 'EPITRACE_AUDIT_DIR';

/** The audit files of a workspace: $EPITRACE_AUDIT_DIR, else `dir`, else <workspace>/keys. */
export function auditFiles(workspaceRoot: string, dir?: string): AuditFiles {
  const d = dir || process.env[AUDIT_DIR_ENV] || join(workspaceRoot, 'keys');
  return { keyPath: join(d, 'audit.key'), checkpointPath: join(d, 'audit.checkpoints') };
}

/** Reads the chain key, creating a random 32-byte key (mode 0600) at first use unless `create` is false. */
export function loadAuditKey(path: string, create = true): Buffer {
  if (!existsSync(path)) {
    if (!create) throw new UserError(`audit key ${path} not found: set ${AUDIT_DIR_ENV} or --audit-dir`);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  }
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
  if (key.length < 32) throw new UserError(`audit key ${path} is not 64 hex digits`);
  return key;
}

const GENESIS = '0'.repeat(64);

function mac(key: Buffer, parts: unknown[]): string {
  return createHmac('sha256', key).update(JSON.stringify(parts)).digest('hex');
}

function same(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Why `verify` failed, naming the first bad entry when there is one. */
export interface AuditProblem {
  id: number | null;
  reason: string;
}

/** Write a checkpoint at least this often (entries); also on close. */
export const CHECKPOINT_EVERY = 100;

/**
 * An append-only audit log whose entries are chained with HMAC-SHA-256 under a
 * key kept outside the database: editing a row, or rewriting the chain without
 * the key, breaks the MAC; deleting the tail leaves fewer rows (or another last
 * hash) than the last checkpoint, a MACed line appended to a file outside the database.
 */
export class AuditLog {
  private sinceCheckpoint = 0;
  /** The last checkpoint this process wrote: the next one counts only the entries after it. */
  private lastCheckpoint: { n: number; id: number } | null = null;
  /** Appends one chained entry in an IMMEDIATE transaction; prepared on first use. */
  private append: ((at: string, username: string | null, action: string, d: string) => void) | null = null;

  constructor(
    private readonly db: Database,
    private readonly key: Buffer,
    private readonly checkpointPath: string,
    private readonly now: () => Date = () => new Date(),
    private readonly every = CHECKPOINT_EVERY,
  ) {}

  /** Appends one entry; detail is stored as JSON. */
  record(username: string | null, action: string, detail: Record<string, unknown> = {}): void {
    const at = this.now().toISOString();
    const d = JSON.stringify(detail);
    // Prepared once: the server records every request, and preparing cost 5% of its CPU under load.
    if (!this.append) {
      const lastHash = this.db.prepare('SELECT hash FROM audit ORDER BY id DESC LIMIT 1');
      const insert = this.db.prepare(
        'INSERT INTO audit (at, username, action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)',
      );
      const tx = this.db.transaction((at: string, username: string | null, action: string, d: string) => {
        const prev = (lastHash.get() as { hash: string } | undefined)?.hash ?? GENESIS;
        insert.run(at, username, action, d, prev, mac(this.key, [prev, at, username, action, d]));
      });
      // IMMEDIATE: take the write lock before reading the last hash, so two processes (server and CLI) cannot fork the chain.
      this.append = (...a) => tx.immediate(...a);
    }
    this.append(at, username, action, d);
    if (++this.sinceCheckpoint >= this.every) this.checkpoint();
  }

  /** Appends a checkpoint line: count, last id, last hash, time, and a MAC over them. */
  checkpoint(): void {
    // A full count scans the whole table (SQLite keeps no row count): at a million entries that took
    // most of the server's CPU under load (bench/serve.ts). Only the first checkpoint of a process
    // counts everything; later ones add the entries after the previous one (any process's). Rows
    // deleted below it are then not recounted into the checkpoint, and verify() reports them.
    const prev = this.lastCheckpoint;
    const s = (
      prev === null
        ? this.db.prepare('SELECT count(*) AS n, max(id) AS id FROM audit').get()
        : this.db
            .prepare('SELECT ? + count(*) AS n, coalesce(max(id), ?) AS id FROM audit WHERE id > ?')
            .get(prev.n, prev.id, prev.id)
    ) as { n: number; id: number | null };
    const last =
      s.id === null
        ? GENESIS
        : (this.db.prepare('SELECT hash FROM audit WHERE id = ?').get(s.id) as { hash: string }).hash;
    const fields = [String(s.n), String(s.id ?? 0), last, this.now().toISOString()];
    mkdirSync(dirname(this.checkpointPath), { recursive: true, mode: 0o700 });
    appendFileSync(this.checkpointPath, `${[...fields, mac(this.key, fields)].join(' ')}\n`, { mode: 0o600 });
    this.sinceCheckpoint = 0;
    this.lastCheckpoint = { n: s.n, id: s.id ?? 0 };
  }

  /** Most recent entries first. */
  recent(limit = 100): AuditEntry[] {
    return this.db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(limit) as AuditEntry[];
  }

  /** Number of entries. */
  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM audit').get() as { n: number }).n;
  }

  /** The first problem found, or null when the chain and the last checkpoint agree. */
  verify(): AuditProblem | null {
    // Checkpoints first, so the walk below only keeps the one hash it must compare.
    let cp: { count: number; id: number; hash: string } | null = null;
    if (existsSync(this.checkpointPath)) {
      const lines = readFileSync(this.checkpointPath, 'utf8').split('\n').filter(Boolean);
      for (const [i, line] of lines.entries()) {
        const f = line.split(' ');
        if (f.length !== 5 || !same(f[4]!, mac(this.key, f.slice(0, 4))))
          return { id: null, reason: `checkpoint line ${i + 1} does not match the key` };
        cp = { count: Number(f[0]), id: Number(f[1]), hash: f[2]! };
      }
    }
    let prev = GENESIS;
    let n = 0;
    let atCheckpoint: string | undefined;
    for (const e of this.db.prepare('SELECT * FROM audit ORDER BY id').iterate() as Iterable<AuditEntry>) {
      if (e.prev_hash !== prev)
        return {
          id: e.id,
          reason: 'previous hash does not match: an entry before it was deleted or reordered',
        };
      if (!same(e.hash, mac(this.key, [prev, e.at, e.username, e.action, e.detail])))
        return {
          id: e.id,
          reason: 'hash does not match the key: the entry was edited or the chain re-hashed',
        };
      prev = e.hash;
      n++;
      if (e.id === cp?.id) atCheckpoint = e.hash;
    }
    if (!cp) return n > 0 ? { id: null, reason: `no checkpoint in ${this.checkpointPath}` } : null;
    if (n < cp.count)
      return {
        id: cp.id,
        reason: `${n} entries, fewer than the ${cp.count} of the last checkpoint: the tail was deleted`,
      };
    if (cp.id > 0 && atCheckpoint !== cp.hash)
      return { id: cp.id, reason: 'entry differs from the last checkpoint (deleted or replaced)' };
    return null;
  }
}
