import { useContext, useEffect, useState } from 'react';
import { ApiError, isUnauthorized } from './api.ts';
import { useStrings } from './i18n.ts';
import { DataVersion } from './status-bar.tsx';

/** One panel's answer: the data, an error message, or that the route is not on this server (404). */
export type Loaded<T> = { data: T | null; error: string | null; missing: boolean; loading: boolean };

/**
 * Loads a panel's data whenever `key` changes; a 401 signs out, a 404 (route not deployed) is shown as such.
 * `load` is called with an abort signal and must not change between renders with the same key.
 */
export function useRiskData<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
  onUnauthorized: () => void,
): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: null, error: null, missing: false, loading: true });
  // A new snapshot (new days published) loads the same key again.
  const version = useContext(DataVersion);
  useEffect(() => {
    const ctl = new AbortController();
    // Old figures next to new inputs would be misread as answering them.
    setState({ data: null, error: null, missing: false, loading: true });
    load(ctl.signal).then(
      (data) => !ctl.signal.aborted && setState({ data, error: null, missing: false, loading: false }),
      (err: unknown) => {
        if (ctl.signal.aborted) return;
        if (isUnauthorized(err)) onUnauthorized();
        const missing = err instanceof ApiError && err.status === 404;
        const error = missing ? null : err instanceof Error ? err.message : String(err);
        setState({ data: null, error, missing, loading: false });
      },
    );
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for everything `load` reads.
  }, [key, onUnauthorized, version]);
  return state;
}

/** What a panel shows when it has no data: loading, the error, or that the server lacks the route. */
export function PanelStatus({ state, testId }: { state: Loaded<unknown>; testId: string }) {
  const t = useStrings();
  if (state.loading) return <p className="muted">{t.loading}</p>;
  if (state.missing)
    return (
      <p className="muted" data-testid={`${testId}-missing`}>
        {t.riskUnavailable}
      </p>
    );
  if (state.error)
    return (
      <p className="error" role="alert" data-testid={`${testId}-error`}>
        {t.error}: {state.error}
      </p>
    );
  return null;
}

/** The synthetic-data statement every risk panel carries when its answer says `synthetic`. */
export function SyntheticTag({ synthetic, testId }: { synthetic: boolean; testId: string }) {
  const t = useStrings();
  if (!synthetic) return null;
  return (
    <p className="synthetic-note" role="note" data-testid={`${testId}-synthetic`}>
      {t.riskSyntheticTag}
    </p>
  );
}
