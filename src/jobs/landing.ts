/**
 * The landing watcher: files dropped into a folder are claimed once completely written, and each
 * batch becomes a landing job run in its own process (`epitrace job run`), one at a time.
 * Folders inside the landing folder: .processing/<jobId>/ (claimed), done/<jobId>/, failed/<jobId>/.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Workspace } from '../workspace.ts';
import { takeWatchLock } from './lock.ts';
import { ignoredName, landingFiles, Settler } from './settle.ts';
import type { Job, JobStore } from './store.ts';

/** The CLI entry the job processes run. */
const BIN = fileURLToPath(new URL('../../bin/epitrace.mjs', import.meta.url));

/** Marks a .processing folder whose files were re-queued once after an interruption. */
const RETRY_MARK = '.retry-of';

export const DEFAULT_INTERVAL_S = 5;
export const DEFAULT_SETTLE_S = 10;

export interface WatcherOptions {
  ws: Workspace;
  store: JobStore;
  /** The landing folder (default <ws>/landing). */
  landing: string;
  keyFile?: string;
  intervalMs: number;
  settleMs: number;
  /** One pass (`watch --once`): a file whose mtime is settleMs old counts as settled. */
  once?: boolean;
  now?: () => number;
  log?: (line: string) => void;
  /** Starts `epitrace job run` for a job (tests may pass another command line). */
  spawnJob?: (args: string[]) => ChildProcess;
}

/** The landing folder's sub-folders. */
export function landingDirs(landing: string): { processing: string; done: string; failed: string } {
  return {
    processing: join(landing, '.processing'),
    done: join(landing, 'done'),
    failed: join(landing, 'failed'),
  };
}

/** The default landing folder of a workspace. */
export function defaultLanding(ws: Workspace): string {
  return join(ws.root, 'landing');
}

/** Files in the landing folder not yet claimed (what `status` calls pending). */
export function pendingFiles(landing: string): string[] {
  return landingFiles(landing).map((f) => f.name);
}

function numericDirs(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .sort((a, b) => a - b);
}

function inputsOf(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => !ignoredName(f))
    .sort();
}

/** The landing watcher. `start()` takes the workspace's lock; `stop()` releases it. */
export class LandingWatcher {
  private readonly settler: Settler;
  private readonly dirs: ReturnType<typeof landingDirs>;
  private readonly log: (line: string) => void;
  private release: (() => void) | null = null;
  private child: { id: number; proc: ChildProcess; exited: Promise<void> } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private stopped = false;
  /** Jobs this watcher ran, with their final state (for `--once`'s exit code). */
  readonly finished: Job[] = [];

  constructor(private readonly o: WatcherOptions) {
    const now = o.now ?? Date.now;
    this.settler = new Settler(o.settleMs, now, o.once ?? false);
    this.dirs = landingDirs(o.landing);
    this.log = o.log ?? (() => {});
  }

  /** Takes the lock, creates the folders and starts polling (unless `once`, or `poll` is false: see `poll()`). */
  start(poll = true): void {
    this.release = takeWatchLock(this.o.ws, this.o.landing);
    for (const d of [this.o.landing, this.dirs.processing, this.dirs.done, this.dirs.failed])
      mkdirSync(d, { recursive: true });
    if (poll && !this.o.once) void this.tick();
  }

  /** Starts polling after `start(false)` (serve: once the server has published and listens). */
  poll(): void {
    if (!this.o.once && !this.stopped) void this.tick();
  }

  /** One pass: reap dead jobs, settle the interrupted ones' files, claim ready files, start the next job. */
  tick(): Promise<void> {
    this.ticking ??= Promise.resolve()
      .then(() => this.pass())
      .catch((e: unknown) => this.log(`landing watcher: ${(e as Error).message}`))
      .finally(() => {
        this.ticking = null;
        if (!this.stopped && !this.o.once) {
          if (this.timer) clearTimeout(this.timer);
          this.timer = setTimeout(() => void this.tick(), this.o.intervalMs);
        }
      });
    return this.ticking;
  }

  private pass(): void {
    this.o.store.reapDead();
    this.recover();
    const ready = this.settler.observe(landingFiles(this.o.landing));
    if (ready.length > 0) this.claim(ready);
    if (!this.child) this.startNext();
  }

  /** Runs one `--once` pass: claims ready files and runs every queued job, one after another. */
  async runOnce(): Promise<Job[]> {
    this.pass();
    while (this.child) {
      await this.child.exited;
      this.startNext();
    }
    return this.finished;
  }

  /** Stops polling and releases the lock; a running job process is left to finish (it records its own end). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
    this.release?.();
    this.release = null;
  }

  /** The job this watcher is running, if any (tests kill it). */
  runningChild(): { id: number; pid: number | undefined } | null {
    return this.child ? { id: this.child.id, pid: this.child.proc.pid } : null;
  }

  private claim(names: string[]): void {
    const job = this.o.store.create('landing', names);
    const dir = join(this.dirs.processing, String(job.id));
    mkdirSync(dir, { recursive: true });
    const moved: string[] = [];
    for (const n of names) {
      try {
        renameSync(join(this.o.landing, n), join(dir, n));
        moved.push(n);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      this.settler.forget(n);
    }
    if (moved.length === 0) {
      this.o.store.fail(job.id, 'the files vanished before they could be claimed');
      this.settle(job.id);
      return;
    }
    this.log(`landing: job ${job.id} claims ${moved.join(', ')}`);
  }

  /**
   * Settles .processing folders left by earlier jobs: a succeeded job's files go to done/, a failed
   * one's to failed/ with reason.txt, an interrupted one's are queued again once (ingest skips content
   * it already committed, so a retry is safe), a queued or running one is left alone.
   */
  private recover(): void {
    for (const id of numericDirs(this.dirs.processing)) {
      if (this.child?.id === id) continue;
      const job = this.o.store.get(id);
      const dir = join(this.dirs.processing, String(id));
      if (job && (job.state === 'queued' || job.state === 'running')) continue;
      // Reaped for a stale heartbeat but still alive (e.g. a long synchronous forecast fit): a second
      // process would contend for the database; its files wait until it ends (it may yet succeed).
      if (job && this.o.store.processAlive(job)) continue;
      const interrupted = !job || job.error?.startsWith('interrupted') === true;
      if (interrupted && !existsSync(join(dir, RETRY_MARK))) {
        const retry = this.o.store.create('landing', inputsOf(dir));
        const to = join(this.dirs.processing, String(retry.id));
        renameSync(dir, to);
        writeFileSync(join(to, RETRY_MARK), `${id}\n`);
        this.log(`landing: job ${id} was interrupted; its files are queued again as job ${retry.id}`);
        continue;
      }
      this.settle(id);
    }
  }

  /** Moves a finished job's folder to done/ or failed/ (with reason.txt). */
  private settle(id: number): void {
    const job = this.o.store.get(id);
    const from = join(this.dirs.processing, String(id));
    if (job?.state === 'succeeded') {
      renameSync(from, join(this.dirs.done, String(id)));
      return;
    }
    const to = join(this.dirs.failed, String(id));
    renameSync(from, to);
    writeFileSync(join(to, 'reason.txt'), `${job?.error ?? 'the job record is missing from app.sqlite'}\n`);
  }

  private startNext(): void {
    if (this.stopped && !this.o.once) return;
    const next = numericDirs(this.dirs.processing).find((id) => this.o.store.get(id)?.state === 'queued');
    if (next === undefined) {
      this.child = null;
      return;
    }
    const args = [
      'job',
      'run',
      '--workspace',
      this.o.ws.root,
      '--job',
      String(next),
      '--landing',
      this.o.landing,
      ...(this.o.keyFile ? ['--key-file', this.o.keyFile] : []),
    ];
    const proc = this.o.spawnJob
      ? this.o.spawnJob(args)
      : spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'inherit', 'inherit'] });
    this.log(`landing: job ${next} started (process ${proc.pid})`);
    const exited = new Promise<void>((resolve) => {
      proc.once('exit', (code, signal) => {
        this.ended(next, proc.pid, code, signal);
        resolve();
      });
      proc.once('error', (e) => {
        this.o.store.fail(next, `cannot start the job process: ${e.message}`);
      });
    });
    this.child = { id: next, proc, exited };
  }

  private ended(id: number, pid: number | undefined, code: number | null, signal: string | null): void {
    this.child = null;
    // The process is gone: a job it left running is interrupted (reapDead), one it never started too.
    this.o.store.reapDead();
    const job = this.o.store.get(id);
    if (job?.state === 'queued') {
      this.o.store.fail(
        id,
        `interrupted: process ${pid} ended (${signal ?? `exit code ${code}`}) before starting the job`,
      );
    }
    const final = this.o.store.get(id);
    if (final) this.finished.push(final);
    this.log(`landing: job ${id} ${final?.state ?? 'missing'}${final?.error ? `: ${final.error}` : ''}`);
    // Interrupted jobs stay in .processing for the next pass (queued again once); others are settled now.
    if (final && !final.error?.startsWith('interrupted')) this.settle(id);
    if (!this.o.once) this.startNext();
  }
}
