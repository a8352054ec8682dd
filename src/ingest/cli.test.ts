import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FileSummary } from './ingest.ts';
import { freshWorkspace, ndjsonOf, TEST_KEY } from './testing.ts';

// `epitrace ingest` end to end (the command lives in src/cli/commands/ingest.ts).
const BIN = fileURLToPath(new URL('../../bin/epitrace.mjs', import.meta.url));

function epitrace(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, 'ingest', ...args], {
    encoding: 'utf8',
    input,
    env: { ...process.env, EPITRACE_HMAC_KEY: TEST_KEY.toString('utf8') },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('epitrace ingest', () => {
  it('lists every ingest option in --help', () => {
    const h = epitrace(['--help']);
    expect(h.code).toBe(0);
    for (const o of ['--format', '--columns', '--mapping', '--delimiter', '--time-format', '--timezone']) {
      expect(h.out).toContain(o);
    }
    for (const o of ['--day', '--max-cell-distance-m', '--keep-points', '--json']) expect(h.out).toContain(o);
  });

  it('reads NDJSON from standard input and prints only JSON with --json, a table without', () => {
    const { dir, cells } = freshWorkspace('cli');
    const ws = join(dir, 'ws');
    const text = ndjsonOf([['u1', '2020-01-16T00:00:00Z', '1'], ['u1', '1579136400', '2'], 'not json']);
    const r = epitrace(['-', '-w', ws, '--cells', cells, '--day', '2020-01-16', '--json'], text);
    expect(r.code).toBe(0);
    const [s] = JSON.parse(r.out) as FileSummary[];
    expect([s!.file, s!.read, s!.accepted, s!.quarantined, s!.reasons]).toEqual([
      'stdin',
      3,
      2,
      1,
      { 'malformed line': 1 },
    ]);
    const again = epitrace(['-', '-w', ws], text);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/stdin \(already ingested\)/);
    expect(again.out).toMatch(/read = accepted \+ quarantined/);
  });

  it('rejects contradictory settings with one clear line', () => {
    const { dir } = freshWorkspace('cli-bad');
    const r = epitrace([
      join(dir, 'cells.csv'),
      '-w',
      join(dir, 'ws'),
      '--day',
      '2020-01-16',
      '--from',
      '2020-01-15',
    ]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toEqual(['epitrace: --day cannot be combined with --from or --to']);
  });
});
