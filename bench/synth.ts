/**
 * Simulator throughput: records generated per second and peak memory, with a
 * baseline measured in the same run: DuckDB writing the same number of rows of
 * the same shape straight from range() to Parquet (the floor for any generator
 * that writes through DuckDB). Figures only; not a test.
 *
 *   npx tsx bench/synth.ts [--people 400000] [--days 7]
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
  options: { people: { type: 'string', default: '100000' }, days: { type: 'string', default: '7' } },
});
const people = Number(values.people);
const days = Number(values.days);
const dir = mkdtempSync(join(tmpdir(), 'epitrace-bench-synth-'));

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
const t0 = performance.now();
const s = await generate(builtinGeo(), { ...defaultParams, people, days }, join(dir, 'out'));
const ours = (performance.now() - t0) / 1000;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);

const db = await Duck.open({ path: ':memory:', memoryLimit: '2GB' });
const t1 = performance.now();
await db.run(
  `COPY (SELECT (1010000000000 + i // 250)::BIGINT AS raw_id, make_timestamp(1579132800000000 + i * 37000000) AS ts,
                (i % 6000)::INTEGER AS cell_id, (['data','call','sms','lu','handover'])[i % 5 + 1] AS event
         FROM range(${s.records}) t(i)) TO ${quotedString(join(dir, 'bare.parquet'))} (FORMAT parquet)`,
);
const bare = (performance.now() - t1) / 1000;
db.close();
rmSync(dir, { recursive: true, force: true });

const mrate = (n: number, sec: number): string => `${(n / sec / 1e6).toFixed(2)} M records/s`;
console.log(`people ${people}, days ${days}: ${s.records} records in ${s.recordFiles.length} part(s)`);
console.log(
  `epitrace synth      ${ours.toFixed(1)} s  ${mrate(s.records, ours)}  (whole run: people, epidemic, truth)`,
);
console.log(`bare DuckDB COPY    ${bare.toFixed(1)} s  ${mrate(s.records, bare)}  (same rows from range())`);
console.log(`ratio synth / bare  ${(ours / bare).toFixed(2)}x the time`);
console.log(`peak memory (RSS)   ${(peakRss / 2 ** 30).toFixed(2)} GiB`);
