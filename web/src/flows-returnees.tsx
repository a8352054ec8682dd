import { useContext, useEffect, useMemo, useState } from 'react';
import { isUnauthorized } from './api.ts';
import type { Meta } from './api.ts';
import { DayRange } from './day-range.tsx';
import { ExportButtons } from './export.tsx';
import type { ExportColumn } from './export.tsx';
import type { DayRow, FlowsDivision, ReturneesAnswer } from './flows-api.ts';
import { figureState, getFlows, getReturnees } from './flows-api.ts';
import { DailyChart } from './flows-daily.tsx';
import { FigureCells, figureColumns } from './flows-table.tsx';
import { useFlowsStrings } from './flows-i18n.ts';
import { AllSuppressed, FlowsError, ZeroFlow } from './flows-states.tsx';
import { FlowsDefinitions, FlowsSummary } from './flows-summary.tsx';
import { dayText } from './format.ts';
import { LangContext } from './i18n.ts';
import { RegionPicker } from './region-picker.tsx';
import { ReportButton } from './report-button.tsx';
import { DataVersion } from './status-bar.tsx';

type Props = {
  meta: Meta;
  days: string[];
  cities: FlowsDivision[];
  nameOf: (code: string) => string;
  big: boolean;
  onUnauthorized: () => void;
};

/** The daily export's columns: the API's fields, unformatted. */
export const returneeColumns: ExportColumn<DayRow>[] = [
  { key: 'date', header: 'date', value: (r) => r.date },
  ...figureColumns<DayRow>(),
];

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Returnees of a home city from a visited city, by day of return. The visited city starts at the epicentre and the
 * home at its largest published destination over all days, so that the first screen shows people.
 */
export function FlowsReturnees({ meta, days, cities, nameOf, big, onUnauthorized }: Props) {
  const t = useFlowsStrings();
  const lang = useContext(LangContext);
  const version = useContext(DataVersion);
  const first = days[0] ?? meta.scenario.from;
  const last = days[days.length - 1] ?? meta.scenario.to;
  const [source, setSource] = useState(meta.scenario.epicentre.code);
  const [home, setHome] = useState<string | null>(null);
  const [range, setRange] = useState<[string, string]>([first, last]);
  const [answer, setAnswer] = useState<ReturneesAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (home !== null) return;
    const ctl = new AbortController();
    getFlows('out', { region: source, from: first, to: last }, ctl.signal).then(
      (a) => !ctl.signal.aborted && setHome(a.cities.find((c) => c.count !== null)?.code ?? source),
      () => !ctl.signal.aborted && setHome(source),
    );
    return () => ctl.abort();
  }, [home, source, first, last]);

  useEffect(() => {
    if (home === null) return;
    const ctl = new AbortController();
    setError(null);
    getReturnees({ city: home, source, from: range[0], to: range[1] }, ctl.signal).then(
      (a) => !ctl.signal.aborted && setAnswer(a),
      (err: unknown) => {
        if (ctl.signal.aborted) return;
        setAnswer(null);
        if (isUnauthorized(err)) onUnauthorized();
        else setError(message(err));
      },
    );
    return () => ctl.abort();
  }, [home, source, range, onUnauthorized, version]);

  const regions = useMemo(
    () =>
      cities.map((d) => ({
        code: d.code,
        name: d.name,
        nameEn: d.nameEn,
        pinyin: d.pinyin ?? '',
        level: 'city',
      })),
    [cities],
  );
  const dataDays = useMemo(() => new Set(days), [days]);
  const state = answer ? figureState(answer.total) : null;

  return (
    <div className="flows-returnees" data-testid="flows-returnees">
      <div className="flows-toolbar">
        <RegionPicker
          regions={regions}
          value={home ?? ''}
          onChange={setHome}
          label={t.home}
          testId="flows-home"
        />
        <RegionPicker
          regions={regions}
          value={source}
          onChange={setSource}
          label={t.source}
          testId="flows-source"
        />
        <label className="flows-days">
          <span>{t.days}</span>
          <DayRange
            days={days}
            from={range[0]}
            to={range[1]}
            onChange={(a, b) => setRange([a, b])}
            testId="flows-returnees-days"
          />
        </label>
      </div>
      <h2 className="flows-title" data-testid="flows-title">
        {t.modeTitles.returnees} — {home ? nameOf(home) : ''} ← {nameOf(source)} · {dayText(range[0], lang)} –{' '}
        {dayText(range[1], lang)}
      </h2>
      {home !== null && (
        <ReportButton
          kind="returnees"
          params={{ city: home, source, from: range[0], to: range[1] }}
          onUnauthorized={onUnauthorized}
          testId="report-returnees"
        />
      )}
      <p className="muted small">{t.returneesDef}</p>
      {error && <FlowsError message={error} />}
      {!answer && !error && <p className="muted">{t.loading}</p>}
      {answer && (
        <div className="flows-body" data-testid="flows-body" data-state={state ?? ''}>
          <FlowsSummary
            label={t.totalReturnees}
            figure={answer.total}
            k={answer.k}
            synthetic={answer.synthetic}
            testId="flows-returnees-total"
          />
          {state === 'suppressed' && <AllSuppressed k={answer.k} returnees />}
          {state === 'zero' && <ZeroFlow />}
          {state === 'published' && (
            <div className="flows-grid flows-grid-returnees">
              <section className="flows-panel flows-panel-daily">
                <h3>{t.returneesTitle}</h3>
                <DailyChart
                  daily={answer.daily}
                  dataDays={dataDays}
                  k={answer.k}
                  unit="sample"
                  bars
                  big={big}
                  testId="flows-returnees-daily"
                />
              </section>
              <section className="flows-panel flows-panel-ranking">
                <div className="flows-export">
                  <ExportButtons
                    name={`flows-returnees-${home}-${source}-${range[0]}_${range[1]}`}
                    rows={answer.daily}
                    synthetic={answer.synthetic}
                    columns={returneeColumns}
                    testId="flows-returnees-export"
                  />
                </div>
                <div className="flows-table-wrap">
                  <table className="flows-table" data-testid="flows-returnees-table">
                    <thead>
                      <tr>
                        <th>{t.dayCol}</th>
                        <th className="num">{t.sample}</th>
                        <th className="num">{t.expanded}</th>
                        <th className="num">{t.lohi}</th>
                        <th className="num">{t.cellsBelowK(answer.k)}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {answer.daily.map((d) => (
                        <tr key={d.date} className={d.suppressed ? 'suppressed' : undefined}>
                          <td>{dayText(d.date, lang)}</td>
                          <FigureCells f={d} k={answer.k} />
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <p className="muted small flows-table-note">{t.tableNote(answer.k)}</p>
              </section>
            </div>
          )}
          <FlowsDefinitions method={answer.method} compact={big} returnees />
        </div>
      )}
    </div>
  );
}
