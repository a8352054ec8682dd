import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { pendingFiles } from '../jobs/landing.ts';
import type { Job, JobStore } from '../jobs/store.ts';
import { parse } from './validate.ts';

/** The published snapshot a status answer names (the one the request was served from). */
export interface SnapshotStatus {
  id: number;
  publishedAt: string;
  days: { first: string; last: string; count: number } | null;
}

/** What the status routes read besides the request's snapshot: the jobs table and the landing folder. */
export interface StatusDeps {
  jobs: JobStore;
  landing: { dir: string } | null;
}

/** The facts of GET /api/status; `error` and `inputs` only for administrators. */
export interface Status {
  synthetic: boolean;
  /** Always set by this server (it serves only published snapshots); null kept in the type for older clients. */
  snapshot: SnapshotStatus | null;
  jobs: {
    running: {
      id: number;
      kind: Job['kind'];
      step: string | null;
      done: number | null;
      total: number | null;
      startedAt: string | null;
      inputs?: string[];
    } | null;
    queued: number;
    lastSuccess: {
      id: number;
      kind: Job['kind'];
      finishedAt: string | null;
      snapshotId: number | null;
    } | null;
    lastFailure: { id: number; kind: Job['kind']; finishedAt: string | null; error?: string | null } | null;
  };
  landing: { pending: number } | null;
}

const JobsQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

/** The status answer; failure reasons and file names are left out unless `admin`. */
export function statusOf(d: StatusDeps, req: FastifyRequest, admin: boolean): Status {
  // A job whose process died is shown failed from the next read on, whoever reads first.
  d.jobs.reapDead();
  const s = d.jobs.summary();
  const r = s.running;
  const f = s.lastFailure;
  const ok = s.lastSuccess;
  const m = req.snapshot.manifest;
  return {
    synthetic: req.snapshot.info.synthetic,
    // The snapshot this request leased: the one every other answer given now comes from.
    snapshot: { id: m.id, publishedAt: m.publishedAt, days: m.days },
    jobs: {
      running: r && {
        id: r.id,
        kind: r.kind,
        step: r.step,
        done: r.done,
        total: r.total,
        startedAt: r.startedAt,
        ...(admin ? { inputs: r.inputs } : {}),
      },
      queued: s.queued,
      lastSuccess: ok && { id: ok.id, kind: ok.kind, finishedAt: ok.finishedAt, snapshotId: ok.snapshotId },
      lastFailure: f && {
        id: f.id,
        kind: f.kind,
        finishedAt: f.finishedAt,
        ...(admin ? { error: f.error } : {}),
      },
    },
    // The same count as `epitrace status` (src/jobs/landing.ts: unclaimed regular files, no dot/.tmp/.part names).
    landing: d.landing ? { pending: pendingFiles(d.landing.dir).length } : null,
  };
}

/** GET /api/status (any account) and GET /api/admin/jobs (administrators: full job rows, newest first). */
export async function registerStatus(app: FastifyInstance, d: StatusDeps): Promise<void> {
  app.get('/api/status', async (req) => statusOf(d, req, req.account?.role === 'admin'));
  app.get('/api/admin/jobs', async (req) => {
    const q = parse(JobsQuery, req.query ?? {});
    d.jobs.reapDead();
    return { synthetic: req.snapshot.info.synthetic, jobs: d.jobs.list({ limit: q.limit }) };
  });
}
