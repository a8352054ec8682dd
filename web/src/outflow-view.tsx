import { useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { getDivisions, getOutflow, isUnauthorized } from './api.ts';
import type { Destination, Division, Meta, Outflow } from './api.ts';
import { ChinaMap } from './china-map.tsx';
import { DestinationTable } from './destination-table.tsx';
import { countText } from './format.ts';
import { LangContext, useStrings } from './i18n.ts';
import { DailyLine, DestinationBar } from './outflow-charts.tsx';
import { DataVersion } from './status-bar.tsx';

type Props = { meta: Meta; onUnauthorized: () => void };

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Outflow from one origin city: map by province, top destinations, daily trend and the full table. */
export function OutflowView({ meta, onUnauthorized }: Props) {
  const t = useStrings();
  const lang = useContext(LangContext);
  const [divisions, setDivisions] = useState<Division[]>([]);
  const [origin, setOrigin] = useState(meta.scenario.epicentre.code);
  const [from, setFrom] = useState(meta.scenario.from);
  const [to, setTo] = useState(meta.scenario.to);
  const [outflow, setOutflow] = useState<Outflow | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A new snapshot (new days published) loads the same selection again.
  const version = useContext(DataVersion);

  const fail = useCallback(
    (err: unknown, signal: AbortSignal) => {
      if (signal.aborted) return;
      if (isUnauthorized(err)) onUnauthorized();
      else setError(message(err));
    },
    [onUnauthorized],
  );

  useEffect(() => {
    const ctl = new AbortController();
    getDivisions('city', ctl.signal).then(setDivisions, (err: unknown) => fail(err, ctl.signal));
    return () => ctl.abort();
  }, [fail]);

  useEffect(() => {
    if (!origin || !from || !to) return;
    const ctl = new AbortController();
    setLoading(true);
    setError(null);
    getOutflow({ origin, from, to }, ctl.signal)
      .then(
        (o) => !ctl.signal.aborted && setOutflow(o),
        (err: unknown) => {
          // Old figures next to new inputs would be misread as answering them.
          if (!ctl.signal.aborted) setOutflow(null);
          fail(err, ctl.signal);
        },
      )
      .finally(() => !ctl.signal.aborted && setLoading(false));
    return () => ctl.abort();
  }, [origin, from, to, fail, version]);

  const nameEn = useMemo(() => new Map(divisions.map((d) => [d.code, d.nameEn])), [divisions]);
  const label = useCallback(
    (d: { code: string; name: string }) => (lang === 'en' ? (nameEn.get(d.code) ?? d.name) : d.name),
    [lang, nameEn],
  );
  const tableLabel = useCallback(
    (d: Destination) => {
      const en = nameEn.get(d.code);
      return lang === 'en' && en ? `${d.name} (${en})` : d.name;
    },
    [lang, nameEn],
  );

  const cities = useMemo(() => [...divisions].sort((a, b) => a.code.localeCompare(b.code)), [divisions]);
  const top = outflow?.destinations.find((d) => d.count !== null);

  return (
    <section className="outflow">
      <div className="toolbar">
        <h2>{t.outflowTitle}</h2>
        <label>
          {t.origin}
          <select name="origin" value={origin} onChange={(e) => setOrigin(e.target.value)}>
            {cities.length === 0 && <option value={origin}>{meta.scenario.epicentre.name}</option>}
            {cities.map((c) => (
              <option key={c.code} value={c.code}>
                {lang === 'en' ? `${c.nameEn} ${c.name}` : c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.from}
          <input
            type="date"
            name="from"
            value={from}
            min={meta.scenario.from}
            max={meta.scenario.to}
            onChange={(e) => setFrom(e.target.value)}
          />
        </label>
        <label>
          {t.to}
          <input
            type="date"
            name="to"
            value={to}
            min={meta.scenario.from}
            max={meta.scenario.to}
            onChange={(e) => setTo(e.target.value)}
          />
        </label>
        {loading && <span className="muted">{t.loading}</span>}
      </div>

      {error && (
        <p className="error" role="alert" data-testid="outflow-error">
          {t.error}: {error}
        </p>
      )}

      {outflow && (
        <>
          <div className="summary">
            <span data-testid="outflow-total">
              {t.total}: <strong>{countText(outflow.total, outflow.k, t)}</strong>
            </span>
            <span className="muted" data-testid="outflow-excluded">
              {t.excludedCells(outflow.total.suppressedCells, outflow.k)}
            </span>
            <span data-testid="top-destination" title={top ? nameEn.get(top.code) : undefined}>
              {t.topDestination}: <strong>{top ? `${top.name} ${top.count}` : t.none}</strong>
            </span>
            <span className="muted">
              {outflow.origin.name} · {outflow.from} – {outflow.to}
            </span>
          </div>
          <p className="muted small" data-testid="disclosure-note">
            {t.perturbedNote(outflow.method.k, outflow.method.noiseBound)}
          </p>
          <div className="panels">
            <div className="panel panel-map">
              <h3>{t.mapTitle}</h3>
              <ChinaMap byProvince={outflow.byProvince} k={outflow.k} testId="outflow-map" />
            </div>
            <div className="panel">
              <h3>{t.barTitle}</h3>
              <DestinationBar destinations={outflow.destinations} label={label} testId="outflow-bar" />
            </div>
            <div className="panel panel-wide">
              <h3>{t.dailyTitle}</h3>
              <DailyLine daily={outflow.daily} k={outflow.k} testId="outflow-daily" />
            </div>
            <div className="panel panel-wide">
              <h3>{t.tableTitle}</h3>
              <p className="muted small">{t.suppressedNote(outflow.k)}</p>
              <DestinationTable destinations={outflow.destinations} k={outflow.k} label={tableLabel} />
            </div>
          </div>
        </>
      )}
    </section>
  );
}
