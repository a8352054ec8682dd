/**
 * Simulator throughput: records generated per second and peak memory with 1
 * and with 2 record threads in the same run, and a baseline measured in the
 * same run: DuckDB writing the same number of rows of the same shape straight
 * from range() to Parquet with 1 and with 2 DuckDB threads (the floor for any
 * generator that writes through DuckDB). Figures only; not a test.
 *
 *   npx tsx bench/synth.ts [--people 100000] [--days 7] [--threads 1,2]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Duck, quotedString } from '../src/db/duck.ts';
import { builtinGeo } from '../src/synth/cities.ts';
import { generate } from '../src/synth/generate.ts';
import { defaultParams } from '../src/synth/params.ts';

process.env.TZ = 'UTC';
const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '100000' },
    days: { type: 'string', default: '7' },
    threads: { type: 'string', default: '1,2' },
  },
});
const people = Number(values.people);
const days = Number(values.days);
const counts = values.threads.split(',').map(Number);
const dir = mkdtempSync(join(tmpdir(), 'epitrace-bench-synth-'));
const mrate = (n: number, sec: number): string => `${(n / sec / 1e6).toFixed(2)} M records/s`;

/** Wall seconds and CPU seconds (all threads of this process) of one call. */
async function timed<T>(f: () => Promise<T>): Promise<{ value: T; sec: number; cpu: number }> {
  const c = process.cpuUsage();
  const t = performance.now();
  const value = await f();
  const u = process.cpuUsage(c);
  return { value, sec: (performance.now() - t) / 1000, cpu: (u.user + u.system) / 1e6 };
}

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
const runs = [];
for (const threads of counts) {
  const r = await timed(() =>
    generate(builtinGeo(), { ...defaultParams, people, days }, join(dir, `out-${threads}`), { threads }),
  );
  runs.push({ threads, ...r });
  rmSync(join(dir, `out-${threads}`), { recursive: true, force: true });
}
clearInterval(sampler);
peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);

const records = runs[0]!.value.records;
const bares = [];
for (const threads of counts) {
  const db = await Duck.open({ path: ':memory:', memoryLimit: '2GB', threads });
  const r = await timed(() =>
    db.run(
      `COPY (SELECT (1010000000000 + i // 250)::BIGINT AS raw_id, make_timestamp(1579132800000000 + i * 37000000) AS ts,
                    (i % 6000)::INTEGER AS cell_id, (['data','call','sms','lu','handover'])[i % 5 + 1] AS event
             FROM range(${records}) t(i)) TO ${quotedString(join(dir, 'bare.parquet'))} (FORMAT parquet)`,
    ),
  );
  db.close();
  bares.push({ threads, ...r });
}
rmSync(dir, { recursive: true, force: true });

console.log(`people ${people}, days ${days}: ${records} records`);
for (const r of runs) {
  console.log(
    `epitrace synth, ${r.threads} thread(s)  ${r.sec.toFixed(1)} s  ${mrate(records, r.sec)}  cpu ${r.cpu.toFixed(1)} s  ` +
      `${r.value.recordFiles.length} part(s)  (whole run: people, epidemic, records, truth)`,
  );
}
for (const b of bares) {
  console.log(
    `bare DuckDB COPY, ${b.threads} thread(s)  ${b.sec.toFixed(1)} s  ${mrate(records, b.sec)}  cpu ${b.cpu.toFixed(1)} s`,
  );
}
const [s1, s2] = [runs[0]!, runs[runs.length - 1]!];
const [b1, b2] = [bares[0]!, bares[bares.length - 1]!];
console.log(
  `scaling ${s1.threads} -> ${s2.threads} threads: synth ${(s1.sec / s2.sec).toFixed(2)}x, bare COPY ${(b1.sec / b2.sec).toFixed(2)}x`,
);
for (const [s, b] of [
  [s1, b1],
  [s2, b2],
] as const) {
  console.log(`ratio synth / bare at ${s.threads} thread(s)  ${(s.sec / b.sec).toFixed(2)}x the time`);
}
console.log(`peak memory (RSS)   ${(peakRss / 2 ** 30).toFixed(2)} GiB (largest run)`);
