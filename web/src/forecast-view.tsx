import { useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { getDivisions } from './api.ts';
import type { Division } from './api.ts';
import { FanChart, RtChart, ScenarioChart, scenarioColour } from './forecast-charts.tsx';
import { getForecast, getForecastParams, getForecastRuns } from './forecast-api.ts';
import type { ForecastRuns, ForecastSeries, Quantity, RunSummary } from './forecast-api.ts';
import { ExportButtons } from './export.tsx';
import { bandText, paramText, SUMMARY_HORIZONS } from './forecast-format.ts';
import { dayText, numberText } from './format.ts';
import { LangContext, useStrings } from './i18n.ts';
import type { Lang, Strings } from './i18n.ts';
import { ReportButton } from './report-button.tsx';
import { PanelStatus, SyntheticTag, useRiskData } from './risk-load.tsx';
import type { Loaded } from './risk-load.tsx';
import { placeName, useViewsStrings } from './views-i18n.ts';
import { AsOfLoaded } from './views-meta.tsx';
import './views.css';

type Props = { onUnauthorized: () => void };
const QUANTITIES: readonly Quantity[] = ['confirmed', 'deaths', 'contacts', 'suspected'];

/** A stored region or group as the selector names it: groups by their meaning, cities by name (and pinyin in English). */
function regionLabel(
  code: string,
  name: string,
  t: Strings,
  nameEn: Map<string, string>,
  lang: Lang,
): string {
  if (code === 'CN') return t.fcCountry;
  if (code.startsWith('CN-X')) return t.fcCountryWithout(name.replace(/^全国（不含(.*)）$/, '$1'));
  return placeName(lang, name, nameEn.get(code));
}

/** A scenario's name as shown: the baseline, or "outflow from X cut by N% from D". */
function scenarioLabel(run: RunSummary, name: string, t: Strings, lang: Lang): string {
  const s = run.scenarios.find((x) => x.name === name);
  if (!s?.mobilityCut) return name === 'baseline' ? t.fcBaseline : name;
  const c = s.mobilityCut;
  return t.fcCut(c.regions.join(','), Math.round(c.cut * 100), dayText(c.from, lang));
}

/**
 * The forecast view (issue 13): the latest stored run; fan charts of the four quantities for one region or
 * group under one scenario, the scenarios compared on confirmed cases, and the fitted parameters.
 */
export function ForecastView({ onUnauthorized }: Props) {
  const t = useStrings();
  const lang = useContext(LangContext);
  const runs = useRiskData<ForecastRuns>('runs', getForecastRuns, onUnauthorized);
  const [cities, setCities] = useState<Division[]>([]);
  useEffect(() => {
    const ctl = new AbortController();
    getDivisions('city', ctl.signal).then(setCities, () => undefined);
    return () => ctl.abort();
  }, []);
  const nameEn = useMemo(() => new Map(cities.map((c) => [c.code, c.nameEn])), [cities]);
  const run = runs.data?.runs[0];
  const [region, setRegion] = useState<string | null>(null);
  const [scenario, setScenario] = useState('baseline');
  // Default region: the epicentre's province when listed (the one the country-without group names; other
  // provinces have groups too), else the first province group, else the first listed.
  const chosen =
    region ??
    run?.regions.find((g) => g.kind === 'group' && run.regions.some((x) => x.code === `CN-X${g.code}`))
      ?.code ??
    run?.regions.find((g) => g.kind === 'group' && /^\d{6}$/.test(g.code))?.code ??
    run?.regions[0]?.code ??
    null;

  return (
    <section className="risk" data-testid="forecast-view">
      <div className="toolbar">
        <h2>{t.fcTitle}</h2>
        {run && chosen && (
          <>
            <label>
              {t.fcRegion}
              <select name="forecast-region" value={chosen} onChange={(e) => setRegion(e.target.value)}>
                {run.regions.map((g) => (
                  <option key={g.code} value={g.code}>
                    {regionLabel(g.code, g.name, t, nameEn, lang)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t.fcScenario}
              <select name="forecast-scenario" value={scenario} onChange={(e) => setScenario(e.target.value)}>
                {run.scenarios.map((s) => (
                  <option key={s.name} value={s.name}>
                    {scenarioLabel(run, s.name, t, lang)}
                  </option>
                ))}
              </select>
            </label>
            {/* The report covers every scenario of the run, so the scenario is not a parameter. */}
            <ReportButton
              kind="forecast"
              params={{ region: chosen, run: String(run.run) }}
              onUnauthorized={onUnauthorized}
              testId="report-forecast"
            />
          </>
        )}
        <AsOfLoaded />
      </div>
      <PanelStatus state={runs} testId="forecast-runs" />
      {runs.data && !run && (
        <p className="muted" data-testid="forecast-none">
          {t.fcNone}
        </p>
      )}
      {run && runs.data && (
        <>
          <SyntheticTag synthetic={runs.data.synthetic || run.synthetic} testId="forecast" />
          <p className="muted small" data-testid="forecast-run">
            {t.fcRunLine(
              run.run,
              dayText(run.start, lang),
              dayText(run.origin, lang),
              run.members,
              run.horizon,
            )}
          </p>
          {run.ratios && (
            <p className="muted small" data-testid="forecast-ratios">
              {t.fcRatios(
                numberText(run.ratios.contactsPerCase, lang, 2),
                numberText(run.ratios.suspectedPerConfirmed, lang, 2),
              )}
            </p>
          )}
        </>
      )}
      {run && chosen && (
        <div className="panels">
          <FanPanels run={run.run} region={chosen} scenario={scenario} onUnauthorized={onUnauthorized} />
          <ScenarioPanel run={run} region={chosen} onUnauthorized={onUnauthorized} />
          <ParamsPanel run={run.run} onUnauthorized={onUnauthorized} />
        </div>
      )}
    </section>
  );
}

/**
 * Fetches one after another, so that a view's requests stay within the server's analytics gate (two running,
 * 64 queued for all users together: src/server/limits.ts) even while the previous selection's answers are still being computed.
 */
async function inTurn<T>(tasks: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  for (const task of tasks) out.push(await task());
  return out;
}

type FansProps = { run: number; region: string; scenario: string; onUnauthorized: () => void };

/** The four quantities' fan charts, loaded together. */
function FanPanels({ run, region, scenario, onUnauthorized }: FansProps) {
  const load = useCallback(
    (signal: AbortSignal) =>
      inTurn(QUANTITIES.map((quantity) => () => getForecast({ run, region, quantity, scenario }, signal))),
    [run, region, scenario],
  );
  const state = useRiskData(`${run}|${region}|${scenario}`, load, onUnauthorized);
  return (
    <>
      {QUANTITIES.map((q, i) => (
        <FanPanel key={q} quantity={q} state={state} series={state.data?.[i] ?? null} />
      ))}
    </>
  );
}

type FanProps = { quantity: Quantity; state: Loaded<unknown>; series: ForecastSeries | null };

/** One quantity: its fan chart and the median with its 90% interval at 7, 14 and 30 days. */
function FanPanel({ quantity, state, series: s }: FanProps) {
  const t = useStrings();
  const v = useViewsStrings();
  const lang = useContext(LangContext);
  return (
    <div className="panel" data-testid={`fan-${quantity}`}>
      <h3>{t.fcQuantities[quantity]}</h3>
      <PanelStatus state={state} testId={`fan-${quantity}`} />
      {s && (
        <>
          <SyntheticTag synthetic={s.synthetic} testId={`fan-${quantity}`} />
          <FanChart series={s} t={t} testId={`fan-${quantity}-chart`} />
          <table className="destinations">
            <tbody>
              {SUMMARY_HORIZONS.map((h) => {
                const p = s.forecast.find((f) => f.horizon === h);
                return p ? (
                  <tr key={h}>
                    <td>{t.fcAhead(h, dayText(p.target, lang))}</td>
                    <td className="num" data-testid={`fan-${quantity}-h${h}`}>
                      {bandText(p.median, p.q05, p.q95, lang)}
                    </td>
                  </tr>
                ) : null;
              })}
            </tbody>
          </table>
          {quantity === 'confirmed' && <ObservedNote s={s} t={t} lang={lang} />}
          <ExportButtons
            name={`forecast-${s.run}-${s.region.code}-${s.quantity}-${s.scenario}`}
            rows={s.forecast}
            synthetic={s.synthetic}
            columns={[
              { key: 'target', header: v.fcTarget, value: (p) => p.target },
              { key: 'horizon', header: v.fcHorizon, value: (p) => p.horizon },
              { key: 'median', header: t.fcMedian, value: (p) => p.median },
              { key: 'q05', header: 'q05', value: (p) => p.q05 },
              { key: 'q25', header: 'q25', value: (p) => p.q25 },
              { key: 'q75', header: 'q75', value: (p) => p.q75 },
              { key: 'q95', header: 'q95', value: (p) => p.q95 },
            ]}
            testId={`fan-${quantity}-export`}
          />
        </>
      )}
    </div>
  );
}

/** The last observed day as published (or "< k"), so the chart's dots can be read off. */
function ObservedNote({ s, t, lang }: { s: ForecastSeries; t: Strings; lang: Lang }) {
  const last = s.observed[s.observed.length - 1];
  if (!last) return null;
  return (
    <p className="muted small" data-testid="fan-confirmed-observed">
      {t.fcObservedOn(dayText(last.day, lang))}:{' '}
      {last.count === null ? t.suppressed(s.k) : numberText(last.count, lang)}
    </p>
  );
}

/** Confirmed cases under every scenario of the run: medians per day, and at 7, 14 and 30 days. */
function ScenarioPanel({
  run,
  region,
  onUnauthorized,
}: {
  run: RunSummary;
  region: string;
  onUnauthorized: () => void;
}) {
  const t = useStrings();
  const load = useCallback(
    (signal: AbortSignal) =>
      Promise.all(
        run.scenarios.map((s) =>
          getForecast({ run: run.run, region, quantity: 'confirmed', scenario: s.name }, signal),
        ),
      ),
    [run, region],
  );
  const state = useRiskData(`${run.run}|${region}|scenarios`, load, onUnauthorized);
  const v = useViewsStrings();
  const lang = useContext(LangContext);
  const label = useCallback((name: string) => scenarioLabel(run, name, t, lang), [run, t, lang]);
  return (
    <div className="panel panel-wide" data-testid="forecast-scenarios">
      <h3>{t.fcScenarios}</h3>
      <PanelStatus state={state} testId="forecast-scenarios" />
      {state.data && (
        <>
          <SyntheticTag synthetic={state.data.some((s) => s.synthetic)} testId="forecast-scenarios" />
          <ScenarioChart series={state.data} label={label} testId="forecast-scenarios-chart" />
          <ExportButtons
            name={`forecast-${run.run}-${region}-confirmed-scenarios`}
            rows={state.data.flatMap((s) => s.forecast.map((p) => ({ scenario: s.scenario, ...p })))}
            synthetic={state.data.some((s) => s.synthetic)}
            columns={[
              { key: 'scenario', header: t.fcScenario, value: (p) => p.scenario },
              { key: 'target', header: v.fcTarget, value: (p) => p.target },
              { key: 'horizon', header: v.fcHorizon, value: (p) => p.horizon },
              { key: 'median', header: t.fcMedian, value: (p) => p.median },
              { key: 'q05', header: 'q05', value: (p) => p.q05 },
              { key: 'q95', header: 'q95', value: (p) => p.q95 },
            ]}
            testId="forecast-scenarios-export"
          />
          <table className="destinations">
            <thead>
              <tr>
                <th>{t.fcScenario}</th>
                {SUMMARY_HORIZONS.map((h) => (
                  <th key={h} className="num">
                    {t.fcDays(h)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {state.data.map((s, i) => (
                <tr key={s.scenario} data-scenario={s.scenario}>
                  <td>
                    <span className="swatch" style={{ background: scenarioColour(i) }} /> {label(s.scenario)}
                  </td>
                  {SUMMARY_HORIZONS.map((h) => {
                    const p = s.forecast.find((f) => f.horizon === h);
                    return (
                      <td key={h} className="num" data-testid={`scenario-${s.scenario}-h${h}`}>
                        {p ? bandText(p.median, p.q05, p.q95, lang) : '–'}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

const SHOWN_PARAMS = ['Rt', 'alpha', 'latentDays', 'infectiousDays', 'beta', 'mu', 'theta'] as const;

/** Rt over the fitted days with its 90% interval, and every parameter on the last day. */
function ParamsPanel({ run, onUnauthorized }: { run: number; onUnauthorized: () => void }) {
  const t = useStrings();
  const load = useCallback((signal: AbortSignal) => getForecastParams(run, signal), [run]);
  const state = useRiskData(`${run}|params`, load, onUnauthorized);
  const p = state.data;
  const v = useViewsStrings();
  const lang = useContext(LangContext);
  return (
    <div className="panel panel-wide" data-testid="forecast-params">
      <h3>{t.fcParams}</h3>
      <PanelStatus state={state} testId="forecast-params" />
      {p && (
        <>
          <SyntheticTag synthetic={p.synthetic} testId="forecast-params" />
          <RtChart points={p.params['Rt'] ?? []} t={t} testId="forecast-rt-chart" />
          <table className="destinations">
            <tbody>
              {SHOWN_PARAMS.map((name) => {
                const last = p.params[name]?.at(-1);
                return last ? (
                  <tr key={name}>
                    <td>{v.fcParamNames[name] ?? name}</td>
                    <td className="num" data-testid={`param-${name}`}>
                      {paramText(last)}
                    </td>
                  </tr>
                ) : null;
              })}
            </tbody>
          </table>
          <p className="muted small">{t.fcParamsNote(dayText(p.origin, lang))}</p>
          <ExportButtons
            name={`forecast-${p.run}-params`}
            rows={SHOWN_PARAMS.flatMap((name) => (p.params[name] ?? []).map((x) => ({ name, ...x })))}
            synthetic={p.synthetic}
            columns={[
              { key: 'parameter', header: v.fcParameter, value: (x) => x.name },
              { key: 'day', header: v.fcDay, value: (x) => x.day },
              { key: 'mean', header: v.fcMean, value: (x) => x.mean },
              { key: 'lower', header: v.colLower, value: (x) => x.lower },
              { key: 'upper', header: v.colUpper, value: (x) => x.upper },
            ]}
            testId="forecast-params-export"
          />
        </>
      )}
    </div>
  );
}
