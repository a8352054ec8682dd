import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppDb } from '../db/sqlite.ts';
import { buildRisk, DEFAULT_BUILD } from '../risk/build.ts';
import { readCurrent } from '../snapshot/publish.ts';
import { LandingWatcher } from './landing.ts';
import { watchLockPath } from './lock.ts';
import type { LandingResult } from './runner.ts';
import { JobStore } from './store.ts';
import type { Job } from './store.ts';
import { landingFixture } from './testing.ts';
import type { LandingFixture } from './testing.ts';

// The landing watcher end to end: real job processes (bin/epitrace.mjs job run), real DuckDB and SQLite.
const BIN = fileURLToPath(new URL('../../bin/epitrace.mjs', import.meta.url));

function epitrace(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function waitFor<T>(f: () => T | null | undefined | false, ms = 45_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

let fx: LandingFixture;
let db: Database;
let store: JobStore;
const finished = (id: number): Job | null => {
  const j = store.get(id);
  return j && (j.state === 'succeeded' || j.state === 'failed') ? j : null;
};

beforeAll(async () => {
  fx = await landingFixture('landing', { people: 1000, days: 4, initialDays: 2 });
  db = openAppDb(fx.ws.sqlitePath);
  store = new JobStore(db);
}, 60_000);
afterAll(() => db?.close());

/** `--once` counts a file as settled when its mtime is settleMs old: these tests use 1 ms, so wait past it. */
const settled = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

function watcher(o: { settleMs: number; intervalMs: number; once?: boolean }): LandingWatcher {
  return new LandingWatcher({ ws: fx.ws, store, landing: fx.landing, keyFile: fx.keyFile, ...o });
}

describe('landing watcher', () => {
  it('claims a file only once it stopped growing, and quarantines garbage rows with their reasons (read = accepted + quarantined)', async () => {
    const w = watcher({ settleMs: 1200, intervalMs: 100 });
    w.start();
    try {
      const path = join(fx.landing, 'garbage.csv');
      writeFileSync(path, 'raw_id,ts,cell_id\n');
      // Written slowly, a line every 250 ms for 2 s: never still for the 1.2 s settle time.
      for (let i = 0; i < 8; i++) {
        await new Promise((r) => setTimeout(r, 250));
        appendFileSync(path, i % 2 ? `u${i},not a time,1\n` : `\u0000\u0001garbage ${i}\n`);
        expect(existsSync(path)).toBe(true);
        expect(store.list()).toEqual([]);
      }
      const job = await waitFor(() => store.list()[0]);
      expect(job.inputs).toEqual(['garbage.csv']);
      const done = await waitFor(() => finished(job.id));
      expect(done.state).toBe('succeeded');
      const r = done.result as LandingResult;
      expect(r.read).toBe(8);
      expect(r.accepted + r.quarantined).toBe(r.read);
      expect(r.accepted).toBe(0);
      expect(Object.keys(r.reasons).length).toBeGreaterThan(0);
      expect(r.days).toEqual([]);
      // Nothing accepted: no new snapshot.
      expect(done.snapshotId).toBeNull();
      await waitFor(() => existsSync(join(fx.landing, 'done', String(job.id), 'garbage.csv')));
    } finally {
      await w.stop();
    }
  }, 60_000);

  it('fails a file it cannot read at all, moving it to failed/ with the reason', async () => {
    writeFileSync(join(fx.landing, 'notes.txt'), 'this is not a record file\n');
    await settled();
    const w = watcher({ settleMs: 1, intervalMs: 100, once: true });
    w.start();
    const [job] = await w.runOnce();
    await w.stop();
    expect(job!.state).toBe('failed');
    const reason = readFileSync(join(fx.landing, 'failed', String(job!.id), 'reason.txt'), 'utf8');
    expect(reason.trim()).toBe(job!.error);
    expect(reason).not.toMatch(/internal error|\n.*\n/);
    expect(existsSync(join(fx.landing, 'failed', String(job!.id), 'notes.txt'))).toBe(true);
    const st = epitrace(['status', '-w', fx.ws.root]);
    expect(st.out).toContain(`job ${job!.id} (landing, notes.txt)`);
  }, 60_000);

  it('lets one watcher hold a workspace: a second one is refused naming the first, a dead one is taken over', async () => {
    const w = watcher({ settleMs: 10_000, intervalMs: 5_000 });
    w.start();
    try {
      const r = epitrace(['watch', '-w', fx.ws.root, '--key-file', fx.keyFile, '--once']);
      expect(r.code).toBe(3);
      expect(r.err).toContain(`already watched by process ${process.pid}`);
    } finally {
      await w.stop();
    }
    expect(existsSync(watchLockPath(fx.ws))).toBe(false);
    // A lock left by a killed watcher (its pid is gone) does not block the next one.
    writeFileSync(watchLockPath(fx.ws), JSON.stringify({ pid: 2 ** 22 + 17 }));
    const r = epitrace(['watch', '-w', fx.ws.root, '--key-file', fx.keyFile, '--once']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  }, 60_000);

  it('counts a re-sent file once: the second job adds nothing and publishes nothing; risk tables are rebuilt with the new day', async () => {
    const [day, src] = [...fx.later.entries()][0]!;
    const duck = await fx.ws.openDuck();
    await buildRisk(duck, { ...DEFAULT_BUILD, k: 7 });
    duck.close();
    const drop = async (): Promise<Job[]> => {
      copyFileSync(src, join(fx.landing, basename(src)));
      await settled();
      const w = watcher({ settleMs: 1, intervalMs: 100, once: true });
      w.start();
      return w.runOnce().finally(() => w.stop());
    };
    const [first] = await drop();
    expect(first!.state).toBe('succeeded');
    const r1 = first!.result as LandingResult;
    expect(r1.days).toEqual([day]);
    expect([r1.risk, r1.forecast]).toEqual([true, false]);
    const ro = await fx.ws.openDuck({ readOnly: true });
    // Rebuilt with the options it was built with (k 7), over the new day.
    expect(await ro.one(`SELECT k, strftime(last, '%Y-%m-%d') AS last FROM risk_meta`)).toEqual({
      k: 7,
      last: day,
    });
    ro.close();
    expect(r1.accepted).toBeGreaterThan(1000);
    expect(r1.accepted + r1.quarantined).toBe(r1.read);
    const snap = readCurrent(fx.ws)!;
    expect(snap.id).toBe(first!.snapshotId);
    expect(snap.days).toMatchObject({ last: day, count: fx.initial.length + 1 });
    const parts = readdirSync(join(fx.ws.rawDir, `date=${day}`));

    const [second] = await drop();
    expect(second!.state).toBe('succeeded');
    const r2 = second!.result as LandingResult;
    expect(r2.files).toEqual([expect.objectContaining({ skipped: true })]);
    expect([r2.read, r2.accepted, r2.quarantined, r2.days]).toEqual([0, 0, 0, []]);
    expect(second!.snapshotId).toBeNull();
    expect(readCurrent(fx.ws)!.id).toBe(snap.id);
    expect(readdirSync(join(fx.ws.rawDir, `date=${day}`))).toEqual(parts);
    expect(existsSync(join(fx.landing, 'done', String(second!.id), basename(src)))).toBe(true);
  }, 60_000);
});
