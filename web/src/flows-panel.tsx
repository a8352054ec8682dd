import { useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { isUnauthorized } from './api.ts';
import { DayRange } from './day-range.tsx';
import { DailyChart } from './flows-daily.tsx';
import type { Direction, FlowsAnswer, RegionLevel, ScaleAnswer } from './flows-api.ts';
import { figureState, getFlows, getScale } from './flows-api.ts';
import { useFlowsStrings } from './flows-i18n.ts';
import { FlowsMap } from './flows-map.tsx';
import type { Unit } from './flows-map.tsx';
import { baselineText, ScaleChart } from './flows-scale.tsx';
import { AllSuppressed, FlowsError, ZeroFlow } from './flows-states.tsx';
import { FlowsDefinitions, FlowsSummary } from './flows-summary.tsx';
import { RankingTable } from './flows-table.tsx';
import { LangContext } from './i18n.ts';
import { DataVersion } from './status-bar.tsx';

export type Selection = {
  direction: Direction;
  level: RegionLevel;
  region: string;
  groupBy: RegionLevel;
  unit: Unit;
  from: string;
  to: string;
};

type Props = {
  sel: Selection;
  days: string[];
  onRange: (from: string, to: string) => void;
  nameOf: (code: string) => string;
  big: boolean;
  onUnauthorized: () => void;
};

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Outflow or inflow of one region: summary, map, ranking, daily trend with the time slider, scale index. */
export function FlowsPanel({ sel, days, onRange, nameOf, big, onUnauthorized }: Props) {
  const t = useFlowsStrings();
  const lang = useContext(LangContext);
  const version = useContext(DataVersion);
  const first = days[0] ?? sel.from;
  const last = days[days.length - 1] ?? sel.to;
  const [answer, setAnswer] = useState<FlowsAnswer | null>(null);
  const [whole, setWhole] = useState<FlowsAnswer | null>(null);
  const [scale, setScale] = useState<ScaleAnswer | null>(null);
  const [scaleError, setScaleError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  // Baseline of the scale index: the first 7 data days unless chosen (contract: the API's default too).
  const [base, setBase] = useState<[string, string]>([first, days[Math.min(6, days.length - 1)] ?? last]);
  const { direction, region, from, to } = sel;

  const fail = useCallback(
    (err: unknown, signal: AbortSignal, set: (m: string) => void) => {
      if (signal.aborted) return;
      if (isUnauthorized(err)) onUnauthorized();
      else set(message(err));
    },
    [onUnauthorized],
  );

  useEffect(() => {
    const ctl = new AbortController();
    setLoading(true);
    setError(null);
    const q = { region, from, to };
    const selected = getFlows(direction, q, ctl.signal);
    // The daily chart spans every data day, so that its slider can widen the selection as well as narrow it.
    const all =
      from === first && to === last
        ? selected
        : getFlows(direction, { region, from: first, to: last }, ctl.signal);
    Promise.all([selected, all])
      .then(
        ([a, w]) => {
          if (ctl.signal.aborted) return;
          setAnswer(a);
          setWhole(w);
        },
        (err: unknown) => {
          // Old figures next to new inputs would be misread as answering them.
          if (!ctl.signal.aborted) setAnswer(null);
          fail(err, ctl.signal, setError);
        },
      )
      .finally(() => !ctl.signal.aborted && setLoading(false));
    return () => ctl.abort();
  }, [direction, region, from, to, first, last, fail, version]);

  useEffect(() => {
    const ctl = new AbortController();
    setScaleError(null);
    // Another region's or direction's index must not stay beside the new figures while this one loads.
    setScale((s) => (s && s.region.code === region && s.direction === direction ? s : null));
    getScale(
      { region, direction, from: first, to: last, baseFrom: base[0], baseTo: base[1] },
      ctl.signal,
    ).then(
      (s) => !ctl.signal.aborted && setScale(s),
      (err: unknown) => {
        if (!ctl.signal.aborted) setScale(null);
        fail(err, ctl.signal, setScaleError);
      },
    );
    return () => ctl.abort();
  }, [direction, region, first, last, base, fail, version]);

  const dataDays = useMemo(() => new Set(days), [days]);
  if (error) return <FlowsError message={error} />;
  if (!answer || !whole) return <p className="muted">{t.loading}</p>;
  const state = figureState(answer.total);
  const rows = sel.groupBy === 'city' ? answer.cities : answer.byProvince;
  const exportName = `flows-${t.csvName[direction]}-${sel.groupBy}-${region}-${from}_${to}`;
  const totalLabel = direction === 'out' ? t.totalOut : t.totalIn;
  const dailyPanel = (
    <section className="flows-panel flows-panel-daily">
      <h3>{t.dailyTitle[direction]}</h3>
      <DailyChart
        daily={whole.daily}
        dataDays={dataDays}
        k={answer.k}
        unit={sel.unit}
        from={from}
        to={to}
        onRange={onRange}
        big={big}
        testId="flows-daily"
      />
      {!big && <p className="muted small">{`${t.dailySlider} ${t.dailyLegend(answer.k)}`}</p>}
    </section>
  );

  return (
    <div
      className={`flows-body${loading ? ' flows-loading' : ''}`}
      data-testid="flows-body"
      data-state={state}
    >
      <FlowsSummary
        label={totalLabel}
        figure={answer.total}
        k={answer.k}
        synthetic={answer.synthetic}
        testId="flows-total"
      />
      {state === 'suppressed' && <AllSuppressed k={answer.k} />}
      {/* Days with published flows elsewhere in the data: the daily trend shows where to widen to. */}
      {state !== 'published' && figureState(whole.total) === 'published' && (
        <div className="flows-grid flows-grid-daily-only">{dailyPanel}</div>
      )}
      {state === 'zero' && <ZeroFlow />}
      {state === 'published' && (
        <div className="flows-grid">
          <section className="flows-panel flows-panel-map">
            <h3>{t.mapTitle[direction]}</h3>
            <FlowsMap
              answer={answer}
              level={sel.level}
              groupBy={sel.groupBy}
              unit={sel.unit}
              nameOf={nameOf}
              big={big}
              testId="flows-map"
            />
          </section>
          <section className="flows-panel flows-panel-ranking">
            <h3>
              {t.rankingTitle[sel.groupBy]}
              {big ? ` · ${t.top10}` : ''}
            </h3>
            <RankingTable
              rows={rows}
              groupBy={sel.groupBy}
              k={answer.k}
              nameOf={nameOf}
              exportName={exportName}
              synthetic={answer.synthetic}
              testId="flows-ranking"
              {...(big ? { limit: 10 } : {})}
            />
          </section>
          {dailyPanel}
          <section className="flows-panel flows-panel-scale">
            <h3>{t.scaleTitle}</h3>
            {scale && <ScaleChart scale={scale} big={big} testId="flows-scale" />}
            {scaleError && <p className="error small">{scaleError}</p>}
            <div className="flows-baseline">
              <span>{t.baseline}</span>
              <DayRange
                days={days}
                from={base[0]}
                to={base[1]}
                onChange={(a, b) => setBase([a, b])}
                testId="flows-baseline"
              />
              {scale && (
                <span className="muted small" data-testid="flows-baseline-note">
                  {baselineText(scale, t, lang)}
                </span>
              )}
            </div>
          </section>
        </div>
      )}
      <FlowsDefinitions method={answer.method} compact={big} />
    </div>
  );
}
