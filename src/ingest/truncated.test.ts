import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Duck, quotedString } from '../db/duck.ts';
import type { FileSummary } from './ingest.ts';
import { freshWorkspace, TEST_KEY } from './testing.ts';

// The case of issue 9 with real processes: a CSV truncated while `epitrace ingest` reads it.
const BIN = fileURLToPath(new URL('../../bin/epitrace.mjs', import.meta.url));
const env = { ...process.env, EPITRACE_HMAC_KEY: TEST_KEY.toString('utf8') };
/** Large enough that writing its two day partitions takes a while. */
const N = 600_000;

describe('a CSV truncated while epitrace ingest reads it', () => {
  it('is refused whole, and the complete file then ingests completely', async () => {
    const { dir, ws, cells } = freshWorkspace('truncated');
    const full = join(dir, 'full.csv');
    const db = await Duck.open({ path: ':memory:' });
    await db.run(
      `COPY (SELECT 'u' || (i % 5000) AS raw_id, TIMESTAMP '2020-01-16 00:00:00' + to_seconds(i % 172800) AS ts,
                    1 + i % 2 AS cell_id FROM range(${N}) t(i))
       TO ${quotedString(full)} (HEADER)`,
    );
    db.close();
    const feed = join(dir, 'feed.csv');
    copyFileSync(full, feed);
    const args = [BIN, 'ingest', feed, '-w', ws.root, '--cells', cells, '--json'];

    const child = spawn(process.execPath, args, { env });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Truncate once the first day partition is staged: the rows are being read and written.
    const truncated = await new Promise<boolean>((resolve) => {
      const poll = setInterval(() => {
        const staged = existsSync(ws.tmpDir)
          ? readdirSync(ws.tmpDir, { recursive: true, encoding: 'utf8' }).some((f) => f.endsWith('.parquet'))
          : false;
        if (staged) {
          truncateSync(feed, Math.floor(statSync(feed).size / 2));
          clearInterval(poll);
          resolve(true);
        }
      }, 2);
      child.on('exit', () => {
        clearInterval(poll);
        resolve(false);
      });
    });
    const code = await new Promise<number | null>((r) =>
      child.exitCode !== null ? r(child.exitCode) : child.on('exit', r),
    );
    expect(truncated).toBe(true);
    expect(code).toBe(2);
    const lines = stderr
      .split('\n')
      .filter((l) => l !== '' && !/ \([\d,]+ rows\/s\)$/.test(l) && !l.startsWith('cell registry version'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^epitrace: feed\.csv changed while it was being ingested \(size \d+ -> \d+ bytes\): nothing from it was stored/,
    );
    expect(readdirSync(ws.tmpDir)).toEqual([]);
    expect(readdirSync(ws.rawDir)).toEqual([]);

    copyFileSync(full, feed);
    const again = spawnSync(process.execPath, args, { env, encoding: 'utf8', timeout: 120_000 });
    expect(again.status).toBe(0);
    const [s] = JSON.parse(again.stdout) as FileSummary[];
    expect([s!.skipped, s!.read, s!.accepted, s!.quarantined]).toEqual([false, N, N, 0]);
  });
});
