import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Database } from 'better-sqlite3';
import { HttpError } from '../errors.ts';
import { normaliseRegions } from './scope.ts';

/** admin: accounts and audit (and aggregates); analyst: aggregates; tracer: aggregates and individual-level data with a case reference; public: the public page only. */
export const ROLES = ['admin', 'analyst', 'tracer', 'public'] as const;
export type Role = (typeof ROLES)[number];

export interface Account {
  username: string;
  role: Role;
  /** '*' or a comma list of 6-digit division codes (see scope.ts). */
  regions: string;
  expiresAt: string;
}

/** What an administrator sees of an account (never the hash). */
export interface AccountRow extends Account {
  createdAt: string;
  disabled: boolean;
}

/** Accounts expire after 3 days unless renewed, as the 2020 operator platform's did. */
export const DEFAULT_ACCOUNT_DAYS = 3;
/** A session lasts at most 12 hours, and never beyond its account's expiry. */
export const SESSION_HOURS = 12;

const DAY_MS = 86_400_000;
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A random password for one-time use: 16 bytes, base64url (128 bits). */
export function randomPassword(): string {
  return randomBytes(16).toString('base64url');
}

/** Throws a 400 naming the field unless the username is 1-64 letters, digits, '.', '_' or '-'. */
export function checkUsername(username: string): void {
  if (!USERNAME.test(username))
    throw new HttpError(
      400,
      `username: '${username}' must be 1-64 letters, digits, '.', '_' or '-'`,
      'username',
    );
}

/** Throws a 400 unless the password has 12 to 256 characters. */
export function checkPassword(password: string): void {
  if (password.length < 12 || password.length > 256)
    throw new HttpError(400, 'password: must have 12 to 256 characters', 'password');
}

type Row = {
  username: string;
  pw_hash: string;
  role: Role;
  regions: string;
  expires_at: string;
  created_at: string;
  disabled: number;
};

const toAccount = (r: Row): Account => ({
  username: r.username,
  role: r.role,
  regions: r.regions,
  expiresAt: r.expires_at,
});

/** Accounts and sessions in the application database; passwords hashed with Argon2id. */
export class Accounts {
  // Verified against when the username is unknown, so an unknown user costs one Argon2 verify like a known one.
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private row(username: string): Row | undefined {
    return this.db.prepare('SELECT * FROM accounts WHERE username = ?').get(username) as Row | undefined;
  }

  private expiry(days: number): string {
    if (!Number.isInteger(days) || days < 1 || days > 366)
      throw new HttpError(400, `days: must be a whole number from 1 to 366, got ${days}`, 'days');
    return new Date(this.now().getTime() + days * DAY_MS).toISOString();
  }

  /** Creates or replaces an account (new password, role, regions, expiry; sessions closed). */
  async upsert(
    username: string,
    password: string,
    role: Role,
    days = DEFAULT_ACCOUNT_DAYS,
    regions = '*',
  ): Promise<Account> {
    checkUsername(username);
    const r = normaliseRegions(regions);
    const expiresAt = this.expiry(days);
    const pw = await hash(password);
    this.db
      .prepare(
        `INSERT INTO accounts (username, pw_hash, role, regions, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (username) DO UPDATE SET pw_hash = excluded.pw_hash, role = excluded.role,
           regions = excluded.regions, expires_at = excluded.expires_at, disabled = 0`,
      )
      .run(username, pw, role, r, expiresAt, this.now().toISOString());
    this.db.prepare('DELETE FROM sessions WHERE username = ?').run(username);
    return { username, role, regions: r, expiresAt };
  }

  /** Creates a new account; 409 if the name is taken. */
  async create(
    username: string,
    password: string,
    role: Role,
    opts: { days?: number; regions?: string } = {},
  ): Promise<Account> {
    checkUsername(username);
    checkPassword(password);
    if (!(ROLES as readonly string[]).includes(role))
      throw new HttpError(400, `role: must be one of ${ROLES.join(', ')}`, 'role');
    if (this.row(username)) throw new HttpError(409, `username: '${username}' already exists`, 'username');
    return this.upsert(username, password, role, opts.days ?? DEFAULT_ACCOUNT_DAYS, opts.regions ?? '*');
  }

  private existing(username: string): Row {
    const r = this.row(username);
    if (!r) throw new HttpError(404, `username: no account '${username}'`, 'username');
    return r;
  }

  /** Extends an account to `days` from now and re-enables it. */
  renew(username: string, days = DEFAULT_ACCOUNT_DAYS): Account {
    this.existing(username);
    const expiresAt = this.expiry(days);
    this.db
      .prepare('UPDATE accounts SET expires_at = ?, disabled = 0 WHERE username = ?')
      .run(expiresAt, username);
    return toAccount(this.existing(username));
  }

  /** Disables an account and closes its sessions. */
  disable(username: string): Account {
    this.existing(username);
    this.db.prepare('UPDATE accounts SET disabled = 1 WHERE username = ?').run(username);
    this.db.prepare('DELETE FROM sessions WHERE username = ?').run(username);
    return toAccount(this.existing(username));
  }

  /** Sets a new password and closes the account's sessions. */
  async setPassword(username: string, password: string): Promise<Account> {
    this.existing(username);
    checkPassword(password);
    const pw = await hash(password);
    this.db.prepare('UPDATE accounts SET pw_hash = ? WHERE username = ?').run(pw, username);
    this.db.prepare('DELETE FROM sessions WHERE username = ?').run(username);
    return toAccount(this.existing(username));
  }

  /** All accounts, by name. */
  list(): AccountRow[] {
    return (this.db.prepare('SELECT * FROM accounts ORDER BY username').all() as Row[]).map((r) => ({
      ...toAccount(r),
      createdAt: r.created_at,
      disabled: r.disabled !== 0,
    }));
  }

  /** The account if the password is right and the account is live; null otherwise. Same cost whether or not the user exists. */
  async check(username: string, password: string): Promise<Account | null> {
    const row = this.row(username);
    this.dummyHash ??= hash(randomPassword());
    const ok = await verify(row?.pw_hash ?? (await this.dummyHash), password);
    if (!row || !ok || row.disabled) return null;
    if (row.expires_at <= this.now().toISOString()) return null;
    return toAccount(row);
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
        `SELECT a.* FROM sessions s JOIN accounts a USING (username)
         WHERE s.token_hash = ? AND s.expires_at > ? AND a.expires_at > ? AND a.disabled = 0`,
      )
      .get(tokenHash(token), now, now) as Row | undefined;
    return row ? toAccount(row) : null;
  }

  /** Ends one session. */
  closeSession(token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash(token));
  }
}
