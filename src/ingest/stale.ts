import type { Duck } from '../db/duck.ts';

/**
 * Days the pipeline already ran whose inputs changed since (new records for the day, an input
 * re-ingested with --replace, a new cell registry version). `run` refuses them until
 * `run --rebuild`, which empties this table.
 */
export async function ensureStaleTable(db: Duck): Promise<void> {
  await db.run(`CREATE TABLE IF NOT EXISTS stale_days (day DATE PRIMARY KEY, reason VARCHAR)`);
}

async function hasTable(db: Duck, name: string): Promise<boolean> {
  const r = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = $1`,
    [name],
  );
  return (r?.n ?? 0) > 0;
}

/** Marks which of `days` (all run days when undefined) the pipeline already ran as stale. */
export async function markStale(db: Duck, days: string[] | undefined, reason: string): Promise<void> {
  if (!(await hasTable(db, 'pipeline_days'))) return;
  if (days === undefined) {
    await db.run(`INSERT OR IGNORE INTO stale_days SELECT day, $1 FROM pipeline_days`, [reason]);
  } else if (days.length) {
    await db.run(
      `INSERT OR IGNORE INTO stale_days SELECT day, $1 FROM pipeline_days
       WHERE day IN (SELECT unnest($2::VARCHAR[])::DATE)`,
      [reason, JSON.stringify(days)],
    );
  }
}

/** Stale days, oldest first, with why (none when ingest never created the table). */
export async function staleDays(db: Duck): Promise<{ day: string; reason: string }[]> {
  if (!(await hasTable(db, 'stale_days'))) return [];
  return db.all(`SELECT strftime(day, '%Y-%m-%d') AS day, reason FROM stale_days ORDER BY day`);
}
