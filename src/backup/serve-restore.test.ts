import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE } from '../cli/commands/forecast-build.ts';
import { startServer } from '../cli/serve.ts';
import { openAppDb } from '../db/sqlite.ts';
import { buildForecast, outflowCutScenarios } from '../epi/workspace-build.ts';
import { AuditLog, loadAuditKey } from '../privacy/audit.ts';
import type { AuditEntry } from '../privacy/audit.ts';
import { buildRisk } from '../risk/build.ts';
import { Accounts } from '../server/accounts.ts';
import type { Role } from '../server/accounts.ts';
import { tempDir } from '../testing/fixture.ts';
import { Client } from '../testing/http.ts';
import { tracingFixture } from '../testing/tracing-fixture.ts';
import { Workspace } from '../workspace.ts';

const BIN = fileURLToPath(new URL('../../bin/epitrace.mjs', import.meta.url));
const PW = 'backup-test-password';
const ACCOUNTS: [string, Role][] = [
  ['analyst', 'analyst'],
  ['tracer', 'tracer'],
  ['admin', 'admin'],
];
const WEEK = 'from=2020-01-16&to=2020-01-22';
/** What the dashboard asks for, by the account that may ask it. */
const ROUTES: [who: string, path: string][] = [
  ['analyst', '/api/divisions'],
  ['analyst', `/api/flows/outflow?origin=420100&${WEEK}`],
  ['analyst', `/api/flows/inflow?dest=110100&${WEEK}`],
  ['analyst', `/api/flows/returnees?city=110100&source=420100&${WEEK}`],
  ['analyst', '/api/risk/hours?city=420100'],
  ['analyst', '/api/risk/heatmap?city=420100&hour=2020-01-20T10'],
  ['analyst', '/api/risk/levels?city=420100&day=2020-01-20'],
  ['analyst', '/api/risk/index?city=420100&day=2020-01-20'],
  ['analyst', '/api/risk/alerts?city=420100&day=2020-01-20'],
  ['analyst', `/api/risk/sources?origin=420100&${WEEK}`],
  ['analyst', '/api/geo/areas?city=420100&level=street'],
  ['analyst', '/api/forecast/runs'],
  ['analyst', '/api/forecast/params?run=1'],
  ['tracer', '/api/cases'],
  ['admin', '/api/admin/accounts'],
];

interface Served {
  ws: Workspace;
  url: string;
  close: () => Promise<void>;
  clients: Record<string, Client>;
}

let original: Served;
let restored: Served;
let during: { statuses: number[]; whileBackingUp: number };
let backup: { files: number; bytes: number; snapshotId: number | null };

/** Runs the CLI without blocking this process (whose server must keep answering meanwhile). */
function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, TZ: 'UTC' } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

async function serve(ws: Workspace): Promise<Served> {
  // k = 3: at the default 15 this small fixture's forecast serves no region (group rule, src/epi/published.ts).
  const s = await startServer(ws, { host: '127.0.0.1', port: 0, k: 3, log: () => {} });
  const clients: Record<string, Client> = {};
  for (const [u] of ACCOUNTS) {
    clients[u] = new Client(s.url);
    expect((await clients[u].login(u, PW)).status, `login ${u}`).toBe(200);
  }
  return { ws, url: s.url, close: s.close, clients };
}

async function body(
  s: Served,
  who: string,
  path: string,
): Promise<{ status: number; text: string; snapshot: string | null }> {
  const res = await fetch(new URL(path, s.url), { headers: { cookie: s.clients[who]!.cookie } });
  return { status: res.status, text: await res.text(), snapshot: res.headers.get('x-epitrace-snapshot') };
}

beforeAll(async () => {
  const f = await tracingFixture('backup-serve');
  const db = await f.ws.openDuck();
  try {
    await buildRisk(db);
    await buildForecast(
      db,
      { root: f.ws.root, info: f.ws.info(), synthDir: f.synthDir },
      { horizon: 14, members: 4, seed: 7, scenarios: outflowCutScenarios },
      ENGINE,
    );
  } finally {
    db.close();
  }
  const app = openAppDb(f.ws.sqlitePath);
  for (const [u, role] of ACCOUNTS) await new Accounts(app).upsert(u, PW, role);
  app.close();
  original = await serve(f.ws);
  // The first region the small fixture's forecast serves (cities with fewer than k cases are not served).
  const runs = JSON.parse((await body(original, 'analyst', '/api/forecast/runs')).text) as {
    runs: { run: number; regions: { code: string }[] }[];
  };
  const run = runs.runs[0]!;
  ROUTES.push(['analyst', `/api/forecast?run=${run.run}&region=${run.regions[0]!.code}&quantity=confirmed`]);

  // Requests keep running from before the backup starts until after it ends.
  let stop = false;
  let backingUp = false;
  during = { statuses: [], whileBackingUp: 0 };
  const load = Array.from({ length: 3 }, async (_, w) => {
    for (let i = w; !stop; i++) {
      const [who, path] = ROUTES[i % ROUTES.length]!;
      const r = await body(original, who, path);
      during.statuses.push(r.status);
      if (backingUp) during.whileBackingUp++;
    }
  });
  await new Promise((r) => setTimeout(r, 300));
  const archive = join(tempDir('backup-serve-out'), 'ws.tar.gz');
  backingUp = true;
  const b = await cli(['backup', '-w', f.ws.root, '--out', archive, '--json', '--wait', '30']);
  backingUp = false;
  await new Promise((r) => setTimeout(r, 200));
  stop = true;
  await Promise.all(load);
  // Progress lines only (the workspace is over 64 MB): no waiting, no error.
  expect(b.err.split('\n').filter((l) => l && !/^backup: (checksums|writing): /.test(l))).toEqual([]);
  expect(b.code).toBe(0);
  backup = JSON.parse(b.out) as typeof backup;

  const target = join(tempDir('backup-serve-restored'), 'ws');
  const r = await cli(['restore', archive, '-w', target]);
  expect(r.code, r.err).toBe(0);
  expect(r.out).toMatch(new RegExp(`^restored into ${target}: ${backup.files} files, `));
  restored = await serve(new Workspace(target));
}, 600_000);

afterAll(async () => {
  await original?.close();
  await restored?.close();
});

describe('a backup taken while serving, restored into a new folder', () => {
  it('was taken while every request kept answering 200', () => {
    expect(during.whileBackingUp).toBeGreaterThan(0);
    expect(during.statuses.filter((s) => s !== 200)).toEqual([]);
    expect(backup.snapshotId).toBe(1);
  });

  it('serves the same answers, byte for byte, from the same snapshot', async () => {
    for (const [who, path] of ROUTES) {
      const a = await body(original, who, path);
      const b = await body(restored, who, path);
      expect(a.status, path).toBe(200);
      expect(b.status, path).toBe(200);
      expect(b.snapshot, path).toBe(a.snapshot);
      expect(b.text, path).toBe(a.text);
    }
  });

  it('says the same in /api/meta, but for where it is', async () => {
    const a = JSON.parse((await body(original, 'analyst', '/api/meta')).text) as Record<string, unknown>;
    const b = JSON.parse((await body(restored, 'analyst', '/api/meta')).text) as Record<string, unknown>;
    expect(a['scenario']).toMatchObject({ synthetic: true });
    expect(a['snapshot']).toMatchObject({ id: 1 });
    const where = (m: Record<string, unknown>): string =>
      JSON.stringify(m).split(original.ws.root).join('<ws>');
    expect(where(b).split(restored.ws.root).join('<ws>')).toBe(where(a));
  });

  it('keeps the accounts and sessions: the same password logs in, an old cookie still works', async () => {
    const c = new Client(restored.url);
    expect((await c.login('analyst', PW)).status).toBe(200);
    expect((await c.login('analyst', 'not the password')).status).toBe(401);
    const old = await fetch(new URL('/api/me', restored.url), {
      headers: { cookie: original.clients['analyst']!.cookie },
    });
    expect(old.status).toBe(200);
  });

  it('carries an audit chain that verifies with the restored key and checkpoints', () => {
    const db = openAppDb(restored.ws.sqlitePath);
    try {
      const keys = join(restored.ws.root, 'keys');
      const log = new AuditLog(
        db,
        loadAuditKey(join(keys, 'audit.key'), false),
        join(keys, 'audit.checkpoints'),
      );
      expect(log.verify()).toBeNull();
      // The requests answered before the backup were audited, and came along; the restore is the first entry after them.
      expect(log.count()).toBeGreaterThan(ROUTES.length);
      const restoreEntry = db
        .prepare("SELECT * FROM audit WHERE action = 'workspace.restore'")
        .all() as AuditEntry[];
      expect(restoreEntry).toHaveLength(1);
      expect(JSON.parse(restoreEntry[0]!.detail)).toMatchObject({
        via: 'cli',
        source: original.ws.root,
        snapshotId: 1,
      });
    } finally {
      db.close();
    }
    // The original says a backup was taken, and where to.
    const orig = openAppDb(original.ws.sqlitePath);
    try {
      const e = orig.prepare("SELECT detail FROM audit WHERE action = 'workspace.backup'").all() as {
        detail: string;
      }[];
      expect(e).toHaveLength(1);
      expect(JSON.parse(e[0]!.detail)).toMatchObject({ via: 'cli', files: backup.files, snapshotId: 1 });
    } finally {
      db.close();
    }
  });
});
