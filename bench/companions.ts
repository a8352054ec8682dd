/**
 * Companion search speed: 100 seeds x 15 days on simulated workspaces of growing size, through the tracing
 * layout (trace_stays sorted by cell and day) and, as a baseline in the same run, the same search over the
 * pipeline's `stays` table as it lies (in the order days ran). Prints time, rows read (DuckDB's profiler,
 * cumulative rows scanned) and the ratio largest / smallest. Figures only; not a test.
 *
 *   npx tsx bench/companions.ts --people 40000,160000 [--days 15] [--seeds 100] [--memory 4GB] [--keep DIR]
 * --keep DIR keeps each built workspace in DIR/<people>p-<days>d (its generated record files removed) and reuses
 * it on the next run, so the search can be measured again without the build (an hour at 400 M records);
 * --relayout rebuilds a reused workspace's tracing layout first (after a change to src/tracing/layout.ts).
 * (40,000 people give ~10 M records over 15 days; the 100 M and 400 M are ~400,000 and 1.6 M people.)
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { lastDay } from '../src/cli/demo.ts';
import type { Duck } from '../src/db/duck.ts';
import { quotedString } from '../src/db/duck.ts';
import { uidHex } from '../src/db/uid.ts';
import { runPipeline } from '../src/pipeline/run.ts';
import { defaultParams } from '../src/synth/params.ts';
import { buildTraceLayout } from '../src/tracing/layout.ts';
import { LAYOUT_TABLES, sharedTime } from '../src/tracing/shared.ts';
import type { SearchTables } from '../src/tracing/shared.ts';
import { Workspace } from '../src/workspace.ts';
import { simulatedWorkspace } from './simulated.ts';

process.env.TZ = 'UTC';
const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '40000,160000' },
    days: { type: 'string', default: '15' },
    seeds: { type: 'string', default: '100' },
    memory: { type: 'string', default: '4GB' },
    keep: { type: 'string' },
    relayout: { type: 'boolean', default: false },
  },
});
process.env['EPITRACE_MEMORY_LIMIT'] = values.memory;
const days = Number(values.days);

/** The pipeline's stays as they lie, under the layout's column names (a stay is its own piece). */
const STAYS_AS_PIECES = `(SELECT user_id, cell_id, start_ts AS piece_start, end_ts AS piece_end, start_ts, end_ts
  FROM (SELECT * FROM stays UNION ALL SELECT *, NULL FROM open_stays))`;
const BASELINE: SearchTables = { byUser: STAYS_AS_PIECES, byCell: STAYS_AS_PIECES };

async function timed(
  db: Duck,
  profile: string,
  seeds: string[],
  window: { from: string; to: string },
  tables: SearchTables,
): Promise<{ seconds: number; rows: number; pairs: number }> {
  await db.run(`PRAGMA enable_profiling = 'json'`);
  await db.run(`PRAGMA profiling_output = ${quotedString(profile)}`);
  await db.run(`SET custom_profiling_settings = '{"CUMULATIVE_ROWS_SCANNED": "true"}'`);
  const t0 = performance.now();
  const r = await sharedTime(
    db,
    { seeds, window, minSeconds: 3600, toleranceMeters: 0, extend: false },
    tables,
  );
  const seconds = (performance.now() - t0) / 1000;
  await db.run(`PRAGMA disable_profiling`);
  // The profile of the last statement: the search proper (the seeds' cells query before it reads ~1 row group).
  const rows = (JSON.parse(readFileSync(profile, 'utf8')) as { cumulative_rows_scanned: number })
    .cumulative_rows_scanned;
  return { seconds, rows, pairs: r.pairs.length };
}

const results: {
  people: number;
  records: number;
  stays: number;
  layout: number;
  baseline: number;
  layout1: number;
  baseline1: number;
}[] = [];
for (const people of values.people.split(',').map(Number)) {
  const dir = values.keep
    ? join(values.keep, `${people}p-${days}d`)
    : mkdtempSync(join(tmpdir(), 'epitrace-bench-companions-'));
  const builtMark = join(dir, 'built.json');
  try {
    const params = { ...defaultParams, people, days };
    let built: { records: number; buildS: number; runS: number };
    const ws = new Workspace(join(dir, 'ws'));
    if (values.keep && existsSync(builtMark)) {
      built = JSON.parse(readFileSync(builtMark, 'utf8')) as typeof built;
      console.log(`reusing ${dir} (built earlier in ${built.buildS.toFixed(0)} s)`);
      if (values.relayout) {
        const w = await ws.openDuck();
        const t0 = performance.now();
        try {
          await buildTraceLayout(w);
        } finally {
          w.close();
        }
        console.log(`  layout rebuilt in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }
    } else {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const tb = performance.now();
      const s = await simulatedWorkspace(ws, params, dir);
      const run = await runPipeline(ws);
      built = { records: s.records, buildS: (performance.now() - tb) / 1000, runS: run.seconds };
      if (values.keep) {
        rmSync(join(dir, 'synth'), { recursive: true, force: true });
        writeFileSync(builtMark, JSON.stringify(built));
      }
    }
    const db = await ws.openDuck({ readOnly: true });
    try {
      const n = await db.one<{ stays: number; pieces: number }>(
        `SELECT (SELECT count(*) FROM stays)::INTEGER AS stays, (SELECT count(*) FROM trace_stays)::INTEGER AS pieces`,
      );
      // Seeds: a fixed pseudo-random choice of people with stays (by hash of the pseudonym's 32-hex text, so
      // the choice is the same whether stays hold UUID or text).
      const seeds = (
        await db.all<{ u: string }>(
          `SELECT u FROM (SELECT DISTINCT ${uidHex('user_id')} AS u FROM stays) ORDER BY hash(u) LIMIT $1`,
          [Number(values.seeds)],
        )
      ).map((r) => r.u);
      const window = { from: `${params.start} 00:00:00`, to: `${lastDay(params)} 23:59:59` };
      const profile = join(dir, 'profile.json');
      // One warm-up each, then the best of three (the machine is shared).
      const best = async (t: SearchTables): Promise<Awaited<ReturnType<typeof timed>>> => {
        await timed(db, profile, seeds, window, t);
        const runs = [];
        for (let i = 0; i < 3; i++) runs.push(await timed(db, profile, seeds, window, t));
        return runs.sort((a, b) => a.seconds - b.seconds)[0]!;
      };
      // One case at a time, as a tracer asks: the 100 seeds one after the other (total time, rows, pairs).
      const oneByOne = async (t: SearchTables): Promise<Awaited<ReturnType<typeof timed>>> => {
        const sum = { seconds: 0, rows: 0, pairs: 0 };
        for (const seed of seeds) {
          const r = await timed(db, profile, [seed], window, t);
          sum.seconds += r.seconds;
          sum.rows += r.rows;
          sum.pairs += r.pairs;
        }
        return sum;
      };
      const lay = await best(LAYOUT_TABLES);
      const base = await best(BASELINE);
      const lay1 = await oneByOne(LAYOUT_TABLES);
      const base1 = await oneByOne(BASELINE);
      console.log(
        `${people} people, ${built.records} records, ${days} days, ${n!.stays} stays (${n!.pieces} pieces); ` +
          `built in ${built.buildS.toFixed(0)} s (run ${built.runS.toFixed(0)} s, layout included)`,
      );
      console.log(
        `  layout   ${lay.seconds.toFixed(3)} s  ${lay.rows} rows read (${((100 * lay.rows) / n!.pieces).toFixed(1)}%)  ${lay.pairs} pairs`,
      );
      console.log(
        `  baseline ${base.seconds.toFixed(3)} s  ${base.rows} rows read (${((100 * base.rows) / n!.stays).toFixed(1)}%)  ${base.pairs} pairs`,
      );
      console.log(
        `  one seed at a time: layout ${lay1.seconds.toFixed(2)} s for ${seeds.length} (${lay1.rows} rows read, ` +
          `${lay1.pairs} pairs), baseline ${base1.seconds.toFixed(2)} s (${base1.rows} rows read, ${base1.pairs} pairs)`,
      );
      results.push({
        people,
        records: built.records,
        stays: n!.stays,
        layout: lay.seconds,
        baseline: base.seconds,
        layout1: lay1.seconds,
        baseline1: base1.seconds,
      });
    } finally {
      db.close();
    }
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
}
if (results.length > 1) {
  const a = results[0]!;
  const b = results[results.length - 1]!;
  console.log(
    `ratio ${b.records} / ${a.records} records (${(b.records / a.records).toFixed(1)}x): ` +
      `batch: layout ${(b.layout / a.layout).toFixed(2)}x the time, baseline ${(b.baseline / a.baseline).toFixed(2)}x; ` +
      `one at a time: layout ${(b.layout1 / a.layout1).toFixed(2)}x, baseline ${(b.baseline1 / a.baseline1).toFixed(2)}x`,
  );
}
