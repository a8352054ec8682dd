import { useCallback, useContext, useEffect, useState } from 'react';
import { getCases, getDivisions, isUnauthorized } from './api.ts';
import type { ListedCase } from './api.ts';
import { LangContext, useStrings } from './i18n.ts';
import { TracingCompanions } from './tracing-companions.tsx';
import { TracingTrajectory } from './tracing-trajectory.tsx';
import { wallText } from './views-i18n.ts';
import { AsOfLoaded } from './views-meta.tsx';
import './views.css';

type Props = { onUnauthorized: () => void };

/** A region's name by its code (counties and cities), the code itself when unknown. */
export type RegionName = (code: string | null) => string;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Tracers: the cases within their regions; a chosen case's timeline, map and companions. */
export function TracingView({ onUnauthorized }: Props) {
  const t = useStrings();
  const lang = useContext(LangContext);
  const [cases, setCases] = useState<ListedCase[] | null>(null);
  const [names, setNames] = useState<Map<string, { name: string; nameEn: string }>>(new Map());
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const fail = useCallback(
    (err: unknown) => (isUnauthorized(err) ? onUnauthorized() : setError(message(err))),
    [onUnauthorized],
  );

  useEffect(() => {
    const ctl = new AbortController();
    getCases(ctl.signal).then(
      (r) => setCases(r.cases),
      (err: unknown) => !ctl.signal.aborted && fail(err),
    );
    Promise.all([getDivisions('county', ctl.signal), getDivisions('city', ctl.signal)]).then(
      ([counties, cities]) => setNames(new Map([...counties, ...cities].map((d) => [d.code, d]))),
      // Names are a convenience: codes are shown without them.
      () => undefined,
    );
    return () => ctl.abort();
  }, [fail]);

  const name: RegionName = useCallback(
    (code) => {
      if (code === null) return t.unknown;
      const d = names.get(code);
      // Counties have no English names in the built-in geography: Chinese then.
      return d ? `${(lang === 'en' && d.nameEn) || d.name} ${code}` : code;
    },
    [names, lang, t],
  );

  return (
    <section className="tracing" data-testid="tracing-view">
      <div className="toolbar">
        <h2>{t.tracingTitle}</h2>
        <AsOfLoaded />
      </div>
      <p className="synthetic-note" role="note" data-testid="tracing-note">
        {t.tracingNote}
      </p>
      {error && (
        <p className="error" role="alert" data-testid="tracing-error">
          {t.error}: {error}
        </p>
      )}
      <div className="panels">
        <div className="panel panel-wide">
          <h3>{t.casesTitle}</h3>
          {cases && cases.length === 0 && <p className="muted">{t.noCases}</p>}
          {cases && cases.length > 0 && (
            <CaseList cases={cases} selected={selected} onSelect={setSelected} name={name} />
          )}
          {!cases && !error && <p className="muted">{t.loading}</p>}
        </div>
        {!selected && cases && cases.length > 0 && <p className="muted">{t.chooseCase}</p>}
        {selected && (
          <>
            <TracingTrajectory key={`t-${selected}`} caseRef={selected} name={name} onError={fail} />
            <TracingCompanions key={`c-${selected}`} caseRef={selected} name={name} onError={fail} />
          </>
        )}
      </div>
    </section>
  );
}

function CaseList({
  cases,
  selected,
  onSelect,
  name,
}: {
  cases: ListedCase[];
  selected: string | null;
  onSelect: (ref: string) => void;
  name: RegionName;
}) {
  const t = useStrings();
  const lang = useContext(LangContext);
  return (
    <div className="table-wrap table-short">
      <table className="destinations" data-testid="case-table">
        <thead>
          <tr>
            <th>{t.caseRef}</th>
            <th>{t.status}</th>
            <th>{t.onset}</th>
            <th>{t.confirmedOn}</th>
            <th>{t.reportedIn}</th>
            <th>{t.inRecords}</th>
          </tr>
        </thead>
        <tbody>
          {cases.map((c) => (
            <tr
              key={c.ref}
              data-ref={c.ref}
              className={c.ref === selected ? 'selected' : undefined}
              aria-selected={c.ref === selected}
            >
              <td>
                <button type="button" className="link" onClick={() => onSelect(c.ref)}>
                  {c.ref}
                </button>
              </td>
              <td>{t.statusNames[c.status]}</td>
              <td>{c.onset ? wallText(c.onset, lang) : '—'}</td>
              <td>{c.confirmed ? wallText(c.confirmed, lang) : '—'}</td>
              <td>{name(c.county ?? c.city)}</td>
              <td>{c.matched ? t.yes : t.no}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
