import { readCurrent } from '../snapshot/publish.ts';
import type { Workspace } from '../workspace.ts';
import { pendingFiles } from './landing.ts';
import type { Job, JobStore, JobSummary } from './store.ts';

/** What `epitrace status` reports. */
export interface StatusReport {
  workspace: string;
  synthetic: boolean;
  snapshot: {
    id: number;
    publishedAt: string;
    days: { first: string; last: string; count: number } | null;
  } | null;
  jobs: JobSummary & { recentFailures: Job[] };
  landing: { dir: string; pending: number; files: string[] };
}

/** Gathers the published snapshot, the jobs (after reaping dead ones) and the landing folder's pending files. */
export function statusReport(ws: Workspace, store: JobStore, landing: string): StatusReport {
  store.reapDead();
  const m = readCurrent(ws);
  const files = pendingFiles(landing);
  return {
    workspace: ws.root,
    synthetic: ws.info().synthetic,
    snapshot: m ? { id: m.id, publishedAt: m.publishedAt, days: m.days } : null,
    jobs: {
      ...store.summary(),
      recentFailures: store
        .list({ limit: 20 })
        .filter((j) => j.state === 'failed')
        .slice(0, 5),
    },
    landing: { dir: landing, pending: files.length, files },
  };
}

function days(d: { first: string; last: string; count: number } | null): string {
  if (!d) return 'no days';
  return d.first === d.last ? `day ${d.first}` : `days ${d.first}..${d.last} (${d.count})`;
}

function counts(j: Job): string {
  const r = j.result;
  if (!r || typeof r['read'] !== 'number') return '';
  const ran = Array.isArray(r['days']) ? (r['days'] as string[]) : [];
  return (
    `; read ${String(r['read'])}, accepted ${String(r['accepted'])}, quarantined ${String(r['quarantined'])}` +
    (ran.length ? `; ran ${ran.length === 1 ? ran[0] : `${ran[0]}..${ran[ran.length - 1]}`}` : '; no new day')
  );
}

/** The report as lines for a terminal. */
export function formatStatus(s: StatusReport): string {
  const out = [`workspace ${s.workspace}${s.synthetic ? ' (SYNTHETIC data)' : ''}`];
  out.push(
    s.snapshot
      ? `published snapshot ${s.snapshot.id} at ${s.snapshot.publishedAt}: ${days(s.snapshot.days)}`
      : 'published snapshot: none yet',
  );
  const r = s.jobs.running;
  out.push(
    r
      ? `running: job ${r.id} (${r.kind}, process ${r.pid}) since ${r.startedAt}: ${r.step ?? 'starting'}` +
          (r.total !== null ? ` ${r.done}/${r.total}` : '') +
          `, heartbeat ${r.heartbeatAt}`
      : 'running: none',
  );
  out.push(`queued: ${s.jobs.queued}`);
  const ok = s.jobs.lastSuccess;
  out.push(
    ok
      ? `last success: job ${ok.id} (${ok.kind}) at ${ok.finishedAt}${ok.snapshotId !== null ? `, snapshot ${ok.snapshotId}` : ''}${counts(ok)}`
      : 'last success: none',
  );
  if (s.jobs.recentFailures.length === 0) out.push('recent failures: none');
  else {
    out.push('recent failures:');
    for (const f of s.jobs.recentFailures)
      out.push(
        `  job ${f.id} (${f.kind}, ${f.inputs.join(', ') || 'no files'}) at ${f.finishedAt}: ${f.error}`,
      );
  }
  out.push(
    `landing ${s.landing.dir}: ${s.landing.pending} file(s) pending${s.landing.pending ? ` (${s.landing.files.join(', ')})` : ''}`,
  );
  return out.join('\n') + '\n';
}
