/**
 * Ingest throughput against DuckDB's bare COPY of the same file, in the same run.
 *
 *   npx tsx bench/ingest.ts [--records N] [--rounds R] [--keep]
 *
 * Generates N synthetic records (default 5 million; 11-digit raw ids, one day, 20,000 cells,
 * about 50 records per subscriber) as Parquet and CSV in a temp folder, then per round times
 * `COPY (SELECT * FROM <file>) TO 'x.parquet'` and `epitrace ingest` of the same file into a
 * fresh workspace (hash, validation, HMAC pseudonyms, sorted day partition, commit). Prints
 * records/s and the ratio ours/bare of the best round of each. Figures only; not a test.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Duck, quotedString } from '../src/db/duck.ts';
import { ingest } from '../src/ingest/ingest.ts';
import { loadCellRegistry } from '../src/ingest/registry.ts';
import { Workspace } from '../src/workspace.ts';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '5000000' },
    rounds: { type: 'string', default: '2' },
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(args.records);
const ROUNDS = Number(args.rounds);
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

async function bare(input: string): Promise<number> {
  const db = await Duck.open({ path: ':memory:', memoryLimit: '4GB', tempDirectory: dir });
  const reader = input.endsWith('.csv') ? 'read_csv' : 'read_parquet';
  const t0 = performance.now();
  await db.run(
    `COPY (SELECT * FROM ${reader}(${quotedString(input)})) TO ${quotedString(file('bare.parquet'))} (FORMAT parquet)`,
  );
  const s = (performance.now() - t0) / 1000;
  db.close();
  return s;
}

async function ours(input: string, round: number): Promise<number> {
  const ws = new Workspace(file(`ws-${round}`));
  ws.create({ synthetic: true, description: 'SYNTHETIC benchmark' });
  // The registry is loaded once per workspace (cells placed in regions), not per file: not timed.
  const db = await ws.openDuck();
  await loadCellRegistry(db, file('cells.csv'));
  db.close();
  const t0 = performance.now();
  const [s] = await ingest(ws, { inputs: [input], key: randomBytes(32) });
  const secs = (performance.now() - t0) / 1000;
  if (s!.accepted !== N) throw new Error(`expected ${N} accepted records, got ${s!.accepted}`);
  rmSync(ws.root, { recursive: true, force: true });
  return secs;
}

const rate = (s: number) => `${(N / s / 1e6).toFixed(2)} M records/s`;
const t0 = performance.now();
await generate();
console.log(
  `${N.toLocaleString('en')} records generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
for (const [label, name] of [
  ['Parquet', 'records.parquet'],
  ['CSV', 'records.csv'],
] as const) {
  const best = { bare: Infinity, ours: Infinity };
  for (let r = 0; r < ROUNDS; r++) {
    const b = await bare(file(name));
    const o = await ours(file(name), r);
    best.bare = Math.min(best.bare, b);
    best.ours = Math.min(best.ours, o);
    console.log(`  ${label} round ${r + 1}: bare COPY ${b.toFixed(2)} s, ingest ${o.toFixed(2)} s`);
  }
  console.log(
    `${label.padEnd(8)} bare COPY ${rate(best.bare)} | ingest ${rate(best.ours)} | ` +
      `ours/bare ${(best.ours / best.bare).toFixed(2)}x (best of ${ROUNDS})`,
  );
}
if (!args.keep) rmSync(dir, { recursive: true, force: true });
else console.log(`files kept in ${dir}`);
