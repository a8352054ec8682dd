/**
 * Ingest throughput against DuckDB's bare COPY of the same file, in the same run, with 1 and
 * with 2 DuckDB threads.
 *
 *   npx tsx bench/ingest.ts [--records N] [--rounds R] [--threads 1,2] [--formats parquet,csv] [--keep]
 *
 * Generates N synthetic records (default 5 million; 11-digit raw ids, one day, 20,000 cells,
 * about 50 records per subscriber) as Parquet and CSV in a temp folder, then per thread count and
 * round times `COPY (SELECT * FROM <file>) TO 'x.parquet'` and `epitrace ingest` of the same file
 * into a fresh workspace (hash, validation, HMAC pseudonyms, deduplication, sorted day partition,
 * commit). Prints records/s, the ratio ours/bare of the best round of each, the time per ingest
 * stage of the best round, and the 2-thread/1-thread speed-up. Figures only; not a test.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Duck, quotedString } from '../src/db/duck.ts';
import { ingest } from '../src/ingest/ingest.ts';
import type { ProgressEvent } from '../src/ingest/progress.ts';
import { loadCellRegistry } from '../src/ingest/registry.ts';
import { Workspace } from '../src/workspace.ts';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '5000000' },
    rounds: { type: 'string', default: '2' },
    threads: { type: 'string', default: '1,2' },
    formats: { type: 'string', default: 'parquet,csv' },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(args.records);
const ROUNDS = Number(args.rounds);
const THREADS = args.threads.split(',').map(Number);
const CELLS = 20_000;
const dir = mkdtempSync(join(tmpdir(), 'epitrace-bench-ingest-'));
const file = (name: string) => join(dir, name);

async function generate(): Promise<void> {
  const db = await Duck.open({ path: ':memory:' });
  const users = Math.max(1, Math.round(N / 50));
  await db.run(
    `CREATE TABLE r AS SELECT (13800000000 + hash(i) % ${users})::VARCHAR AS raw_id,
       TIMESTAMP '2020-01-16 00:00:00' + to_seconds((hash(i * 7) % 86400)::BIGINT) AS ts,
       (1 + hash(i * 13) % ${CELLS})::INTEGER AS cell_id,
       ['loc', 'call', 'sms', 'data'][(1 + hash(i * 17) % 4)::BIGINT] AS event
     FROM range(${N}) t(i)`,
  );
  await db.run(`COPY r TO ${quotedString(file('records.parquet'))} (FORMAT parquet)`);
  await db.run(`COPY r TO ${quotedString(file('records.csv'))} (HEADER)`);
  await db.run(
    `COPY (SELECT i::INTEGER AS cell_id, 110 + (i % 200) * 0.05 AS lon, 25 + (i // 200) * 0.1 AS lat,
                  'LTE' AS tech FROM range(1, ${CELLS + 1}) t(i))
     TO ${quotedString(file('cells.csv'))} (HEADER)`,
  );
  db.close();
}

async function bare(input: string, threads: number): Promise<number> {
  const db = await Duck.open({ path: ':memory:', memoryLimit: '4GB', tempDirectory: dir, threads });
  const reader = input.endsWith('.csv') ? 'read_csv' : 'read_parquet';
  const t0 = performance.now();
  await db.run(
    `COPY (SELECT * FROM ${reader}(${quotedString(input)})) TO ${quotedString(file('bare.parquet'))} (FORMAT parquet)`,
  );
  const s = (performance.now() - t0) / 1000;
  db.close();
  return s;
}

/** One timed ingest: total seconds and seconds per stage (from the progress events). */
async function ours(input: string, threads: number, round: number) {
  const ws = new Workspace(file(`ws-${threads}-${round}`));
  ws.create({ synthetic: true, description: 'SYNTHETIC benchmark' });
  // The registry is loaded once per workspace (cells placed in regions), not per file: not timed.
  const db = await ws.openDuck({ threads });
  await loadCellRegistry(db, file('cells.csv'));
  db.close();
  const stages = new Map<string, number>();
  let last: ProgressEvent | undefined;
  const progress = (e: ProgressEvent) => {
    if (last) stages.set(last.stage, (stages.get(last.stage) ?? 0) + (e.elapsedMs - last.elapsedMs) / 1000);
    last = e;
  };
  const before = process.env['EPITRACE_THREADS'];
  process.env['EPITRACE_THREADS'] = String(threads);
  const t0 = performance.now();
  const [s] = await ingest(ws, { inputs: [input], key: randomBytes(32) }, { progress });
  const secs = (performance.now() - t0) / 1000;
  if (before === undefined) delete process.env['EPITRACE_THREADS'];
  else process.env['EPITRACE_THREADS'] = before;
  if (s!.accepted !== N) throw new Error(`expected ${N} accepted records, got ${s!.accepted}`);
  rmSync(ws.root, { recursive: true, force: true });
  return { secs, stages };
}

const rate = (s: number) => `${(N / s / 1e6).toFixed(2)} M records/s`;
const t0 = performance.now();
await generate();
console.log(
  `${N.toLocaleString('en')} records generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
const formats = [
  ['Parquet', 'records.parquet'],
  ['CSV', 'records.csv'],
].filter(([l]) => args.formats.split(',').includes(l!.toLowerCase())) as [string, string][];
for (const [label, name] of formats) {
  const bestOurs = new Map<number, number>();
  for (const threads of THREADS) {
    const best = { bare: Infinity, ours: Infinity, stages: new Map<string, number>() };
    for (let r = 0; r < ROUNDS; r++) {
      const b = await bare(file(name), threads);
      const o = await ours(file(name), threads, r);
      best.bare = Math.min(best.bare, b);
      if (o.secs < best.ours) Object.assign(best, { ours: o.secs, stages: o.stages });
      console.log(
        `  ${label} ${threads} thread(s) round ${r + 1}: bare COPY ${b.toFixed(2)} s, ingest ${o.secs.toFixed(2)} s`,
      );
    }
    bestOurs.set(threads, best.ours);
    const st = [...best.stages].map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ');
    console.log(
      `${label.padEnd(8)} ${threads} thread(s): bare COPY ${rate(best.bare)} | ingest ${rate(best.ours)} | ` +
        `ours/bare ${(best.ours / best.bare).toFixed(2)}x (best of ${ROUNDS})\n           stages (s): ${st}`,
    );
  }
  if (bestOurs.has(1) && bestOurs.has(2)) {
    console.log(
      `${label.padEnd(8)} ingest 2 threads vs 1: ${(bestOurs.get(1)! / bestOurs.get(2)!).toFixed(2)}x faster`,
    );
  }
}
if (!args.keep) rmSync(dir, { recursive: true, force: true });
else console.log(`files kept in ${dir}`);
