import type { Database } from 'better-sqlite3';
import { pidAlive } from '../pid.ts';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed';
export type JobKind = 'landing' | 'ingest' | 'run' | 'publish' | 'backup';

/** One background job as stored in app.sqlite's `jobs` table. */
export interface Job {
  id: number;
  kind: JobKind;
  state: JobState;
  pid: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  heartbeatAt: string | null;
  /** Progress of the current step. */
  step: string | null;
  done: number | null;
  total: number | null;
  /** File names (basenames) the job works on. */
  inputs: string[];
  /** E.g. `{ read, accepted, quarantined, days: [...] }`. */
  result: Record<string, unknown> | null;
  /** The failure's one-line reason. */
  error: string | null;
  /** The snapshot it published. */
  snapshotId: number | null;
}

/** What `epitrace status` and `/api/status` show about jobs. */
export interface JobSummary {
  running: Job | null;
  queued: number;
  lastSuccess: Job | null;
  lastFailure: Job | null;
}

/**
 * A running job whose heartbeat (its last `progress()` call) is older than this is
 * considered dead even if its pid exists (pids are reused; a hung job holds the workspace).
 * Every pipeline day and ingest file reports progress, and none takes a minute on the demo.
 */
export const HEARTBEAT_TIMEOUT_MS = 60_000;

interface Row {
  id: number;
  kind: string;
  state: string;
  pid: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  heartbeat_at: string | null;
  step: string | null;
  done: number | null;
  total: number | null;
  inputs: string;
  result: string | null;
  error: string | null;
  snapshot_id: number | null;
}

function toJob(r: Row): Job {
  return {
    id: r.id,
    kind: r.kind as JobKind,
    state: r.state as JobState,
    pid: r.pid,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    heartbeatAt: r.heartbeat_at,
    step: r.step,
    done: r.done,
    total: r.total,
    inputs: JSON.parse(r.inputs) as string[],
    result: r.result === null ? null : (JSON.parse(r.result) as Record<string, unknown>),
    error: r.error,
    snapshotId: r.snapshot_id,
  };
}

/** The jobs table of app.sqlite (opened by `openAppDb`, which creates it). */
export class JobStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date = () => new Date(),
    private readonly isAlive: (pid: number) => boolean = pidAlive,
  ) {}

  private stamp(): string {
    return this.now().toISOString();
  }

  /** Records a new queued job. */
  create(kind: JobKind, inputs: string[]): Job {
    const info = this.db
      .prepare("INSERT INTO jobs (kind, state, created_at, inputs) VALUES (?, 'queued', ?, ?)")
      .run(kind, this.stamp(), JSON.stringify(inputs));
    return this.get(Number(info.lastInsertRowid))!;
  }

  /** Marks a job running in process `pid` (its first heartbeat). */
  start(id: number, pid: number): void {
    const t = this.stamp();
    this.db
      .prepare("UPDATE jobs SET state = 'running', pid = ?, started_at = ?, heartbeat_at = ? WHERE id = ?")
      .run(pid, t, t, id);
  }

  /** Records the current step's progress; also the heartbeat. */
  progress(id: number, step: string, done: number, total: number): void {
    this.db
      .prepare('UPDATE jobs SET step = ?, done = ?, total = ?, heartbeat_at = ? WHERE id = ?')
      .run(step, done, total, this.stamp(), id);
  }

  /** Records that the job's process is alive without changing its step (a timer in the job process). */
  heartbeat(id: number): void {
    this.db
      .prepare("UPDATE jobs SET heartbeat_at = ? WHERE id = ? AND state = 'running'")
      .run(this.stamp(), id);
  }

  /** True when the job's process still exists (a job reaped for a stale heartbeat may still be working). */
  processAlive(job: Job): boolean {
    return job.pid !== null && this.isAlive(job.pid);
  }

  /** Marks a job succeeded with its result and the snapshot it published. */
  succeed(id: number, result: Record<string, unknown>, snapshotId: number | null): void {
    this.db
      .prepare(
        "UPDATE jobs SET state = 'succeeded', finished_at = ?, result = ?, snapshot_id = ?, error = NULL WHERE id = ?",
      )
      .run(this.stamp(), JSON.stringify(result), snapshotId, id);
  }

  /** Marks a job failed with a one-line reason. */
  fail(id: number, error: string): void {
    this.db
      .prepare("UPDATE jobs SET state = 'failed', finished_at = ?, error = ? WHERE id = ?")
      .run(this.stamp(), oneLine(error), id);
  }

  get(id: number): Job | null {
    const r = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as Row | undefined;
    return r ? toJob(r) : null;
  }

  /** Jobs, newest first. */
  list(opts: { limit?: number } = {}): Job[] {
    const rows = this.db
      .prepare('SELECT * FROM jobs ORDER BY id DESC LIMIT ?')
      .all(opts.limit ?? 50) as Row[];
    return rows.map(toJob);
  }

  summary(): JobSummary {
    const one = (sql: string): Job | null => {
      const r = this.db.prepare(sql).get() as Row | undefined;
      return r ? toJob(r) : null;
    };
    const queued = this.db.prepare("SELECT count(*) AS n FROM jobs WHERE state = 'queued'").get() as {
      n: number;
    };
    return {
      running: one("SELECT * FROM jobs WHERE state = 'running' ORDER BY id DESC LIMIT 1"),
      queued: queued.n,
      lastSuccess: one("SELECT * FROM jobs WHERE state = 'succeeded' ORDER BY id DESC LIMIT 1"),
      lastFailure: one("SELECT * FROM jobs WHERE state = 'failed' ORDER BY id DESC LIMIT 1"),
    };
  }

  /**
   * Marks running jobs whose process is gone, or whose heartbeat is older than
   * HEARTBEAT_TIMEOUT_MS, failed 'interrupted: ...'; returns how many.
   */
  reapDead(): number {
    const running = this.db.prepare("SELECT * FROM jobs WHERE state = 'running'").all() as Row[];
    const now = this.now().getTime();
    let n = 0;
    for (const r of running) {
      const beat = Date.parse(r.heartbeat_at ?? r.started_at ?? r.created_at);
      const dead = r.pid === null || !this.isAlive(r.pid);
      const stale = now - beat > HEARTBEAT_TIMEOUT_MS;
      if (!dead && !stale) continue;
      const why = dead
        ? `interrupted: process ${r.pid} ended without finishing (killed or crashed)`
        : `interrupted: process ${r.pid} sent no heartbeat for ${Math.round((now - beat) / 1000)} s`;
      // Only a row still running is failed: the job may have finished between the read and here.
      const info = this.db
        .prepare(
          "UPDATE jobs SET state = 'failed', finished_at = ?, error = ? WHERE id = ? AND state = 'running'",
        )
        .run(this.stamp(), why, r.id);
      n += info.changes;
    }
    return n;
  }
}

/** The first line of a message, so a status line stays one line. */
export function oneLine(s: string): string {
  const line = s.split('\n').find((l) => l.trim() !== '') ?? s;
  return line.trim();
}
