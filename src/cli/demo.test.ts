import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ingest } from '../ingest/ingest.ts';
import { csvOf, freshWorkspace, TEST_KEY, writeText } from '../ingest/testing.ts';
import { tempDir } from '../testing/fixture.ts';
import { Workspace } from '../workspace.ts';
import { demoMayReplace } from './demo.ts';

const BIN = fileURLToPath(new URL('../../bin/epitrace.mjs', import.meta.url));

function demo(ws: string) {
  const r = spawnSync(process.execPath, [BIN, 'demo', '--workspace', ws, '--port', '0', '--people', '50'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, err: r.stderr };
}

describe('epitrace demo', () => {
  it('never deletes a workspace built by ingest, with or without --rebuild', async () => {
    const { dir, ws, cells } = freshWorkspace('demo-guard');
    ws.writeInfo({ ...ws.info(), synthetic: false });
    const file = writeText(join(dir, 'r.csv'), csvOf([['u1', '2020-01-16 08:00:00', '1']]));
    await ingest(ws, { inputs: [file], cells, key: TEST_KEY });
    const before = readdirSync(ws.root, { recursive: true }).sort();
    expect(demoMayReplace(ws)).toBe(false);
    for (const extra of [[], ['--rebuild']]) {
      const r = spawnSync(process.execPath, [BIN, 'demo', '--workspace', ws.root, '--port', '0', ...extra], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([
        `epitrace: ${ws.root} is a workspace that epitrace demo did not build: demo never deletes it; pass another --workspace, or 'epitrace serve --workspace ${ws.root}' to serve it`,
      ]);
    }
    expect(readdirSync(ws.root, { recursive: true }).sort()).toEqual(before);
  });

  it('never deletes a non-empty folder that is not a workspace', () => {
    const root = join(tempDir('demo-guard'), 'mine');
    mkdirSync(root);
    writeFileSync(join(root, 'thesis.txt'), 'precious');
    const r = demo(root);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is a non-empty folder that is not a workspace: demo never deletes it/);
    expect(readdirSync(root)).toEqual(['thesis.txt']);
  });

  it('may rebuild a workspace it built (flagged, or from before the flag), a missing folder or an empty one', () => {
    const dir = tempDir('demo-guard');
    const mine = new Workspace(join(dir, 'demo'));
    mine.create({ synthetic: true, demo: true, description: 'SYNTHETIC' });
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const legacy = new Workspace(join(dir, 'legacy-demo'));
    legacy.create({ synthetic: true, description: 'SYNTHETIC' });
    mkdirSync(join(legacy.root, 'synth'));
    const legacyIngested = new Workspace(join(dir, 'legacy-ingested'));
    legacyIngested.create({ synthetic: false, description: 'records' });
    mkdirSync(join(legacyIngested.root, 'synth'));
    expect(demoMayReplace(mine)).toBe(true);
    // Built by demo before the flag existed: synthetic, with the simulator's output inside.
    expect(demoMayReplace(legacy)).toBe(true);
    expect(demoMayReplace(legacyIngested)).toBe(false);
    expect(demoMayReplace(new Workspace(empty))).toBe(true);
    expect(demoMayReplace(new Workspace(join(dir, 'missing')))).toBe(true);
  });
});
