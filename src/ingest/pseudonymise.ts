import { blobValue } from '@duckdb/node-api';
import type { DuckDBBlobValue } from '@duckdb/node-api';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';

/** Shortest key we accept: 32 bytes, the HMAC-SHA-256 block-size guidance of RFC 2104 section 3. */
const MIN_KEY_BYTES = 32;

/**
 * The pseudonymisation key, from `--key-file` or EPITRACE_HMAC_KEY. It is never
 * written into a workspace: whoever holds it can re-link pseudonyms to people.
 */
export function loadKey(keyFile: string | undefined, env: NodeJS.ProcessEnv = process.env): Buffer {
  let key: Buffer;
  if (keyFile) {
    try {
      key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'utf8');
    } catch (e) {
      throw new UserError(
        `cannot read key file ${keyFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      );
    }
  } else if (env['EPITRACE_HMAC_KEY']) {
    key = Buffer.from(env['EPITRACE_HMAC_KEY'], 'utf8');
  } else {
    throw new UserError(
      'no pseudonymisation key: pass --key-file FILE or set EPITRACE_HMAC_KEY (at least 32 characters); it is never stored in the workspace',
    );
  }
  if (key.length < MIN_KEY_BYTES) {
    throw new UserError(`pseudonymisation key is ${key.length} bytes; use at least ${MIN_KEY_BYTES}`);
  }
  return key;
}

/** Keyed HMAC-SHA-256 of an identifier, as 32 hex characters (128 bits: collisions negligible at 10^9 ids). */
export function pseudonym(key: Buffer, id: string): string {
  return createHmac('sha256', key).update(id, 'utf8').digest('hex').slice(0, 32);
}

/** HMAC-SHA-256 block size in bytes (RFC 2104 section 2, B = 64 for SHA-256). */
const HMAC_BLOCK_BYTES = 64;

/**
 * The key's inner and outer HMAC pads, bound as $ipad and $opad so DuckDB computes the same
 * pseudonym as `pseudonym()` on every row without the raw identifiers leaving the engine.
 */
export function hmacParams(key: Buffer): { ipad: DuckDBBlobValue; opad: DuckDBBlobValue } {
  const k = Buffer.alloc(HMAC_BLOCK_BYTES);
  (key.length > HMAC_BLOCK_BYTES ? createHash('sha256').update(key).digest() : key).copy(k);
  return {
    ipad: blobValue(k.map((b) => b ^ 0x36)),
    opad: blobValue(k.map((b) => b ^ 0x5c)),
  };
}

/** SQL for `pseudonym(key, x)` given the bound $ipad and $opad of `hmacParams`. */
export function pseudonymSql(x: string): string {
  return `substr(sha256($opad || unhex(sha256($ipad || encode(${x})))), 1, 32)`;
}
