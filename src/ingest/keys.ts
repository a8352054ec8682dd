import { createHmac } from 'node:crypto';
import type { Duck } from '../db/duck.ts';
import { UserError } from '../errors.ts';

/** Fixed message whose HMAC under the key identifies the key; 'v1' names this scheme. */
const FINGERPRINT_MESSAGE = 'epitrace key fingerprint v1';

/**
 * A fingerprint of the pseudonymisation key: HMAC-SHA-256(key, fixed message), 16 hex
 * characters (64 bits). It tells two keys apart without revealing either: recovering the key
 * from it is as hard as breaking HMAC.
 */
export function keyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update(FINGERPRINT_MESSAGE, 'utf8').digest('hex').slice(0, 16);
}

/** Creates the table holding the workspace's key fingerprint (one row once anything is committed). */
export async function ensureKeyTable(db: Duck): Promise<void> {
  await db.run(`CREATE TABLE IF NOT EXISTS key_fingerprint (fingerprint VARCHAR, recorded_at TIMESTAMP)`);
}

/**
 * Refuses a key other than the one the workspace's records were pseudonymised with: pseudonyms
 * under two keys never match, so one person would become two. Nothing is written here.
 */
export async function checkKey(db: Duck, key: Buffer): Promise<void> {
  const row = await db.one<{ fingerprint: string }>(`SELECT fingerprint FROM key_fingerprint LIMIT 1`);
  const mine = keyFingerprint(key);
  if (row && row.fingerprint !== mine) {
    throw new UserError(
      `this workspace was pseudonymised with another key (fingerprint ${row.fingerprint.slice(0, 8)}..., ` +
        `this key ${mine.slice(0, 8)}...): use the workspace's key; pseudonyms from two keys never match`,
    );
  }
}

/** SQL recording the key's fingerprint, inside a commit, unless one is recorded ($fingerprint). */
export const RECORD_KEY_SQL = `INSERT INTO key_fingerprint
  SELECT $fingerprint, current_timestamp WHERE NOT EXISTS (SELECT 1 FROM key_fingerprint)`;
