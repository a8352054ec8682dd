/**
 * Pipeline throughput: records/s of `epitrace run` (all days, all levels,
 * residents) on a simulated workspace, against a bare DuckDB scan + sort of the
 * same day partitions measured in the same run. Figures only; not a test.
 *
 *   npx tsx bench/pipeline.ts [--people 80000] [--memory 4GB]
 * (80,000 people give ~20 M records; 320,000 give ~80 M.)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
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
  options: { people: { type: 'string', default: '80000' }, memory: { type: 'string', default: '4GB' } },
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

  const db = await ws.openDuck();
  const t1 = performance.now();
  await db.run(
    `CREATE TEMP TABLE bare AS SELECT * FROM read_parquet(${quotedString(ws.rawDir + '/date=*/*.parquet')})
     ORDER BY user_id, ts`,
  );
  const bareS = (performance.now() - t1) / 1000;
  db.close();

  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
  const r = await runPipeline(ws);
  clearInterval(sampler);
  const rate = (sec: number): string => `${(accepted / sec / 1e6).toFixed(2)} M records/s`;
  console.log(
    `${params.people} people, ${accepted} accepted records, ${r.days.length} days, memory_limit ${values.memory}`,
  );
  console.log(`ingest (for reference)   ${ingestS.toFixed(1)} s  ${rate(ingestS)}`);
  console.log(`bare scan + sort         ${bareS.toFixed(1)} s  ${rate(bareS)}`);
  console.log(
    `epitrace run             ${r.seconds.toFixed(1)} s  ${rate(r.seconds)}  (${r.stays} stays, ${r.trips} trips)`,
  );
  console.log(`ratio run / bare         ${(r.seconds / bareS).toFixed(2)}x the time`);
  console.log(
    `peak RSS during run      ${(peakRss / 2 ** 30).toFixed(2)} GiB (DuckDB memory_limit ${values.memory})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
