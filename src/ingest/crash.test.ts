import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Duck, quotedString } from '../db/duck.ts';
import { tempDir } from '../testing/fixture.ts';
import { Workspace } from '../workspace.ts';
import type { FileSummary } from './ingest.ts';
import { ingest } from './ingest.ts';
import { TEST_KEY, writeCells } from './testing.ts';

const BIN = fileURLToPath(new URL('../../bin/epitrace.mjs', import.meta.url));
/** Large enough that writing its partitions takes a while, small enough for a test. */
const N = 1_000_000;

let dir: string;
let file: string;
let cells: string;
let reference: FileSummary;
let referenceWs: Workspace;

/** Rows over two days with missing ids, unknown cells and duplicates mixed in. */
async function writeRecords(path: string): Promise<void> {
  const db = await Duck.open({ path: ':memory:' });
  await db.run(
    `COPY (
       SELECT CASE WHEN i % 997 = 0 THEN NULL ELSE 'u' || (i % 20000) END AS raw_id,
              TIMESTAMP '2020-01-16 00:00:00' + to_seconds(i % 172800) AS ts,
              CASE WHEN i % 1009 = 0 THEN 99 ELSE 1 + i % 2 END::INTEGER AS cell_id, 'loc' AS event
       FROM range(${N}) t(i), range(2) d(k) WHERE k = 0 OR i % 4001 = 0
     ) TO ${quotedString(path)} (FORMAT parquet)`,
  );
  db.close();
}

function cli(ws: string) {
  return [BIN, 'ingest', file, '--workspace', ws, '--cells', cells, '--json'];
}
const env = { ...process.env, EPITRACE_HMAC_KEY: TEST_KEY.toString('utf8') };

/** Parquet files under a folder, recursively. */
function parquetFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.parquet'));
}

/** What a workspace holds: log rows, quarantine rows, partition rows and distinct records. */
async function contents(ws: Workspace) {
  const db = await ws.openDuck();
  try {
    const [r] = await db.all<{ logs: number; q: number }>(
      `SELECT (SELECT count(*) FROM ingest_log)::INTEGER AS logs, (SELECT count(*) FROM quarantine)::INTEGER AS q`,
    );
    const files = parquetFiles(ws.rawDir);
    const [p] = files.length
      ? await db.all<{ n: number; distinct_n: number }>(
          `SELECT count(*)::INTEGER AS n, count(DISTINCT (user_id, ts, cell_id))::INTEGER AS distinct_n
           FROM read_parquet(${quotedString(ws.rawDir + '/*/*.parquet')})`,
        )
      : [{ n: 0, distinct_n: 0 }];
    return {
      ...r!,
      ...p!,
      files: files.length,
      staged: readdirSync(ws.tmpDir).filter((n) => n.startsWith('ingest-')),
    };
  } finally {
    db.close();
  }
}

/**
 * Rows that differ between two workspaces, compared row by row (as multisets, all columns): partition
 * rows with their partition file, quarantine rows, and ingest log rows (all but the time of ingest).
 * Equal counts alone would let a rerun that writes other rows (a record in the wrong day, a different
 * pseudonym, a quarantine row with another reason) pass.
 */
async function rowDifferences(a: Workspace, b: Workspace): Promise<Record<string, number>> {
  const db = await Duck.open({ path: ':memory:' });
  try {
    await db.run(`ATTACH ${quotedString(a.duckPath)} AS a (READ_ONLY)`);
    await db.run(`ATTACH ${quotedString(b.duckPath)} AS b (READ_ONLY)`);
    const partitions = (ws: Workspace): string =>
      `SELECT * EXCLUDE (filename), replace(filename, ${quotedString(ws.rawDir)}, '') AS part
       FROM read_parquet(${quotedString(ws.rawDir + '/*/*.parquet')}, filename = true)`;
    const diff = async (x: string, y: string): Promise<number> =>
      (await db.one<{ n: number }>(
        `SELECT count(*)::INTEGER AS n FROM ((${x} EXCEPT ALL ${y}) UNION ALL (${y} EXCEPT ALL ${x}))`,
      ))!.n;
    return {
      partitions: await diff(partitions(a), partitions(b)),
      quarantine: await diff('SELECT * FROM a.quarantine', 'SELECT * FROM b.quarantine'),
      // ingested_at and attempt (a random id per try, commit.ts) differ between any two runs by design.
      log: await diff(
        'SELECT * EXCLUDE (ingested_at, attempt) FROM a.ingest_log',
        'SELECT * EXCLUDE (ingested_at, attempt) FROM b.ingest_log',
      ),
    };
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dir = tempDir('crash');
  cells = writeCells(dir);
  file = join(dir, 'records.parquet');
  await writeRecords(file);
  referenceWs = new Workspace(join(dir, 'reference'));
  referenceWs.create({ synthetic: true, description: 'test' });
  [reference] = (await ingest(referenceWs, { inputs: [file], cells, key: TEST_KEY })) as [FileSummary];
});

describe('an ingest killed mid-file', () => {
  it('leaves the workspace consistent, and a rerun completes with the exact counts', async () => {
    // Rows i < N, with the multiples of 4001 twice: exact counts by inclusion-exclusion.
    const m = (...k: number[]) => Math.floor((N - 1) / k.reduce((a, b) => a * b, 1)) + 1;
    expect(reference.reasons).toEqual({
      'missing id': m(997) + m(997, 4001),
      'unknown cell': m(1009) - m(997, 1009) + m(1009, 4001) - m(997, 1009, 4001),
      'duplicate record': m(4001) - m(997, 4001) - m(1009, 4001) + m(997, 1009, 4001),
    });
    const root = join(dir, 'killed');
    const child = spawn(process.execPath, cli(root), { env, stdio: 'ignore' });
    const killedAt = await new Promise<string>((resolve, reject) => {
      const poll = setInterval(() => {
        const tmp = join(root, 'tmp');
        const staged = existsSync(tmp) ? parquetFiles(tmp) : [];
        if (staged.length) {
          child.kill('SIGKILL');
          clearInterval(poll);
          resolve(staged[0]!);
        }
      }, 5);
      child.on('exit', () => {
        clearInterval(poll);
        reject(new Error('the ingest finished before it could be killed'));
      });
    });
    await new Promise((r) => child.on('exit', r));
    expect(killedAt).toMatch(/^ingest-[0-9a-f]{64}\/records-2020-01-1[67]\.parquet$/);

    const ws = new Workspace(root);
    // Nothing was committed, so nothing is visible: no log row, no quarantine row, no partition.
    expect(await contents(ws)).toMatchObject({ logs: 0, q: 0, files: 0, n: 0 });

    const rerun = spawnSync(process.execPath, cli(root), { env, encoding: 'utf8', timeout: 120_000 });
    expect(rerun.status).toBe(0);
    expect(rerun.stderr).toMatch(/discarded the unfinished partitions/);
    const [s] = JSON.parse(rerun.stdout) as FileSummary[];
    for (const k of ['read', 'accepted', 'quarantined', 'reasons', 'days', 'contentHash'] as const) {
      expect(s![k]).toEqual(reference[k]);
    }
    expect(await contents(ws)).toEqual({
      logs: 1,
      q: reference.quarantined,
      files: 2,
      n: reference.accepted,
      distinct_n: reference.accepted,
      staged: [],
    });
    expect(await rowDifferences(ws, referenceWs)).toEqual({ partitions: 0, quarantine: 0, log: 0 });
  });

  it('finishes moving the partitions of an input whose commit went through before the crash', async () => {
    const ws = new Workspace(join(dir, 'after-commit'));
    ws.create({ synthetic: true, description: 'test' });
    const crash = () => {
      throw new Error('simulated crash after commit');
    };
    await expect(
      ingest(ws, { inputs: [file], cells, key: TEST_KEY }, { afterCommit: crash }),
    ).rejects.toThrow(/simulated crash/);
    expect(await contents(ws)).toMatchObject({
      logs: 1,
      files: 0,
      staged: [`ingest-${reference.contentHash}`],
    });
    const lines: string[] = [];
    const [again] = await ingest(ws, { inputs: [file], key: TEST_KEY }, { log: (l) => lines.push(l) });
    expect(again!.skipped).toBe(true);
    expect(lines[0]).toMatch(/finished moving the partitions/);
    expect(await contents(ws)).toMatchObject({ logs: 1, files: 2, n: reference.accepted, staged: [] });
    expect(await rowDifferences(ws, referenceWs)).toEqual({ partitions: 0, quarantine: 0, log: 0 });
  });
});
