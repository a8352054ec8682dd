/**
 * Pipeline throughput: records/s of `epitrace run` (all days, all levels, residents, presence, tracing
 * layout) on a simulated workspace, against a bare DuckDB scan + sort of the same day partitions, each
 * measured with 1 and with 2 DuckDB threads in the same run (EPITRACE_THREADS). Each run starts from a
 * copy of the ingested workspace. Each measured step (bare sort, run) runs in its own child process, so
 * its peak RSS is its own (the generator's, the ingest's and the other step's memory are not in it).
 * Figures only; not a test.
 *
 *   npx tsx bench/pipeline.ts [--people 40000] [--memory 4GB] [--threads 1,2] [--keep DIR]
 * (--keep DIR keeps the ingested workspace in DIR and reuses it when it is there.)
 * (--people 40000 gives ~20 M records, 160000 ~80 M: the simulator makes ~500 records per person over
 * its 14 days.)
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { quotedString } from '../src/db/duck.ts';
import { duckMemoryLimit, parseSize } from '../src/db/memory.ts';
import { runPipeline } from '../src/pipeline/run.ts';
import { defaultParams } from '../src/synth/params.ts';
import { Workspace } from '../src/workspace.ts';
import { simulatedWorkspace } from './simulated.ts';

process.env.TZ = 'UTC';
const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '40000' },
    memory: { type: 'string', default: '4GB' },
    threads: { type: 'string', default: '1,2' },
    keep: { type: 'string' },
    /** Internal: run one measured step ('bare' or 'run') on workspace --ws and print {seconds, maxRss}. */
    child: { type: 'string' },
    ws: { type: 'string' },
  },
});
process.env['EPITRACE_MEMORY_LIMIT'] = values.memory;

if (values.child) {
  const ws = new Workspace(values.ws!);
  let seconds: number;
  let extra = {};
  if (values.child === 'bare') {
    const db = await ws.openDuck();
    const t1 = performance.now();
    await db.run(
      `CREATE TEMP TABLE bare AS SELECT * FROM read_parquet(${quotedString(ws.rawDir + '/date=*/*.parquet')})
       ORDER BY user_id, ts`,
    );
    seconds = (performance.now() - t1) / 1000;
    db.close();
  } else {
    const r = await runPipeline(ws);
    seconds = r.seconds;
    extra = { days: r.days.length, stays: r.stays, trips: r.trips };
  }
  // maxRSS is in KiB: the peak resident memory of this process, which did nothing else.
  console.log(JSON.stringify({ seconds, maxRss: process.resourceUsage().maxRSS * 1024, ...extra }));
  process.exit(0);
}

/** Runs one measured step in a child process with the given DuckDB threads. */
function measure(
  step: 'bare' | 'run',
  ws: string,
  threads: number,
): { seconds: number; maxRss: number; days?: number; stays?: number; trips?: number } {
  const out = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--child',
      step,
      '--ws',
      ws,
      '--memory',
      values.memory,
    ],
    { env: { ...process.env, EPITRACE_THREADS: String(threads), TZ: 'UTC' }, encoding: 'utf8' },
  );
  return JSON.parse(out.trim().split('\n').pop()!);
}

const params = { ...defaultParams, people: Number(values.people) };
const budget = parseSize(values.memory, '--memory');
const dir = mkdtempSync(join(tmpdir(), 'epitrace-bench-pipeline-'));
try {
  const wsDir = values.keep ?? join(dir, 'ws');
  const ws = new Workspace(wsDir);
  let ingestS = NaN;
  if (!values.keep || !existsSync(join(wsDir, 'raw')) || readdirSync(join(wsDir, 'raw')).length === 0) {
    ingestS = (await simulatedWorkspace(ws, params, dir)).ingestS;
  }
  const db = await ws.openDuck();
  const accepted = Number(
    (await db.one<{ n: bigint }>(
      `SELECT count(*) AS n FROM read_parquet(${quotedString(ws.rawDir + '/date=*/*.parquet')})`,
    ))!.n,
  );
  db.close();
  const rate = (sec: number): string => `${(accepted / sec / 1e6).toFixed(2)} M records/s`;
  console.log(
    `${params.people} people, ${accepted} accepted records, memory budget ${values.memory} (synthetic data)`,
  );
  if (!Number.isNaN(ingestS))
    console.log(`ingest (for reference)        ${ingestS.toFixed(1)} s  ${rate(ingestS)}`);

  const runS = new Map<number, number>();
  for (const threads of values.threads.split(',').map(Number)) {
    const bare = measure('bare', ws.root, threads);
    const bareS = bare.seconds;
    const copy = join(dir, `ws-${threads}`);
    cpSync(ws.root, copy, { recursive: true });
    const r = measure('run', copy, threads);
    rmSync(copy, { recursive: true, force: true });
    runS.set(threads, r.seconds);
    const gib = (b: number): string => `${(b / 2 ** 30).toFixed(2)} GiB`;
    console.log(`threads ${threads}: bare scan + sort  ${bareS.toFixed(1)} s  ${rate(bareS)}`);
    console.log(
      `threads ${threads}: epitrace run      ${r.seconds.toFixed(1)} s  ${rate(r.seconds)}  ` +
        `(${r.days} days, ${r.stays} stays, ${r.trips} trips)`,
    );
    console.log(`threads ${threads}: ratio run / bare  ${(r.seconds / bareS).toFixed(2)}x the time`);
    console.log(
      `threads ${threads}: peak RSS          run ${gib(r.maxRss)}, bare ${gib(bare.maxRss)} ` +
        `(each its own process; budget ${values.memory} = ${gib(budget)}, DuckDB pool ${duckMemoryLimit(values.memory)}; ` +
        `run ${r.maxRss <= budget ? 'under' : 'OVER'} the budget)`,
    );
  }
  const one = runS.get(1);
  const two = runS.get(2);
  if (one && two) console.log(`run speed-up 2 threads / 1     ${(one / two).toFixed(2)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
