import type { DuckDBValue } from '@duckdb/node-api';
import type { Duck } from '../db/duck.ts';

/** Named values shared by the statements of one ingest ($ipad, $from_ts, ...). */
export type Named = Record<string, DuckDBValue>;

/** The named values a statement mentions: DuckDB refuses a statement given values it does not use. */
export function usedBy(sql: string, values: Named): Named {
  const out: Named = {};
  for (const m of sql.matchAll(/\$([A-Za-z_]\w*)/g)) {
    const name = m[1]!;
    if (name in values) out[name] = values[name]!;
  }
  return out;
}

/** Runs one statement, binding only the named values it mentions. */
export async function exec(db: Duck, sql: string, values: Named = {}): Promise<void> {
  await db.run(sql, usedBy(sql, values));
}

/** Runs a query, binding only the named values it mentions, and returns plain rows. */
export async function rows<T>(db: Duck, sql: string, values: Named = {}): Promise<T[]> {
  return db.all<T>(sql, usedBy(sql, values));
}

/** Runs a COPY ... TO and returns how many rows it wrote. */
export async function copied(db: Duck, sql: string, values: Named = {}): Promise<number> {
  const r = await db.all<{ Count: bigint }>(sql, usedBy(sql, values));
  return Number(r[0]?.Count ?? 0);
}
