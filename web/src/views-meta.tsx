// The snapshot metadata for views the app mounts without it (forecast, tracing), so they can say "data as of".
import { useContext, useEffect, useState } from 'react';
import type { JSX } from 'react';
import { getMeta } from './api.ts';
import type { Meta } from './api.ts';
import { AsOf } from './as-of.tsx';
import { DataVersion } from './status-bar.tsx';

/** The served snapshot's metadata, loaded again when a new snapshot is published; null until loaded or on error. */
export function useMeta(): Meta | null {
  const [meta, setMeta] = useState<Meta | null>(null);
  const version = useContext(DataVersion);
  useEffect(() => {
    const ctl = new AbortController();
    // The line is a statement about the data, not the data: without it the view still works.
    getMeta(ctl.signal).then(setMeta, () => undefined);
    return () => ctl.abort();
  }, [version]);
  return meta;
}

/** "Data as of …" for a view that is not given the metadata (nothing until it has loaded). */
export function AsOfLoaded(): JSX.Element | null {
  const meta = useMeta();
  return meta ? <AsOf meta={meta} /> : null;
}
