import { useEffect, useState } from 'react';
import { ExportButtons } from './export.tsx';
import { useStrings } from './i18n.ts';
import { getJobs, STATUS_POLL_MS, timeText } from './status-api.ts';
import type { Job } from './status-api.ts';

/** Administrators: the newest 50 jobs with their inputs, progress and failure reasons, refreshed like the status bar. */
export function JobsView() {
  const t = useStrings();
  const [jobs, setJobs] = useState<Job[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ctl = new AbortController();
    const load = (): void => {
      getJobs(ctl.signal).then(
        (r) => !ctl.signal.aborted && (setJobs(r.jobs), setError(null)),
        (e: unknown) => !ctl.signal.aborted && setError(e instanceof Error ? e.message : String(e)),
      );
    };
    load();
    const timer = setInterval(load, STATUS_POLL_MS);
    return () => {
      ctl.abort();
      clearInterval(timer);
    };
  }, []);
  return (
    <section data-testid="jobs-view">
      <h2>{t.jobsTitle}</h2>
      {error && (
        <p className="error" role="alert">
          {t.error}: {error}
        </p>
      )}
      {jobs && jobs.length === 0 && <p className="muted">{t.jobsNone}</p>}
      {jobs && jobs.length > 0 && (
        <ExportButtons
          name="jobs"
          synthetic={false}
          rows={jobs}
          columns={[
            { key: 'id', header: '#', value: (j) => j.id },
            { key: 'state', header: t.state, value: (j) => j.state },
            { key: 'kind', header: t.jobKind, value: (j) => j.kind },
            { key: 'inputs', header: t.jobInputs, value: (j) => j.inputs.join(' ') },
            { key: 'step', header: t.jobStepCol, value: (j) => j.step },
            { key: 'done', header: t.jobProgress, value: (j) => j.done },
            { key: 'total', header: t.jobProgress, value: (j) => j.total },
            { key: 'startedAt', header: t.jobStarted, value: (j) => j.startedAt },
            { key: 'finishedAt', header: t.jobFinished, value: (j) => j.finishedAt },
            { key: 'snapshotId', header: t.jobSnapshot, value: (j) => j.snapshotId },
            { key: 'error', header: t.jobReason, value: (j) => j.error },
          ]}
          testId="jobs-export"
        />
      )}
      {jobs && jobs.length > 0 && (
        <div className="table-wrap">
          <table className="destinations" data-testid="jobs-table">
            <thead>
              <tr>
                <th className="num">#</th>
                <th>{t.state}</th>
                <th>{t.jobKind}</th>
                <th>{t.jobInputs}</th>
                <th>{t.jobStepCol}</th>
                <th className="num">{t.jobProgress}</th>
                <th>
                  {t.jobStarted} ({t.tz})
                </th>
                <th>
                  {t.jobFinished} ({t.tz})
                </th>
                <th className="num">{t.jobSnapshot}</th>
                <th>{t.jobReason}</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <tr key={j.id} data-testid={`job-${j.id}`} className={`job-${j.state}`}>
                  <td className="num">{j.id}</td>
                  <td data-testid="job-state">{t.jobStates[j.state] ?? j.state}</td>
                  <td data-testid="job-kind">{t.jobKinds[j.kind] ?? j.kind}</td>
                  <td className="small" data-testid="job-inputs">
                    {j.inputs.join(', ')}
                  </td>
                  <td data-testid="job-step">{j.step ?? ''}</td>
                  <td className="num" data-testid="job-progress">
                    {j.done !== null && j.total !== null ? `${j.done}/${j.total}` : ''}
                  </td>
                  <td data-testid="job-started">{timeText(j.startedAt) ?? ''}</td>
                  <td data-testid="job-finished">{timeText(j.finishedAt) ?? ''}</td>
                  <td className="num" data-testid="job-snapshot">
                    {j.snapshotId ?? ''}
                  </td>
                  <td className="small" data-testid="job-reason">
                    {j.error ?? ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
