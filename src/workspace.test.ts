import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { demoNeedsBuild } from './cli/demo.ts';
import { UserError } from './errors.ts';
import { tempDir } from './testing/fixture.ts';
import { Workspace, WORKSPACE_FORMAT } from './workspace.ts';

const BIN = fileURLToPath(new URL('../bin/epitrace.mjs', import.meta.url));

/** The contract's refusal line for a workspace of format `f` (issue #15). */
const refusal = (root: string, f: number) =>
  `workspace ${root} is format ${f} (made before EpiTrace stored pseudonyms as 128-bit integers): rebuild it: ` +
  '`epitrace demo` rebuilds the demo workspace; for others, ingest the original files again into a new workspace ' +
  'with the same key (`epitrace ingest --workspace NEW ...`, then `epitrace run`), or restore a backup made by this version';

/** A workspace whose workspace.json says `version` (or nothing when undefined), as an older EpiTrace wrote it. */
function oldWorkspace(version: number | undefined, demo = false): Workspace {
  const ws = new Workspace(join(tempDir('format'), 'ws'));
  ws.create({ synthetic: true, demo, description: 'SYNTHETIC test', scenario: demo ? SCENARIO : undefined });
  const info: Record<string, unknown> = { ...ws.info(), version };
  if (version === undefined) delete info['version'];
  ws.writeInfo(info as never);
  return ws;
}
const SCENARIO = { name: 'wuhan', from: '2020-01-10', to: '2020-01-20', epicentre: '420100' };

describe('workspace format', () => {
  it('writes format 2 into a new workspace and opens it', async () => {
    const ws = new Workspace(join(tempDir('format'), 'ws'));
    ws.create({ synthetic: true, description: 'SYNTHETIC test' });
    expect(WORKSPACE_FORMAT).toBe(2);
    expect(JSON.parse(readFileSync(ws.infoPath, 'utf8')).version).toBe(2);
    expect(ws.require()).toBe(ws);
    (await ws.openDuck()).close();
  });

  it('refuses a format-1 or version-less workspace in require() and openDuck() with the rebuild line', async () => {
    for (const v of [1, undefined]) {
      const ws = oldWorkspace(v);
      expect(() => ws.require()).toThrow(new UserError(refusal(ws.root, 1)));
      await expect(ws.openDuck({ readOnly: true })).rejects.toThrow(new UserError(refusal(ws.root, 1)));
    }
  });

  it('refuses a workspace of a newer format, naming it', () => {
    const ws = oldWorkspace(3);
    expect(() => ws.require()).toThrow(/is format 3, made by a newer EpiTrace \(this one reads format 2\)/);
  });

  it('epitrace run, ingest and serve exit 2 with the one rebuild line on a format-1 workspace', () => {
    const ws = oldWorkspace(1);
    for (const args of [
      ['run', '--workspace', ws.root],
      ['ingest', '--workspace', ws.root, join(ws.root, 'missing.csv')],
      ['serve', '--workspace', ws.root, '--port', '0'],
    ]) {
      const r = spawnSync(process.execPath, [BIN, ...args], {
        encoding: 'utf8',
        env: { ...process.env, EPITRACE_HMAC_KEY: 'k'.repeat(40) },
        timeout: 60_000,
      });
      expect([args[0], r.status, r.stderr.trim().split('\n')]).toEqual([
        args[0],
        2,
        [`epitrace: ${refusal(ws.root, 1)}`],
      ]);
    }
  }, 120_000);

  it('lets `epitrace demo` rebuild an old-format demo workspace, and only rebuilds a current one that lacks its scenario', () => {
    expect(demoNeedsBuild(oldWorkspace(1, true))).toBe(true);
    expect(demoNeedsBuild(oldWorkspace(undefined, true))).toBe(true);
    expect(demoNeedsBuild(oldWorkspace(2, true))).toBe(false);
    expect(demoNeedsBuild(oldWorkspace(2, false))).toBe(true);
  });
});
