import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openAppDb } from '../db/sqlite.ts';
import { tempDir } from '../testing/fixture.ts';
import { pidAlive } from '../pid.ts';
import { JobStore } from './store.ts';

function fakeClock(start = '2026-01-01T00:00:00.000Z') {
  let t = Date.parse(start);
  return {
    now: () => new Date(t),
    advance: (ms: number) => {
      t += ms;
    },
  };
}

function setup(alive: Set<number>) {
  const db = openAppDb(join(tempDir('jobs'), 'app.sqlite'));
  const clock = fakeClock();
  const store = new JobStore(db, clock.now, (pid) => alive.has(pid));
  return { db, clock, store };
}

describe('JobStore', () => {
  it('records a job from queued through running with progress to succeeded', () => {
    const { store, clock } = setup(new Set([10]));
    const job = store.create('landing', ['a.csv', 'b.csv']);
    expect(job).toMatchObject({ state: 'queued', inputs: ['a.csv', 'b.csv'], pid: null });
    expect(store.summary().queued).toBe(1);
    clock.advance(1000);
    store.start(job.id, 10);
    clock.advance(1000);
    store.progress(job.id, 'pipeline', 2, 5);
    const running = store.get(job.id)!;
    expect(running).toMatchObject({ state: 'running', pid: 10, step: 'pipeline', done: 2, total: 5 });
    expect(running.heartbeatAt).toBe('2026-01-01T00:00:02.000Z');
    expect(store.summary()).toMatchObject({ running: { id: job.id }, queued: 0, lastSuccess: null });
    store.succeed(job.id, { read: 3, accepted: 3, quarantined: 0 }, 4);
    const done = store.get(job.id)!;
    expect(done).toMatchObject({ state: 'succeeded', snapshotId: 4, result: { read: 3 } });
    expect(store.summary()).toMatchObject({ running: null, lastSuccess: { id: job.id } });
  });

  it('keeps a failure to one line and lists newest first', () => {
    const { store } = setup(new Set());
    const a = store.create('landing', []);
    const b = store.create('landing', []);
    store.fail(a.id, 'bad file x.csv: header missing\n    at stack frame');
    expect(store.get(a.id)!.error).toBe('bad file x.csv: header missing');
    expect(store.list().map((j) => j.id)).toEqual([b.id, a.id]);
    expect(store.list({ limit: 1 }).map((j) => j.id)).toEqual([b.id]);
    expect(store.summary().lastFailure!.id).toBe(a.id);
  });

  it('reaps a running job whose process is gone, and one whose heartbeat is older than 60 s', () => {
    const alive = new Set([10, 11, 12]);
    const { store, clock } = setup(alive);
    const gone = store.create('landing', []);
    const hung = store.create('landing', []);
    const fine = store.create('landing', []);
    store.start(gone.id, 10);
    store.start(hung.id, 11);
    store.start(fine.id, 12);
    expect(store.reapDead()).toBe(0);
    alive.delete(10);
    clock.advance(59_000);
    store.progress(fine.id, 'pipeline', 1, 3);
    expect(store.reapDead()).toBe(1);
    expect(store.get(gone.id)).toMatchObject({
      state: 'failed',
      error: 'interrupted: process 10 ended without finishing (killed or crashed)',
    });
    clock.advance(2_000); // hung: 61 s without heartbeat; fine: 2 s
    store.heartbeat(fine.id);
    expect(store.reapDead()).toBe(1);
    expect(store.get(hung.id)!.error).toMatch(/^interrupted: process 11 sent no heartbeat for 61 s/);
    expect(store.get(fine.id)!.state).toBe('running');
    // A timer heartbeat alone keeps a job between progress steps alive, and says whether its process is.
    clock.advance(59_000);
    store.heartbeat(fine.id);
    clock.advance(59_000);
    expect(store.reapDead()).toBe(0);
    expect(store.get(fine.id)!.step).toBe('pipeline');
    expect(store.processAlive(store.get(hung.id)!)).toBe(true);
    // A finished job is never reaped.
    store.succeed(fine.id, {}, null);
    alive.delete(12);
    expect(store.reapDead()).toBe(0);
    expect(store.get(fine.id)!.state).toBe('succeeded');
  });

  it('tells a live pid from a gone one', () => {
    expect(pidAlive(process.pid)).toBe(true);
    expect(pidAlive(2 ** 22 + 17)).toBe(false); // above Linux's pid_max limit (4194304)
  });

  it('opens an app.sqlite of schema version 2 and adds the jobs table without touching accounts', () => {
    const path = join(tempDir('jobs-v2'), 'app.sqlite');
    openAppDb(path).close();
    const old = new Database(path);
    old.exec('DROP TABLE jobs');
    old.pragma('user_version = 2');
    old
      .prepare("INSERT INTO accounts VALUES ('u', 'h', 'analyst', '*', '2999-01-01', '2020-01-01', 1)")
      .run();
    old.prepare("INSERT INTO audit VALUES (1, '2020-01-01', 'u', 'login', '{}', 'p', 'h')").run();
    old.close();
    const db = openAppDb(path);
    // The v1 -> v2 migration must not run again (it would re-enable accounts and set the audit chain aside).
    expect(db.prepare('SELECT username, role, disabled FROM accounts').all()).toEqual([
      { username: 'u', role: 'analyst', disabled: 1 },
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM audit').get()).toEqual({ n: 1 });
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(new JobStore(db).create('landing', []).id).toBe(1);
    db.close();
  });
});
