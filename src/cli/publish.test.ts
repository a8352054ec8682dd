import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Duck } from '../db/duck.ts';
import { readCurrent } from '../snapshot/publish.ts';
import { pipelineFixture, tempDir } from '../testing/fixture.ts';
import { listCases } from '../tracing/index.ts';
import type { Workspace } from '../workspace.ts';
import { importDemoRegistry } from './demo.ts';

const BIN = fileURLToPath(new URL('../../bin/epitrace.mjs', import.meta.url));

let ws: Workspace;
let ref: string;
let writer: Duck | null = null;
const auditDir = tempDir('publish-cli-audit');

const epitrace = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args, '-w', ws.root], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, EPITRACE_AUDIT_DIR: auditDir, TZ: 'UTC' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/** Holds analytics.duckdb as a job would (this process is the writer; the CLI runs in another). */
async function hold(): Promise<void> {
  writer = await ws.openDuck({ memoryLimit: '512MB' });
}
function free(): void {
  writer?.close();
  writer = null;
}

beforeAll(async () => {
  const f = await pipelineFixture('publish-cli', { people: 3000 });
  ws = f.ws;
  await importDemoRegistry(ws, f.synthDir, f.key);
  const db = await ws.openDuck();
  ref = (await listCases(db)).find((c) => c.userId && c.status === 'confirmed')!.ref;
  db.close();
}, 180_000);

afterAll(() => free());

const IN_USE = /^epitrace: workspace .* is in use by another process \(PID \d+\): try again when it is done/;
const FALLBACK = /^epitrace: .* is being written by another process: reading published snapshot (\d+) \(/;

describe('publishing from the CLI', () => {
  it('publish refuses while a writer holds the workspace, then publishes and prints id, days, size and time', async () => {
    expect(readCurrent(ws)).toBeNull();
    await hold();
    const refused = epitrace(['publish']);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(IN_USE);
    // Without a snapshot there is nothing to fall back to: the in-use line stands.
    const read = epitrace(['cases', 'list']);
    expect(read.code).toBe(2);
    expect(read.err).toMatch(IN_USE);
    // serve publishes a workspace never published before serving it: refused the same way.
    const serve = epitrace(['serve', '--port', '0']);
    expect(serve.code).toBe(2);
    expect(serve.err).toMatch(IN_USE);
    free();
    const r = epitrace(['publish']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^published snapshot 1: days 2020-01-16 \.\. 2020-01-22 \(7\), \d+\.\d MB in \d+\.\d\d s\n$/,
    );
    expect(readCurrent(ws)!.id).toBe(1);
  }, 120_000);

  it('run, risk build and forecast build publish at their end unless --no-publish', async () => {
    const id = () => readCurrent(ws)!.id;
    const before = id();
    const risk = epitrace(['risk', 'build', '--no-publish']);
    expect(risk.code, risk.err).toBe(0);
    expect(risk.err).toBe('');
    expect(id()).toBe(before);
    const risk2 = epitrace(['risk', 'build']);
    expect(risk2.code, risk2.err).toBe(0);
    expect(risk2.err).toMatch(
      new RegExp(`^published snapshot ${before + 1}: days 2020-01-16 \\.\\. 2020-01-22`),
    );
    const run = epitrace(['run']);
    expect(run.code, run.err).toBe(0);
    expect(id()).toBe(before + 2);
    const fc = epitrace(['forecast', 'build', '--members', '4', '--horizon', '3']);
    expect(fc.code, fc.err).toBe(0);
    expect(id()).toBe(before + 3);
    // A writer command with a writer in the way fails as before, and publishes nothing.
    await hold();
    const held = epitrace(['run']);
    free();
    expect(held.code).toBe(2);
    expect(held.err).toMatch(IN_USE);
    expect(id()).toBe(before + 3);
  }, 300_000);

  it('read-only commands read the published snapshot, saying so in one line, while a writer holds the workspace', async () => {
    const commands = [
      ['cases', 'list'],
      ['trajectory', '--case', ref],
      ['companions', '--case', ref],
      ['risk', 'levels', '--city', '420100', '--day', '2020-01-22'],
      ['risk', 'alerts', '--city', '420100', '--day', '2020-01-22'],
      ['risk', 'sources', '--k', '1'],
    ];
    const m = readCurrent(ws)!;
    const freeOut = commands.map((c) => epitrace(c));
    // All answer, but risk sources on this small fixture: too few destinations above k (said in one line).
    expect(freeOut.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 2]);
    expect(freeOut.slice(0, 5).map((r) => r.err)).toEqual(['', '', '', '', '']);
    await hold();
    try {
      for (const [i, c] of commands.entries()) {
        const r = epitrace(c);
        const [first, ...rest] = r.err.split('\n');
        expect(first, c.join(' ')).toMatch(FALLBACK);
        expect(FALLBACK.exec(first!)![1]).toBe(String(m.id));
        // The last publish holds everything written: the same answer as from analytics.duckdb itself.
        expect(rest.join('\n'), c.join(' ')).toBe(freeOut[i]!.err);
        expect(r.code, c.join(' ')).toBe(freeOut[i]!.code);
        expect(r.out, c.join(' ')).toBe(freeOut[i]!.out);
      }
    } finally {
      free();
    }
  }, 300_000);
});
