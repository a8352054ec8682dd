import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAudit } from '../cli/serve.ts';
import { openAppDb } from '../db/sqlite.ts';
import { JobStore } from '../jobs/store.ts';
import { publishWorkspace } from '../snapshot/publish.ts';
import type { SnapshotManifest } from '../snapshot/publish.ts';
import { SnapshotSource } from '../snapshot/source.ts';
import { pipelineFixture, tempDir } from '../testing/fixture.ts';
import { Client, listenLocal } from '../testing/http.ts';
import type { Workspace } from '../workspace.ts';
import { Accounts } from './accounts.ts';
import { buildServer } from './app.ts';

const PW = 'status-test-password';
/** The fake clock of the jobs: a minute per tick from this instant. */
const T0 = Date.parse('2026-12-02T01:00:00Z');
const LIVE_PID = 4242;
const REASON = 'day-0117.csv: line 7: no column ts (expected ts, cell_id, user_id)';
let tick = 0;
const now = (): Date => new Date(T0 + tick * 60_000);

let ws: Workspace;
let snapshots: SnapshotSource;
let manifest: SnapshotManifest;
let appDb: Database;
let close: () => Promise<void>;
let base: string;
const ids = { dead: 0, ok: 0, failed: 0, running: 0 };

beforeAll(async () => {
  ws = (await pipelineFixture('status', { people: 600, days: 2 })).ws;
  appDb = openAppDb(ws.sqlitePath);
  const accounts = new Accounts(appDb);
  for (const role of ['admin', 'analyst', 'tracer'] as const) await accounts.upsert(role, PW, role);
  // Four jobs: one whose process is gone (reaped on the first read), a success, a failure, one running.
  const jobs = new JobStore(appDb, now, (pid) => pid === LIVE_PID);
  ids.dead = jobs.create('run', ['day-0116.csv']).id;
  jobs.start(ids.dead, 999);
  tick++;
  ids.ok = jobs.create('landing', ['day-0116.csv']).id;
  jobs.start(ids.ok, 1001);
  jobs.progress(ids.ok, 'run', 1, 1);
  tick++;
  jobs.succeed(ids.ok, { read: 10, accepted: 10 }, 3);
  ids.failed = jobs.create('landing', ['day-0117.csv']).id;
  jobs.start(ids.failed, 1002);
  tick++;
  jobs.fail(ids.failed, REASON);
  ids.running = jobs.create('ingest', ['secret-feed-0118.csv']).id;
  jobs.start(ids.running, LIVE_PID);
  tick++;
  jobs.progress(ids.running, 'ingest', 2, 5);
  const landing = join(tempDir('status-landing'), 'landing');
  mkdirSync(join(landing, 'done'), { recursive: true });
  for (const f of ['a.csv', 'b.csv.gz', '.c.csv', 'd.csv.part']) writeFileSync(join(landing, f), 'x');

  manifest = await publishWorkspace(ws);
  snapshots = await SnapshotSource.open(ws, { pollMs: 0 });
  expect(manifest.days?.count).toBeGreaterThan(0);
  const app = await buildServer({
    snapshots,
    appDb,
    audit: openAudit(ws, appDb),
    k: 10,
    jobs,
    landing: { dir: landing },
  });
  base = await listenLocal(app);
  close = async () => {
    await app.close();
    await snapshots.close();
    appDb.close();
  };
});

afterAll(async () => close?.());

async function as(role: 'admin' | 'analyst' | 'tracer'): Promise<Client> {
  const c = new Client(base);
  expect((await c.login(role, PW)).status).toBe(200);
  return c;
}

describe('GET /api/status and GET /api/admin/jobs', () => {
  it('refuses both without a session (401) and the jobs list to tracers and analysts (403)', async () => {
    const anon = new Client(base);
    expect((await anon.send('GET', '/api/status')).status).toBe(401);
    expect((await anon.send('GET', '/api/admin/jobs')).status).toBe(401);
    for (const role of ['analyst', 'tracer'] as const)
      expect((await (await as(role)).send('GET', '/api/admin/jobs')).status).toBe(403);
  });

  it('tells tracers and analysts the progress and times, without reasons or file names', async () => {
    for (const role of ['analyst', 'tracer'] as const) {
      const r = await (await as(role)).send('GET', '/api/status');
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        synthetic: true,
        snapshot: { id: manifest.id, publishedAt: manifest.publishedAt, days: manifest.days },
        jobs: {
          running: {
            id: ids.running,
            kind: 'ingest',
            step: 'ingest',
            done: 2,
            total: 5,
            startedAt: '2026-12-02T01:03:00.000Z',
          },
          queued: 0,
          lastSuccess: { id: ids.ok, kind: 'landing', finishedAt: '2026-12-02T01:02:00.000Z', snapshotId: 3 },
          lastFailure: { id: ids.failed, kind: 'landing', finishedAt: '2026-12-02T01:03:00.000Z' },
        },
        landing: { pending: 2 },
      });
      const text = JSON.stringify(r.body);
      for (const secret of ['.csv', 'no column', 'interrupted', 'error', 'inputs'])
        expect(text).not.toContain(secret);
    }
  });

  it('gives admins the failure reason and the running job files', async () => {
    const admin = await as('admin');
    const s = await admin.send('GET', '/api/status');
    const jobs = s.body['jobs'] as { running: { inputs: string[] }; lastFailure: { error: string } };
    expect(jobs.lastFailure.error).toBe(REASON);
    expect(jobs.running.inputs).toEqual(['secret-feed-0118.csv']);
  });

  it('lists full job rows newest first for admins; a job whose process is gone shows failed, interrupted', async () => {
    const r = await (await as('admin')).send('GET', '/api/admin/jobs?limit=10');
    expect(r.status).toBe(200);
    const rows = r.body['jobs'] as { id: number; state: string; error: string | null; inputs: string[] }[];
    expect(rows.map((j) => [j.id, j.state])).toEqual([
      [ids.running, 'running'],
      [ids.failed, 'failed'],
      [ids.ok, 'succeeded'],
      [ids.dead, 'failed'],
    ]);
    expect(rows[1]!.error).toBe(REASON);
    expect(rows[1]!.inputs).toEqual(['day-0117.csv']);
    expect(rows[3]!.error).toMatch(/^interrupted: process 999 /);
    const two = await (await as('admin')).send('GET', '/api/admin/jobs?limit=2');
    expect((two.body['jobs'] as unknown[]).length).toBe(2);
    expect((await (await as('admin')).send('GET', '/api/admin/jobs?limit=0')).status).toBe(400);
  });
});
