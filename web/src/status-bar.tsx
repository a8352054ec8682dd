import { createContext, useContext, useEffect, useRef, useState } from 'react';
import { isUnauthorized } from './api.ts';
import { dateTimeText, dayText } from './format.ts';
import { LangContext, useStrings } from './i18n.ts';
import type { Lang, Strings } from './i18n.ts';
import { getStatus, STATUS_POLL_MS } from './status-api.ts';
import type { Status } from './status-api.ts';

/**
 * Counts the switches to a new snapshot seen since the page loaded; views put it in their loading effects' keys,
 * so they load their data again (keeping the user's choices) when new days are published.
 */
export const DataVersion = createContext(0);

/**
 * Polls /api/status every STATUS_POLL_MS while logged in. `reloads` grows by one each time the snapshot id
 * changes after the first answer. A failed poll keeps the last answer (the next one may succeed); a 401 signs out.
 */
export function useStatus(
  username: string | undefined,
  onUnauthorized: () => void,
): { status: Status | null; reloads: number } {
  // Kept with the account it was asked for: after a logout and another login, the previous account's answer
  // (an admin's failure reasons) is never shown to the next one.
  const [answer, setAnswer] = useState<{ username: string; status: Status } | null>(null);
  const [reloads, setReloads] = useState(0);
  const lastId = useRef<number | null | undefined>(undefined);
  useEffect(() => {
    if (!username) return;
    const ctl = new AbortController();
    const poll = (): void => {
      getStatus(ctl.signal).then(
        (s) => {
          if (ctl.signal.aborted) return;
          const id = s.snapshot?.id ?? null;
          if (lastId.current !== undefined && lastId.current !== id) setReloads((n) => n + 1);
          lastId.current = id;
          setAnswer({ username, status: s });
        },
        (err: unknown) => {
          if (!ctl.signal.aborted && isUnauthorized(err)) onUnauthorized();
        },
      );
    };
    poll();
    const timer = setInterval(poll, STATUS_POLL_MS);
    return () => {
      ctl.abort();
      clearInterval(timer);
    };
  }, [username, onUnauthorized]);
  return { status: answer && answer.username === username ? answer.status : null, reloads };
}

/** An instant in China Standard Time, in the page language, with the zone named; "never" for none. */
function when(iso: string | null, t: Strings, lang: Lang): string {
  return iso ? t.atZone(dateTimeText(iso, lang, { seconds: true }), t.tz) : t.never;
}

/** The bar under the header on every view: data as of, the running job, last success and last failure. */
export function StatusBar({ status }: { status: Status }) {
  const t = useStrings();
  const lang = useContext(LangContext);
  const { snapshot, jobs, landing } = status;
  const run = jobs.running;
  return (
    <div className="status-bar" role="status" data-testid="status-bar">
      <span data-testid="status-snapshot">
        {snapshot ? (
          <>
            {t.dataAsOf} <strong data-testid="status-published">{when(snapshot.publishedAt, t, lang)}</strong>
            {snapshot.days && (
              <span data-testid="status-days">
                {' · '}
                {t.snapshotDays(
                  dayText(snapshot.days.first, lang),
                  dayText(snapshot.days.last, lang),
                  snapshot.days.count,
                )}
              </span>
            )}
            <span className="muted" data-testid="status-snapshot-id">
              {' · '}
              {t.snapshotId(snapshot.id)}
            </span>
          </>
        ) : (
          t.snapshotNone
        )}
      </span>
      {run && (
        <span className="status-running" data-testid="status-running">
          {t.jobRunning}: {t.jobKinds[run.kind] ?? run.kind} #{run.id}
          {run.step !== null && run.done !== null && run.total !== null && (
            <>
              {' · '}
              <span data-testid="status-step">
                {t.jobStep(t.jobStepNames[run.step] ?? run.step, run.done, run.total)}
              </span>{' '}
              <progress value={run.done} max={Math.max(run.total, 1)} />
            </>
          )}
          {run.inputs && run.inputs.length > 0 && <span className="muted"> ({run.inputs.join(', ')})</span>}
        </span>
      )}
      {jobs.queued > 0 && <span data-testid="status-queued">{t.jobsQueued(jobs.queued)}</span>}
      <span data-testid="status-last-success">
        {t.lastSuccess}: {when(jobs.lastSuccess?.finishedAt ?? null, t, lang)}
      </span>
      <span className={jobs.lastFailure ? 'status-failed' : undefined} data-testid="status-last-failure">
        {t.lastFailure}: {when(jobs.lastFailure?.finishedAt ?? null, t, lang)}
        {jobs.lastFailure?.error && (
          <span data-testid="status-failure-reason"> — {jobs.lastFailure.error}</span>
        )}
      </span>
      {landing && landing.pending > 0 && (
        <span data-testid="status-landing">{t.landingPending(landing.pending)}</span>
      )}
    </div>
  );
}
