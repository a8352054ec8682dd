/**
 * Pseudonyms in SQL. Since workspace format 2 the hot tables (raw partitions, stays, dwells,
 * trips, residents, trace_*) hold a pseudonym as DuckDB UUID: the same 128 bits as the 32 hex
 * characters of `pseudonym()` (src/ingest/pseudonymise.ts), stored as a 16-byte integer instead
 * of a 33-byte string. UUID rather than UHUGEINT because Parquet has no 128-bit integer and DuckDB
 * writes UHUGEINT to it as DOUBLE (lossy); UUID is written as FIXED_LEN_BYTE_ARRAY(16). DuckDB
 * orders UUIDs as their hex text, so every ORDER BY user_id (and every tie-break) is unchanged.
 * Both helpers accept either type (a UUID or a 32-hex VARCHAR), so small tables that keep the hex
 * text (the case registry's) compare without caring which they hold.
 */

/** SQL: `n` bound 32-hex pseudonyms from `$from` on, each cast to UUID (so a UUID column's zone maps still prune). */
export function uidPlaceholders(n: number, from = 1): string {
  return Array.from({ length: n }, (_, i) => uid(`$${from + i}`)).join(', ');
}

/** SQL: the pseudonym expression `x` (UUID or 32-hex VARCHAR) as UUID. */
export function uid(x: string): string {
  return `CAST(${x} AS UUID)`;
}

/** SQL: the pseudonym expression `x` (UUID or 32-hex VARCHAR) as 32 lowercase hex characters, as shown. */
export function uidHex(x: string): string {
  return `replace(CAST(${x} AS VARCHAR), '-', '')`;
}
