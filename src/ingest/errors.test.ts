import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvOf, freshWorkspace, TEST_KEY, writeText } from './testing.ts';

// Bad inputs and busy workspaces through the real CLI: one line on stderr, exit 2, no stack.
const BIN = fileURLToPath(new URL('../../bin/epitrace.mjs', import.meta.url));
const env = { ...process.env, EPITRACE_HMAC_KEY: TEST_KEY.toString('utf8') };

function epitrace(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, timeout: 60_000 });
  // Progress goes to stderr one line per stage when it is not a terminal; the rest must be the error.
  const lines = r.stderr.split('\n').filter((l) => l !== '' && !/ \([\d,]+ rows\/s\)$/.test(l));
  return { code: r.status, lines, err: r.stderr };
}

/** Deterministic bytes that are not text (a fixed LCG, so the test reads the same bytes every run). */
function noise(n: number, seed = 7): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

let ctx: ReturnType<typeof freshWorkspace>;
beforeAll(() => {
  ctx = freshWorkspace('errors');
  const ok = writeText(join(ctx.dir, 'ok.csv'), csvOf([['u1', '2020-01-16 08:00:00', '1']]));
  expect(epitrace(['ingest', ok, '-w', ctx.ws.root, '--cells', ctx.cells]).code).toBe(0);
});

describe('an unreadable input', () => {
  const cases: [string, () => Buffer, RegExp][] = [
    ['noise.parquet', () => noise(5000), /^as parquet: No magic bytes found at end of file$/],
    ['empty.parquet', () => Buffer.alloc(0), /^as parquet: the file is empty$/],
    ['noise.csv', () => noise(5000), /^as csv: not lines of text \(binary or corrupt bytes\)$/],
    ['empty.csv', () => Buffer.alloc(0), /^as csv: the file is empty$/],
    ['binary.csv', () => Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 0, 0]), /^as csv: no readable header line$/],
    ['noise.csv.gz', () => gzipSync(noise(5000)), /^as csv \(gzip\): not lines of text/],
    ['noise.ndjson', () => noise(5000), /^as ndjson: not lines of text/],
    ['empty.ndjson', () => Buffer.alloc(0), /^as ndjson: the file is empty$/],
    ['binary.ndjson', () => Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 0, 0]), /^as ndjson: no line is JSON$/],
    ['broken.ndjson.gz', () => Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]), /^as ndjson \(gzip\): /],
  ];
  it.each(cases)('%s: one line naming the file and format, exit 2, nothing stored', (name, bytes, why) => {
    const path = join(ctx.dir, name);
    writeFileSync(path, bytes());
    const r = epitrace(['ingest', path, '-w', ctx.ws.root]);
    expect(r.code).toBe(2);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]!.startsWith(`epitrace: cannot read ${name} `)).toBe(true);
    expect(r.lines[0]!.slice(`epitrace: cannot read ${name} `.length)).toMatch(why);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('stored nothing from any of them', async () => {
    const db = await ctx.ws.openDuck({ readOnly: true });
    const n = await db.one<{ logs: number; q: number }>(
      `SELECT (SELECT count(*) FROM ingest_log)::INTEGER AS logs, (SELECT count(*) FROM quarantine)::INTEGER AS q`,
    );
    db.close();
    expect(n).toEqual({ logs: 1, q: 0 });
    expect(readdirSync(ctx.ws.tmpDir)).toEqual([]);
  });
});

describe('a busy workspace', () => {
  let server: ChildProcess;
  beforeAll(async () => {
    server = spawn(process.execPath, [BIN, 'serve', '-w', ctx.ws.root, '--port', '0'], { env });
    await new Promise<void>((resolve, reject) => {
      server.stdout!.on('data', (d: Buffer) => /serving/.test(d.toString()) && resolve());
      server.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
  });
  afterAll(() => {
    server.kill('SIGTERM');
  });

  it('ingest and run go ahead while serve answers: it reads published snapshots, never the workspace', () => {
    expect(epitrace(['ingest', join(ctx.dir, 'ok.csv'), '-w', ctx.ws.root]).code).toBe(0);
    expect(epitrace(['run', '-w', ctx.ws.root]).code).toBe(0);
  });

  it.each([
    ['run', ['run']],
    ['ingest', ['ingest', 'ok.csv']],
  ])('%s while another process writes it: one line, exit 2', async (_name, args) => {
    // Another writer (a job, a backup): a process holding analytics.duckdb open for writing.
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { DuckDBInstance } from '@duckdb/node-api';
         await DuckDBInstance.create(${JSON.stringify(ctx.ws.duckPath)});
         console.log('held'); setInterval(() => {}, 1000);`,
      ],
      { cwd: fileURLToPath(new URL('../..', import.meta.url)) },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on('data', (d: Buffer) => /held/.test(d.toString()) && resolve());
        holder.on('exit', (code) => reject(new Error(`holder exited with ${code}`)));
      });
      const r = epitrace([...args.map((a) => (a === 'ok.csv' ? join(ctx.dir, a) : a)), '-w', ctx.ws.root]);
      expect(r.code).toBe(2);
      expect(r.lines).toEqual([
        `epitrace: workspace ${ctx.ws.root} is in use by another process (PID ${holder.pid}): try again when it is done (a job, a backup or another command writing it; 'serve' reads published snapshots and never holds it)`,
      ]);
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
