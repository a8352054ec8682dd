import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Database } from 'better-sqlite3';

export type Role = 'admin' | 'epidemiologist' | 'tracer' | 'engineer';

export interface Account {
  username: string;
  role: Role;
  regions: string;
  expiresAt: string;
}

/** Accounts expire after 3 days unless renewed, as the 2020 operator platform's did. */
export const DEFAULT_ACCOUNT_DAYS = 3;
/** A session lasts at most 12 hours, and never beyond its account's expiry. */
export const SESSION_HOURS = 12;

const DAY_MS = 86_400_000;

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A random password for one-time use: 16 bytes, base64url (128 bits). */
export function randomPassword(): string {
  return randomBytes(16).toString('base64url');
}

/** Accounts and sessions in the application database; passwords hashed with Argon2id. */
export class Accounts {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates or replaces an account (new password, new expiry). */
  async upsert(
    username: string,
    password: string,
    role: Role,
    days = DEFAULT_ACCOUNT_DAYS,
  ): Promise<Account> {
    const t = this.now();
    const expiresAt = new Date(t.getTime() + days * DAY_MS).toISOString();
    const pw = await hash(password);
    this.db
      .prepare(
        `INSERT INTO accounts (username, pw_hash, role, expires_at, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (username) DO UPDATE SET pw_hash = excluded.pw_hash, role = excluded.role,
           expires_at = excluded.expires_at`,
      )
      .run(username, pw, role, expiresAt, t.toISOString());
    this.db.prepare('DELETE FROM sessions WHERE username = ?').run(username);
    return { username, role, regions: '*', expiresAt };
  }

  /** The account if the password is right and the account has not expired; null otherwise. */
  async check(username: string, password: string): Promise<Account | null> {
    const row = this.db
      .prepare('SELECT username, pw_hash, role, regions, expires_at FROM accounts WHERE username = ?')
      .get(username) as
      { username: string; pw_hash: string; role: Role; regions: string; expires_at: string } | undefined;
    if (!row || !(await verify(row.pw_hash, password))) return null;
    if (row.expires_at <= this.now().toISOString()) return null;
    return { username: row.username, role: row.role, regions: row.regions, expiresAt: row.expires_at };
  }

  /** Opens a session; returns the bearer token (only its hash is stored). */
  openSession(account: Account): { token: string; expiresAt: string } {
    const t = this.now();
    const token = randomBytes(32).toString('base64url');
    const cap = new Date(t.getTime() + SESSION_HOURS * 3_600_000).toISOString();
    const expiresAt = cap < account.expiresAt ? cap : account.expiresAt;
    this.db
      .prepare('INSERT INTO sessions (token_hash, username, expires_at, created_at) VALUES (?, ?, ?, ?)')
      .run(tokenHash(token), account.username, expiresAt, t.toISOString());
    return { token, expiresAt };
  }

  /** The account behind a live session token, or null. */
  session(token: string): Account | null {
    const now = this.now().toISOString();
    const row = this.db
      .prepare(
        `SELECT a.username, a.role, a.regions, a.expires_at FROM sessions s JOIN accounts a USING (username)
         WHERE s.token_hash = ? AND s.expires_at > ? AND a.expires_at > ?`,
      )
      .get(tokenHash(token), now, now) as
      { username: string; role: Role; regions: string; expires_at: string } | undefined;
    return row
      ? { username: row.username, role: row.role, regions: row.regions, expiresAt: row.expires_at }
      : null;
  }

  closeSession(token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash(token));
  }
}
