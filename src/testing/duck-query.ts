import { Duck } from '../db/duck.ts';

/** Runs one query on a fresh in-memory DuckDB (for tests that read Parquet files) and closes it. */
export async function query<T>(sql: string): Promise<T[]> {
  const db = await Duck.open({ path: ':memory:' });
  try {
    return await db.all<T>(sql);
  } finally {
    db.close();
  }
}
