import { useCallback, useContext, useMemo, useState } from 'react';
import type { Meta } from './api.ts';
import { DayRange } from './day-range.tsx';
import type { ChartOption } from './echarts.ts';
import { ExportButtons } from './export.tsx';
import type { ExportColumn } from './export.tsx';
import { numberText } from './format.ts';
import { LangContext, useStrings } from './i18n.ts';
import type { Lang, Strings } from './i18n.ts';
import { getRiskSources } from './risk-api.ts';
import type { RiskSources, SourcesModel } from './risk-api.ts';
import { boundText, rText, statText } from './risk-format.ts';
import { PanelStatus, SyntheticTag, useRiskData } from './risk-load.tsx';
import { useChart } from './use-chart.ts';
import { useViewsStrings } from './views-i18n.ts';
import type { ViewsStrings } from './views-i18n.ts';

/** An answer with a fit. */
type Fitted = RiskSources & { fit: NonNullable<RiskSources['fit']> };

type Props = {
  meta: Meta;
  days: string[];
  origin: string;
  label: (code: string, name: string) => string;
  onUnauthorized: () => void;
};

/** Jia et al. 2020: cases per destination against outflow from the epicentre, the fit, its band and the flagged. */
export function RiskSourcesPanel({ meta, days, origin, label, onUnauthorized }: Props) {
  const t = useStrings();
  const v = useViewsStrings();
  const lang = useContext(LangContext);
  const [model, setModel] = useState<SourcesModel>('loglog');
  const [from, setFrom] = useState(days[0] ?? meta.scenario.from);
  const [to, setTo] = useState(days.at(-1) ?? meta.scenario.to);
  const load = useCallback(
    (signal: AbortSignal) => getRiskSources({ origin, from, to, model }, signal),
    [origin, from, to, model],
  );
  const state = useRiskData(`${origin}|${from}|${to}|${model}`, load, onUnauthorized);
  // The fit narrowed for the parts that draw it: null when the data cannot support one (`problem` says why).
  const r = state.data;
  const f: Fitted | null = r?.fit ? { ...r, fit: r.fit } : null;
  return (
    <div className="panel panel-wide" data-testid="risk-sources">
      <h3>{t.sourcesTitle}</h3>
      <div className="toolbar">
        <label>
          {t.sourcesModel}
          <select
            name="sources-model"
            value={model}
            onChange={(e) => setModel(e.target.value as SourcesModel)}
          >
            <option value="loglog">{t.sourcesModels.loglog}</option>
            <option value="linear">{t.sourcesModels.linear}</option>
          </select>
        </label>
        <DayRange
          days={days}
          from={from}
          to={to}
          onChange={(f, x) => {
            setFrom(f);
            setTo(x);
          }}
          testId="sources-range"
        />
      </div>
      <PanelStatus state={state} testId="sources" />
      {r && <SyntheticTag synthetic={r.synthetic} testId="sources" />}
      {r?.problem && (
        <p className="muted" data-testid="sources-problem">
          {/* The server's reason is English; Chinese pages get what it means and what to do. */}
          {t.sourcesNoFit}: {lang === 'en' ? r.problem : v.sourcesProblem}
        </p>
      )}
      {f && (
        <>
          <p className="summary" data-testid="sources-fit">
            <span>
              {t.sourcesN} = <strong data-testid="sources-n">{f.n}</strong>
            </span>{' '}
            <span>
              {t.sourcesSlope} = <strong data-testid="sources-slope">{statText(f.fit.slope)}</strong>
            </span>{' '}
            <span>
              {t.sourcesIntercept} ={' '}
              <strong data-testid="sources-intercept">{statText(f.fit.intercept)}</strong>
            </span>{' '}
            <span>
              {t.sourcesR} = <strong data-testid="sources-r">{rText(f.fit.r)}</strong>
            </span>{' '}
            <span>
              {t.sourcesR2} = <strong data-testid="sources-r2">{rText(f.fit.r2)}</strong>
            </span>{' '}
            <span>
              {t.sourcesResidualSe} = <strong>{statText(f.fit.residualSe)}</strong>
            </span>
          </p>
          <p className="muted small">{t.sourcesNote(f.k)}</p>
          <SourcesChart r={f} label={label} />
          <h4>{t.sourcesFlagged(f.fit.level)}</h4>
          <ul data-testid="sources-flagged">
            {f.points.filter((p) => p.flagged).length === 0 && <li className="muted">{t.none}</li>}
            {f.points
              .filter((p) => p.flagged)
              .map((p) => (
                <li key={p.code} data-code={p.code}>
                  {label(p.code, p.name)}: {numberText(p.cases, lang)} &gt; {boundText(p.upper)}
                </li>
              ))}
          </ul>
          <SourcesTable r={f} label={label} />
          <ExportButtons
            name={`risk-sources-${f.origin}-${f.from}_${f.to}-${f.model}`}
            rows={sourcesRows(f)}
            synthetic={f.synthetic}
            columns={sourcesColumns(t, v)}
            testId="sources-export"
          />
        </>
      )}
    </div>
  );
}

function SourcesChart({ r, label }: { r: Fitted; label: (code: string, name: string) => string }) {
  const t = useStrings();
  const option = useMemo(() => sourcesOption(r, label, t), [r, label, t]);
  const ref = useChart(option);
  return <div ref={ref} className="chart chart-bar" data-testid="sources-chart" />;
}

/**
 * Scatter of destinations (flagged in red) with the fit and the prediction bounds drawn through the API's
 * values at each destination's outflow; log axes for the log-log model.
 */
export function sourcesOption(
  r: Fitted,
  label: (code: string, name: string) => string,
  t: Strings,
): ChartOption {
  const axis = r.model === 'loglog' ? ('log' as const) : ('value' as const);
  const byX = [...r.points].sort((a, b) => a.outflow - b.outflow);
  const line = (name: string, pick: (p: (typeof byX)[number]) => number, dashed: boolean) => ({
    type: 'line' as const,
    name,
    data: byX.map((p) => [p.outflow, pick(p)]),
    showSymbol: false,
    lineStyle: {
      type: dashed ? ('dashed' as const) : ('solid' as const),
      color: dashed ? '#9ca3af' : '#1f2937',
    },
    itemStyle: { color: dashed ? '#9ca3af' : '#1f2937' },
    silent: true,
  });
  const band = t.sourcesBand(r.fit.level);
  return {
    animation: false,
    tooltip: {
      trigger: 'item',
      formatter: (params) => {
        const d = (params as unknown as { data: [number, number, string, string] }).data;
        return `${label(d[2] ?? '', d[3] ?? '')}: ${d[0]} → ${d[1]}`;
      },
    },
    grid: { left: 56, right: 16, top: 24, bottom: 40 },
    xAxis: { type: axis, name: t.sourcesOutflow, nameLocation: 'middle', nameGap: 26, scale: true },
    yAxis: { type: axis, name: t.sourcesCases, scale: true },
    series: [
      {
        type: 'scatter',
        name: t.sourcesCases,
        data: r.points.map((p) => ({
          value: [p.outflow, p.cases, p.code, p.name],
          itemStyle: { color: p.flagged ? '#b91c1c' : '#2563eb' },
        })),
        symbolSize: 9,
      },
      line(t.sourcesFitLine, (p) => p.predicted, false),
      line(band, (p) => p.upper, true),
      line(band, (p) => p.lower, true),
    ],
  };
}

/** One exported row of the sources table: a fitted destination or one left out of the fit. */
type SourcesRow = {
  code: string;
  name: string;
  outflow: number | null;
  cases: number;
  predicted: number | null;
  lower: number | null;
  upper: number | null;
  flagged: boolean;
  excluded: string | null;
};

/** The table's rows as exported: the API's numbers unformatted; `outflow` empty and `suppressed` true below k. */
export function sourcesRows(r: Fitted): SourcesRow[] {
  return [
    ...[...r.points].sort((a, b) => b.outflow - a.outflow).map((p) => ({ ...p, excluded: null })),
    ...r.excluded.map((e) => ({
      code: e.code,
      name: e.name,
      outflow: e.outflow,
      cases: e.cases,
      predicted: null,
      lower: null,
      upper: null,
      flagged: false,
      excluded: e.why,
    })),
  ];
}

function sourcesColumns(t: Strings, v: ViewsStrings): ExportColumn<SourcesRow>[] {
  return [
    { key: 'code', header: v.colCode, value: (x) => x.code },
    { key: 'name', header: t.city, value: (x) => x.name },
    { key: 'outflow', header: t.sourcesOutflow, value: (x) => x.outflow },
    { key: 'suppressed', header: v.colSuppressed, value: (x) => x.outflow === null },
    { key: 'cases', header: t.sourcesCases, value: (x) => x.cases },
    { key: 'predicted', header: t.sourcesPredicted, value: (x) => x.predicted },
    { key: 'lower', header: v.colLower, value: (x) => x.lower },
    { key: 'upper', header: v.colUpper, value: (x) => x.upper },
    { key: 'flagged', header: v.colFlagged, value: (x) => x.flagged },
    { key: 'excluded', header: t.sourcesReason, value: (x) => x.excluded },
  ];
}

function SourcesTable({ r, label }: { r: Fitted; label: (code: string, name: string) => string }) {
  const t = useStrings();
  const lang: Lang = useContext(LangContext);
  return (
    <div className="table-wrap table-short">
      <table className="destinations" data-testid="sources-table">
        <thead>
          <tr>
            <th>{t.city}</th>
            <th className="num">{t.sourcesOutflow}</th>
            <th className="num">{t.sourcesCases}</th>
            <th className="num">{t.sourcesPredicted}</th>
            <th className="num">{t.sourcesBand(r.fit.level)}</th>
            <th>{t.sourcesReason}</th>
          </tr>
        </thead>
        <tbody>
          {[...r.points]
            .sort((a, b) => b.outflow - a.outflow)
            .map((p) => (
              <tr key={p.code} data-code={p.code} className={p.flagged ? 'selected' : undefined}>
                <td>{label(p.code, p.name)}</td>
                <td className="num">{numberText(p.outflow, lang)}</td>
                <td className="num">{numberText(p.cases, lang)}</td>
                <td className="num">{boundText(p.predicted)}</td>
                <td className="num">
                  {boundText(p.lower)} – {boundText(p.upper)}
                </td>
                <td />
              </tr>
            ))}
          {r.excluded.map((e) => (
            <tr key={`x-${e.code}`} data-code={e.code} className="suppressed">
              <td>{label(e.code, e.name)}</td>
              <td className="num">{e.outflow === null ? `< ${r.k}` : numberText(e.outflow, lang)}</td>
              <td className="num">{numberText(e.cases, lang)}</td>
              <td />
              <td />
              <td>{t.sourcesWhy[e.why](r.k)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small" data-testid="sources-excluded">
        {t.sourcesExcluded(r.excluded.length)}
      </p>
    </div>
  );
}
