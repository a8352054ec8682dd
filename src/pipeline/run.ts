import { existsSync, readdirSync } from 'node:fs';
import type { Duck } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import type { Workspace } from '../workspace.ts';
import { DEFAULT_DWELL_MINUTES, DWELL_TABLES, LEVELS, dwellsForDay } from './dwells.ts';
import { DEFAULT_STAY_OPTIONS, STAY_TABLES, staysForDay } from './stays.ts';
import type { StayOptions } from './stays.ts';
import { TRIP_TABLES, countOd, tripsForDay } from './trips.ts';
import { buildResidents } from './residents.ts';
import { buildPresence } from './presence.ts';
import { staleDays } from '../ingest/stale.ts';
import { ensureCellKeySecret, requireCellKeys } from '../privacy/disclosure.ts';
import { buildTraceLayout, hasTraceLayout } from '../tracing/layout.ts';

export interface RunOptions {
  dwellMinutes?: number;
  stay?: StayOptions;
  /** Run only days up to this one (YYYY-MM-DD). */
  to?: string;
  /** Drop every pipeline result and run all days again. */
  rebuild?: boolean;
  /** Tests only: called before each step ('day' with its day, 'derived' for residents and presence); throwing simulates its failure. */
  fault?: (step: 'day' | 'derived', day: string) => void;
}

export interface RunSummary {
  days: string[];
  stays: number;
  trips: number;
  seconds: number;
}

const RESULT_TABLES = [
  'pipeline_days',
  'stays',
  'open_stays',
  'dwells',
  'open_dwells',
  'last_visit',
  'trips',
  'od_daily',
  'stale_days',
  'trace_stays',
  'trace_stays_user',
];

/**
 * pipeline_days lists the days run. A run commits its days and the steps over many days (residents,
 * presence) at once, so its days are always `complete`; the column stays for workspaces of older
 * versions, which committed each day alone and could leave days whose derived steps had not run
 * (the next run redoes the derived steps over them).
 */
async function migrateDays(db: Duck): Promise<void> {
  const exists = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'pipeline_days'`,
  );
  if (!exists?.n) return;
  const has = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM information_schema.columns WHERE table_name = 'pipeline_days' AND column_name = 'complete'`,
  );
  if (!has?.n) {
    // Days of older workspaces ran residents and presence right after them. Checkpointed at once:
    // DuckDB 1.5 cannot replay an ADD COLUMN on a table with a DEFAULT current_timestamp column
    // from its WAL (duckdb/duckdb#18259).
    await db.run(`ALTER TABLE pipeline_days ADD COLUMN complete BOOLEAN DEFAULT true`);
    await db.run('CHECKPOINT');
  }
}

/** Creates the result tables a workspace not run yet lacks. */
async function createTables(db: Duck): Promise<void> {
  await db.run(`CREATE TABLE IF NOT EXISTS pipeline_days (day DATE PRIMARY KEY, dwell_minutes INTEGER,
    min_stay_minutes INTEGER, ran_at TIMESTAMP DEFAULT current_timestamp, complete BOOLEAN DEFAULT true)`);
  for (const sql of [STAY_TABLES, DWELL_TABLES, TRIP_TABLES]) await db.run(sql);
}

/** Refuses days whose inputs changed after they ran (stale.ts) unless all is being rebuilt. */
async function requireFresh(db: Duck): Promise<void> {
  const stale = await staleDays(db);
  if (!stale.length) return;
  const span = stale.length === 1 ? stale[0]!.day : `${stale[0]!.day} .. ${stale[stale.length - 1]!.day}`;
  throw new UserError(
    `${stale.length} day(s) already run changed since (${span}: ${stale[0]!.reason}): pass --rebuild to run them again`,
  );
}

/** Ingested days (raw/date=YYYY-MM-DD folders), sorted. */
export function ingestedDays(ws: Workspace): string[] {
  if (!existsSync(ws.rawDir)) return [];
  return readdirSync(ws.rawDir)
    .map((d) => /^date=(\d{4}-\d{2}-\d{2})$/.exec(d)?.[1])
    .filter((d): d is string => d !== undefined)
    .sort();
}

/**
 * Runs the pipeline incrementally, one day at a time in date order: each day
 * reads only its own partition plus the state carried from the day before
 * (open stays, open dwells, last visits), so running day D+1 never recomputes
 * day D. The whole run commits in one transaction: a crash or a failure leaves
 * the workspace as it was before the run.
 */
export async function runPipeline(
  ws: Workspace,
  opts: RunOptions = {},
  step: (day: string, done: number, total: number) => void = () => {},
): Promise<RunSummary> {
  const all = ingestedDays(ws);
  if (all.length === 0)
    throw new UserError(`workspace ${ws.root} has no ingested records yet: run 'epitrace ingest' first`);
  const dwellMinutes = opts.dwellMinutes ?? DEFAULT_DWELL_MINUTES;
  const stay = opts.stay ?? DEFAULT_STAY_OPTIONS;
  const db = await ws.openDuck();
  const t0 = performance.now();
  const fault = opts.fault ?? (() => {});
  try {
    // Outside the run's transaction: the migration checkpoints (see migrateDays).
    await migrateDays(db);
    // One transaction for the whole run (a --rebuild's drop included): nothing is written back
    // between days (the carried state lives in the transaction), and a failure anywhere leaves the
    // workspace exactly as it was.
    await db.run('BEGIN TRANSACTION');
    try {
      if (opts.rebuild) for (const t of RESULT_TABLES) await db.run(`DROP TABLE IF EXISTS ${t}`);
      else await requireFresh(db);
      await createTables(db);
      const done = await db.all<{ day: string; m: number }>(
        `SELECT strftime(day, '%Y-%m-%d') AS day, dwell_minutes AS m FROM pipeline_days ORDER BY day`,
      );
      const last = done[done.length - 1];
      if (last && last.m !== dwellMinutes) {
        throw new UserError(
          `days up to ${last.day} ran with --dwell-minutes ${last.m}; pass --rebuild to change it`,
        );
      }
      const doneSet = new Set(done.map((d) => d.day));
      const late = all.find((d) => !doneSet.has(d) && last !== undefined && d < last.day);
      if (late) {
        throw new UserError(
          `day ${late} was ingested after later days were run (up to ${last!.day}): pass --rebuild`,
        );
      }
      const todo = all.filter((d) => !doneSet.has(d) && (!opts.to || d <= opts.to));
      if (todo.length > 0) {
        // Once per run, not per day and level: od_daily needs cell keys, and its keys the workspace secret.
        await requireCellKeys(db);
        await ensureCellKeySecret(db);
      }
      let stays = 0;
      let trips = 0;
      const from = todo[0];
      for (const [i, day] of todo.entries()) {
        step(day, i, todo.length);
        fault('day', day);
        stays += await staysForDay(db, ws.rawDir, day, stay);
        for (const level of LEVELS) {
          await dwellsForDay(db, level, day);
          trips += await tripsForDay(db, level, day, dwellMinutes);
        }
        await db.run(
          `INSERT INTO pipeline_days (day, dwell_minutes, complete) VALUES ($1::DATE, $2, false)`,
          [day, dwellMinutes],
        );
      }
      if (from !== undefined) await countOd(db, from);
      // Residents are monthly: recomputed from the stays when any day ran (cheap next to the daily
      // steps), with presence over the days not complete yet (this run's and any an older version left).
      const open = await db.all<{ day: string }>(
        `SELECT strftime(day, '%Y-%m-%d') AS day FROM pipeline_days WHERE NOT complete ORDER BY day`,
      );
      if (open.length > 0) {
        fault('derived', open[0]!.day);
        await buildResidents(db);
        await buildPresence(db, open[0]!.day, open[open.length - 1]!.day);
        await db.run(`UPDATE pipeline_days SET complete = true WHERE NOT complete`);
      }
      // The tracing layout (sorted copies of the stays) is rebuilt whole: companion searches read it.
      if (todo.length > 0 || !(await hasTraceLayout(db))) await buildTraceLayout(db);
      await db.run('COMMIT');
      step('', todo.length, todo.length);
      return { days: todo, stays, trips, seconds: (performance.now() - t0) / 1000 };
    } catch (e) {
      await db.run('ROLLBACK');
      throw e;
    }
  } finally {
    db.close();
  }
}
