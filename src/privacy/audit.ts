import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';

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

const GENESIS = '0'.repeat(64);

function entryHash(
  prev: string,
  at: string,
  username: string | null,
  action: string,
  detail: string,
): string {
  return createHash('sha256')
    .update(JSON.stringify([prev, at, username, action, detail]))
    .digest('hex');
}

/**
 * An append-only audit log whose entries are hash-chained: editing or deleting
 * an entry breaks every hash after it, which `verify` detects.
 */
export class AuditLog {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Appends one entry; detail is stored as JSON. */
  record(username: string | null, action: string, detail: Record<string, unknown> = {}): void {
    const at = this.now().toISOString();
    const d = JSON.stringify(detail);
    this.db.transaction(() => {
      const last = this.db.prepare('SELECT hash FROM audit ORDER BY id DESC LIMIT 1').get() as
        { hash: string } | undefined;
      const prev = last?.hash ?? GENESIS;
      this.db
        .prepare(
          'INSERT INTO audit (at, username, action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(at, username, action, d, prev, entryHash(prev, at, username, action, d));
    })();
  }

  /** Most recent entries first. */
  recent(limit = 100): AuditEntry[] {
    return this.db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(limit) as AuditEntry[];
  }

  /** The id of the first entry whose chain is broken, or null when the whole log verifies. */
  verify(): number | null {
    let prev = GENESIS;
    for (const e of this.db.prepare('SELECT * FROM audit ORDER BY id').iterate() as Iterable<AuditEntry>) {
      if (e.prev_hash !== prev || e.hash !== entryHash(prev, e.at, e.username, e.action, e.detail))
        return e.id;
      prev = e.hash;
    }
    return null;
  }
}
