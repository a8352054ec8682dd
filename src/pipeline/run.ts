import { existsSync, readdirSync } from 'node:fs';
import type { Duck } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import type { Workspace } from '../workspace.ts';
import { DEFAULT_DWELL_MINUTES, DWELL_TABLES, LEVELS, dwellsForDay } from './dwells.ts';
import { DEFAULT_STAY_OPTIONS, STAY_TABLES, staysForDay } from './stays.ts';
import type { StayOptions } from './stays.ts';
import { TRIP_TABLES, tripsForDay } from './trips.ts';
import { buildResidents } from './residents.ts';
import { buildPresence } from './presence.ts';

export interface RunOptions {
  dwellMinutes?: number;
  stay?: StayOptions;
  /** Run only days up to this one (YYYY-MM-DD). */
  to?: string;
  /** Drop every pipeline result and run all days again. */
  rebuild?: boolean;
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
];

async function createTables(db: Duck): Promise<void> {
  await db.run(`CREATE TABLE IF NOT EXISTS pipeline_days (day DATE PRIMARY KEY, dwell_minutes INTEGER,
    min_stay_minutes INTEGER, ran_at TIMESTAMP DEFAULT current_timestamp)`);
  for (const sql of [STAY_TABLES, DWELL_TABLES, TRIP_TABLES]) await db.run(sql);
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
 * day D. Each day commits in one transaction: a crash leaves whole days.
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
  try {
    if (opts.rebuild) for (const t of RESULT_TABLES) await db.run(`DROP TABLE IF EXISTS ${t}`);
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
    let stays = 0;
    let trips = 0;
    for (const [i, day] of todo.entries()) {
      step(day, i, todo.length);
      await db.run('BEGIN TRANSACTION');
      try {
        stays += await staysForDay(db, ws.rawDir, day, stay);
        for (const level of LEVELS) {
          await dwellsForDay(db, level, day);
          trips += await tripsForDay(db, level, day, dwellMinutes);
        }
        await db.run(`INSERT INTO pipeline_days (day, dwell_minutes) VALUES ($1::DATE, $2)`, [
          day,
          dwellMinutes,
        ]);
        await db.run('COMMIT');
      } catch (e) {
        await db.run('ROLLBACK');
        throw e;
      }
    }
    // Residents are monthly: recomputed from the stays when any day ran (cheap next to the daily steps).
    if (todo.length > 0) {
      await buildResidents(db);
      await buildPresence(db, todo[0]!, todo[todo.length - 1]!);
    }
    step('', todo.length, todo.length);
    return { days: todo, stays, trips, seconds: (performance.now() - t0) / 1000 };
  } finally {
    db.close();
  }
}
