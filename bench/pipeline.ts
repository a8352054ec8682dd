/**
 * Pipeline throughput: records/s of `epitrace run` (all days, all levels, residents, presence, tracing
 * layout) on a simulated workspace, against a bare DuckDB scan + sort of the same day partitions, each
 * measured with 1 and with 2 DuckDB threads in the same run (EPITRACE_THREADS). Each run starts from a
 * copy of the ingested workspace. Figures only; not a test.
 *
 *   npx tsx bench/pipeline.ts [--people 40000] [--memory 4GB] [--threads 1,2]
 * (--people 40000 gives ~20 M records, 160000 ~80 M: the simulator makes ~500 records per person over
 * its 14 days.)
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { lastDay } from '../src/cli/demo.ts';
import { quotedString } from '../src/db/duck.ts';
import { ingest } from '../src/ingest/ingest.ts';
import { runPipeline } from '../src/pipeline/run.ts';
import { builtinGeo } from '../src/synth/cities.ts';
import { generate } from '../src/synth/generate.ts';
import { defaultParams } from '../src/synth/params.ts';
import { Workspace } from '../src/workspace.ts';

process.env.TZ = 'UTC';
const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '40000' },
    memory: { type: 'string', default: '4GB' },
    threads: { type: 'string', default: '1,2' },
  },
});
process.env['EPITRACE_MEMORY_LIMIT'] = values.memory;
const params = { ...defaultParams, people: Number(values.people) };
const dir = mkdtempSync(join(tmpdir(), 'epitrace-bench-pipeline-'));
try {
  const s = await generate(builtinGeo(), params, join(dir, 'synth'));
  const ws = new Workspace(join(dir, 'ws'));
  ws.create({ synthetic: true, description: 'bench' });
  const t0 = performance.now();
  const files = await ingest(ws, {
    inputs: s.recordFiles,
    cells: join(dir, 'synth', 'cells.csv'),
    key: randomBytes(32),
    from: params.start,
    to: lastDay(params),
  });
  const ingestS = (performance.now() - t0) / 1000;
  const accepted = files.reduce((a, f) => a + f.accepted, 0);
  const rate = (sec: number): string => `${(accepted / sec / 1e6).toFixed(2)} M records/s`;
  console.log(
    `${params.people} people, ${accepted} accepted records, memory_limit ${values.memory} (synthetic data)`,
  );
  console.log(`ingest (for reference)        ${ingestS.toFixed(1)} s  ${rate(ingestS)}`);

  const runS = new Map<number, number>();
  for (const threads of values.threads.split(',').map(Number)) {
    process.env['EPITRACE_THREADS'] = String(threads);
    const db = await ws.openDuck();
    const t1 = performance.now();
    await db.run(
      `CREATE TEMP TABLE bare AS SELECT * FROM read_parquet(${quotedString(ws.rawDir + '/date=*/*.parquet')})
       ORDER BY user_id, ts`,
    );
    const bareS = (performance.now() - t1) / 1000;
    db.close();

    const copy = join(dir, `ws-${threads}`);
    cpSync(ws.root, copy, { recursive: true });
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const r = await runPipeline(new Workspace(copy));
    clearInterval(sampler);
    rmSync(copy, { recursive: true, force: true });
    runS.set(threads, r.seconds);
    console.log(`threads ${threads}: bare scan + sort  ${bareS.toFixed(1)} s  ${rate(bareS)}`);
    console.log(
      `threads ${threads}: epitrace run      ${r.seconds.toFixed(1)} s  ${rate(r.seconds)}  ` +
        `(${r.days.length} days, ${r.stays} stays, ${r.trips} trips)`,
    );
    console.log(`threads ${threads}: ratio run / bare  ${(r.seconds / bareS).toFixed(2)}x the time`);
    console.log(
      `threads ${threads}: peak RSS          ${(peakRss / 2 ** 30).toFixed(2)} GiB (DuckDB memory_limit ${values.memory})`,
    );
  }
  const one = runS.get(1);
  const two = runS.get(2);
  if (one && two) console.log(`run speed-up 2 threads / 1     ${(one / two).toFixed(2)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
