/**
 * Issue 14's acceptance: `epitrace serve --landing` serves continuously while new days land, are ingested,
 * run and published; killing a job mid-pipeline leaves the served snapshot intact and the next pass completes.
 * Everything real: the server and the jobs are child processes, DuckDB and SQLite files on disk, HTTP on loopback.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppDb } from '../db/sqlite.ts';
import { Accounts } from '../server/accounts.ts';
import { readCurrent } from '../snapshot/publish.ts';
import type { SnapshotManifest } from '../snapshot/publish.ts';
import { Client } from '../testing/http.ts';
import type { LandingResult } from './runner.ts';
import type { StatusReport } from './status.ts';
import { JobStore } from './store.ts';
import type { Job } from './store.ts';
import { landingFixture } from './testing.ts';
import type { LandingFixture } from './testing.ts';

const BIN = fileURLToPath(new URL('../../bin/epitrace.mjs', import.meta.url));
const USER = 'ops-test';
const PW = 'synthetic-test-password-1';

let fx: LandingFixture;
let db: Database;
let store: JobStore;
let server: ChildProcess;
let base: string;
let cookie: string;
const serverErr: string[] = [];

type Maybe<T> = T | null | undefined | false;

async function waitFor<T>(f: () => Maybe<T> | Promise<Maybe<T>>, ms = 50_000, step = 25): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out; server said:\n${serverErr.join('')}`);
    await new Promise((r) => setTimeout(r, step));
  }
}

beforeAll(async () => {
  fx = await landingFixture('always-on', { people: 1000, days: 7, initialDays: 2 });
  db = openAppDb(fx.ws.sqlitePath);
  store = new JobStore(db);
  await new Accounts(db).upsert(USER, PW, 'analyst');
  server = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      '-w',
      fx.ws.root,
      '--port',
      '0',
      '--landing',
      fx.landing,
      '--key-file',
      fx.keyFile,
      '--interval',
      '0.2',
      '--settle',
      '0.3',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stderr!.on('data', (b: Buffer) => serverErr.push(b.toString()));
  let out = '';
  server.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  base = await waitFor(() => /serving (http:\/\/\S+)/.exec(out)?.[1], 30_000);
  const c = new Client(base);
  expect((await c.login(USER, PW)).status).toBe(200);
  cookie = c.cookie;
}, 90_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  db?.close();
});

const RANGE = { from: '2020-01-16', to: '2020-01-22' };
const ROUTES = [
  '/api/meta',
  `/api/flows/outflow?${new URLSearchParams({ origin: '420100', ...RANGE })}`,
  `/api/flows/inflow?${new URLSearchParams({ dest: '420100', ...RANGE })}`,
  `/api/flows/outflow?${new URLSearchParams({ origin: '420100', from: '2020-01-17', to: '2020-01-20' })}`,
];

interface Seen {
  path: string;
  status: number;
  snapshot: string | null;
  body: string;
}

async function get(path: string): Promise<Seen> {
  const res = await fetch(new URL(path, base), { headers: { cookie } });
  return {
    path,
    status: res.status,
    snapshot: res.headers.get('x-epitrace-snapshot'),
    body: await res.text(),
  };
}

/** Clients looping over the routes until stopped; a poller records every manifest it sees. */
function load(clients: number): { stop: () => Promise<Seen[]>; manifests: Map<number, SnapshotManifest> } {
  const seen: Seen[] = [];
  const manifests = new Map<number, SnapshotManifest>();
  let running = true;
  const note = (): void => {
    const m = readCurrent(fx.ws);
    if (m) manifests.set(m.id, m);
  };
  note();
  const poll = setInterval(note, 20);
  const loops = Array.from({ length: clients }, async (_, c) => {
    for (let i = c; running; i++) seen.push(await get(ROUTES[i % ROUTES.length]!));
  });
  return {
    manifests,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      clearInterval(poll);
      note();
      return seen;
    },
  };
}

/** The last day a flow answer has data for (a published or suppressed figure). */
function lastDataDay(body: string): string | null {
  const b = JSON.parse(body) as { daily?: { date: string; count: number | null; suppressed: boolean }[] };
  const days = (b.daily ?? []).filter((d) => (d.count ?? 0) > 0 || d.suppressed).map((d) => d.date);
  return days.length ? days[days.length - 1]! : null;
}

/** Every response 200 from one snapshot: identical requests within a snapshot got identical bytes, days match it. */
function checkConsistent(seen: Seen[], manifests: Map<number, SnapshotManifest>): Set<number> {
  expect(seen.filter((s) => s.status !== 200)).toEqual([]);
  expect(seen.filter((s) => !s.snapshot)).toEqual([]);
  const bodies = new Map<string, string>();
  const ids = new Set<number>();
  for (const s of seen) {
    const id = Number(s.snapshot);
    ids.add(id);
    const m = manifests.get(id);
    expect(m, `snapshot ${id} was never current`).toBeDefined();
    const key = `${id} ${s.path}`;
    const prev = bodies.get(key);
    if (prev === undefined) bodies.set(key, s.body);
    else expect(s.body, key).toBe(prev);
    if (s.path === '/api/meta') {
      const meta = JSON.parse(s.body) as { snapshot: { id: number; days: unknown } };
      expect(meta.snapshot).toMatchObject({ id, days: m!.days });
    } else if (s.path === ROUTES[1]) {
      // The epicentre's outflow over the whole range ends on the snapshot's last day: never a newer day, never one short.
      expect(lastDataDay(s.body), key).toBe(m!.days!.last);
    } else {
      // Sparser flows (few synthetic travellers into the epicentre) may end earlier, never later.
      expect((lastDataDay(s.body) ?? '') <= m!.days!.last, key).toBe(true);
    }
  }
  return ids;
}

function finishedJob(id: number): Job | null {
  const j = store.get(id);
  return j && (j.state === 'succeeded' || j.state === 'failed') ? j : null;
}

/** Drops a file into the landing folder the way a feed should: written under a .part name, then renamed. */
function drop(src: string): void {
  const to = join(fx.landing, basename(src));
  copyFileSync(src, `${to}.part`);
  renameSync(`${to}.part`, to);
}

describe('always on', () => {
  it('serves continuously while three new days are ingested and run through the landing folder', async () => {
    const days = [...fx.later.keys()].slice(0, 3);
    const first = readCurrent(fx.ws)!;
    expect(first.days).toMatchObject({ last: fx.initial[fx.initial.length - 1], count: fx.initial.length });
    const l = load(3);
    const jobs: Job[] = [];
    for (const [i, day] of days.entries()) {
      drop(fx.later.get(day)!);
      const job = await waitFor(() =>
        store.list({ limit: 1 }).find((j) => j.inputs.includes(`records-${day}.csv`)),
      );
      jobs.push(await waitFor(() => finishedJob(job.id)));
      expect(jobs[i]!).toMatchObject({ state: 'succeeded', snapshotId: first.id + i + 1 });
      expect((jobs[i]!.result as LandingResult).days).toEqual([day]);
      // Let the clients read the new snapshot for a while before the next day lands: the server switches at
      // its next poll of current.json (every second), later than that on a busy machine.
      const id = String(first.id + i + 1);
      await waitFor(async () => ((await get('/api/meta')).snapshot === id ? true : undefined));
      await new Promise((r) => setTimeout(r, 500));
    }
    const seen = await l.stop();
    const ids = checkConsistent(seen, l.manifests);
    // Every snapshot was served, the old one first and the newest at the end.
    expect([...ids].sort()).toEqual([0, 1, 2, 3].map((i) => first.id + i));
    const last = readCurrent(fx.ws)!;
    expect(last.days).toMatchObject({ last: days[2], count: fx.initial.length + 3 });
    expect(Number(seen[seen.length - 1]!.snapshot)).toBe(last.id);
    for (const j of jobs) expect(existsSync(join(fx.landing, 'done', String(j.id)))).toBe(true);
    process.stderr.write(
      `always-on: ${seen.length} responses over snapshots ${[...ids].join(', ')}, all 200 and consistent\n`,
    );
  }, 90_000);

  it('keeps serving the published snapshot when a job is killed mid-pipeline, and the next pass completes', async () => {
    const before = readCurrent(fx.ws)!;
    const baseline = new Map<string, Seen>();
    for (const p of ROUTES) baseline.set(p, await get(p));
    const l = load(2);
    const rest = [...fx.later.keys()].slice(3);
    expect(rest.length).toBeGreaterThan(0);
    for (const d of rest) drop(fx.later.get(d)!);
    // Wait until the job is inside the pipeline (a day started, not all done), then kill it outright.
    const victim = await waitFor(
      () => {
        const j = store.list({ limit: 1 })[0];
        return j?.state === 'running' && j.step === 'pipeline' && j.done! < j.total! && j.pid ? j : null;
      },
      50_000,
      5,
    );
    process.kill(victim.pid!, 'SIGKILL');
    // The killed job published nothing: the manifest is the one from before it.
    expect(readCurrent(fx.ws)!.id).toBe(before.id);
    expect([...l.manifests.keys()]).toEqual([before.id]);
    process.stderr.write(
      `always-on: killed job ${victim.id} (process ${victim.pid}) at pipeline ${victim.done}/${victim.total}\n`,
    );
    // Right after the kill: the same snapshot, the same bytes.
    for (const p of ROUTES) {
      const now = await get(p);
      expect(now.status).toBe(200);
      expect(now.snapshot).toBe(String(before.id));
      expect(now.body).toBe(baseline.get(p)!.body);
    }
    const failed = await waitFor(() => finishedJob(victim.id));
    expect(failed.state).toBe('failed');
    expect(failed.error).toBe(
      `interrupted: process ${victim.pid} ended without finishing (killed or crashed)`,
    );
    const st = spawnSync(process.execPath, [BIN, 'status', '-w', fx.ws.root, '--json'], { encoding: 'utf8' });
    expect(st.status).toBe(0);
    const report = JSON.parse(st.stdout) as StatusReport;
    expect(report.jobs.recentFailures.map((j) => [j.id, j.error])).toContainEqual([victim.id, failed.error]);
    // The watcher's next pass queues the files again as a new job, which completes and publishes.
    const retry = await waitFor(() => {
      const j = store.list({ limit: 1 })[0];
      return j && j.id > victim.id && finishedJob(j.id);
    });
    expect(retry).toMatchObject({ state: 'succeeded', snapshotId: before.id + 1, inputs: victim.inputs });
    const after = await waitFor(() => (readCurrent(fx.ws)!.id === before.id + 1 ? readCurrent(fx.ws) : null));
    expect(after.jobId).toBe(retry.id);
    expect(after.days).toMatchObject({
      last: rest[rest.length - 1],
      count: before.days!.count + rest.length,
    });
    // The server switches at its next poll of current.json.
    for (let i = 0; (await get('/api/meta')).snapshot !== String(after.id); i++) {
      expect(i).toBeLessThan(400);
      await new Promise((r) => setTimeout(r, 25));
    }
    const seen = await l.stop();
    const ids = checkConsistent(seen, l.manifests);
    expect([...ids].every((id) => id === before.id || id === after.id)).toBe(true);
    expect(readdirSync(join(fx.landing, '.processing'))).toEqual([]);
    expect(readdirSync(join(fx.landing, 'done', String(retry.id))).filter((f) => !f.startsWith('.'))).toEqual(
      victim.inputs,
    );
    const report2 = JSON.parse(
      spawnSync(process.execPath, [BIN, 'status', '-w', fx.ws.root, '--json'], { encoding: 'utf8' }).stdout,
    ) as StatusReport;
    expect(report2.snapshot?.id).toBe(after.id);
    expect(report2.jobs.lastSuccess?.id).toBe(retry.id);
  }, 90_000);
});
