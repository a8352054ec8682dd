import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { importDemoRegistry } from '../cli/demo.ts';
import { openAppDb } from '../db/sqlite.ts';
import { AuditLog, auditFiles, loadAuditKey } from '../privacy/audit.ts';
import { pipelineFixture, tempDir } from '../testing/fixture.ts';
import type { Workspace } from '../workspace.ts';
import { companions, DEFAULT_COMPANION_OPTIONS, listCases } from './index.ts';

const BIN = fileURLToPath(new URL('../../bin/epitrace.mjs', import.meta.url));

describe('epitrace trajectory / companions', () => {
  let ws: Workspace;
  let ref: string;
  let unmatched: string;
  const auditDir = tempDir('trace-audit');
  const epitrace = (args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args, '-w', ws.root], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, EPITRACE_AUDIT_DIR: auditDir, TZ: 'UTC' },
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  beforeAll(async () => {
    const f = await pipelineFixture('trace-cli', { people: 3000 });
    ws = f.ws;
    // As `epitrace demo` does it, with the ingest key.
    const s = await importDemoRegistry(ws, f.synthDir, f.key);
    expect(s.unmatched.length).toBeGreaterThan(0);
    const db = await ws.openDuck();
    const cases = await listCases(db);
    db.close();
    ref = cases.find((c) => c.userId && c.status === 'confirmed')!.ref;
    unmatched = s.unmatched[0]!;
  }, 120_000);

  it('prints and exports companions, and audits each query with the case and the number of people', async () => {
    const csv = join(auditDir, 'out.csv');
    const r = epitrace(['companions', '--case', ref, '--csv', csv]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const db = await ws.openDuck({ readOnly: true });
    const want = await companions(db, ref, DEFAULT_COMPANION_OPTIONS);
    db.close();
    expect(want.companions.length).toBeGreaterThan(0);
    expect(r.out).toContain(`${want.companions.length} companion(s)`);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines.length).toBe(want.companions.length + 1);
    expect(lines[1]!.split(',').slice(0, 2)).toEqual([ref, want.companions[0]!.userId]);

    expect(epitrace(['trajectory', '--case', ref]).code).toBe(0);
    const app = openAppDb(ws.sqlitePath);
    const files = auditFiles(ws.root, auditDir);
    const log = new AuditLog(app, loadAuditKey(files.keyPath, false), files.checkpointPath);
    const entries = log.recent(2).reverse();
    expect(log.verify()).toBeNull();
    app.close();
    expect(entries.map((e) => [e.username, e.action])).toEqual([
      [null, 'trace.companions'],
      [null, 'trace.trajectory'],
    ]);
    expect(JSON.parse(entries[0]!.detail)).toMatchObject({
      via: 'cli',
      case: ref,
      people: want.companions.length,
    });
    expect(JSON.parse(entries[1]!.detail)).toMatchObject({ via: 'cli', case: ref, people: 1 });
  });

  it('refuses an unknown ref and an unmatched case with one line, auditing nothing', () => {
    const count = (): number => {
      const app = openAppDb(ws.sqlitePath);
      const n = (app.prepare('SELECT count(*) AS n FROM audit').get() as { n: number }).n;
      app.close();
      return n;
    };
    const before = count();
    const a = epitrace(['companions', '--case', 'NO-SUCH']);
    expect(a.code).toBe(2);
    expect(a.err.trim().split('\n')).toEqual([expect.stringMatching(/no case 'NO-SUCH'/)]);
    const b = epitrace(['trajectory', '--case', unmatched]);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/matched no subscriber/);
    expect(count()).toBe(before);
  });
});
