import { useContext, useMemo, useState } from 'react';
import { companionsCsvUrl, getCompanions } from './api.ts';
import type { CompanionQuery, CompanionResult } from './api.ts';
import type { ChartOption } from './echarts.ts';
import { minutesText } from './format.ts';
import type { LoadedLayer } from './map-layers.ts';
import { LangContext, useStrings } from './i18n.ts';
import type { Strings } from './i18n.ts';
import { LoadedExport } from './export.tsx';
import { companionsExport } from './tracing-export.tsx';
import { boundsAround, placeLabel, useCountyLayer } from './tracing-trajectory.tsx';
import type { RegionName } from './tracing-view.tsx';
import { useChart } from './use-chart.ts';
import { useViewsStrings, wallText } from './views-i18n.ts';

type Props = { caseRef: string; name: RegionName; onError: (err: unknown) => void };

/** Rows of the companion table shown at once; the CSV export has them all. */
const SHOWN = 500;

/** A case's companions on demand (first degree, or also second), their distribution, and the CSV export. */
export function TracingCompanions({ caseRef, name, onError }: Props) {
  const t = useStrings();
  const v = useViewsStrings();
  const lang = useContext(LangContext);
  const [query, setQuery] = useState<CompanionQuery>({ minMinutes: 60, degree: 1, toleranceMeters: 0 });
  const [result, setResult] = useState<{
    q: CompanionQuery;
    r: CompanionResult & { synthetic: boolean };
  } | null>(null);
  const [loading, setLoading] = useState(false);

  async function find() {
    const q = { ...query };
    setLoading(true);
    try {
      setResult({ q, r: await getCompanions(caseRef, q) });
    } catch (err) {
      setResult(null);
      onError(err);
    } finally {
      setLoading(false);
    }
  }

  const r = result?.r;

  return (
    <div className="panel panel-wide" data-testid="companions">
      <div className="toolbar">
        <h3>{t.companionsTitle}</h3>
        <label>
          {t.minMinutes}
          <input
            type="number"
            name="minMinutes"
            min={15}
            max={1440}
            step={15}
            value={query.minMinutes}
            onChange={(e) => setQuery({ ...query, minMinutes: Number(e.target.value) })}
          />
        </label>
        <label>
          {t.toleranceMeters}
          <input
            type="number"
            name="toleranceMeters"
            min={0}
            max={1000}
            step={50}
            value={query.toleranceMeters}
            onChange={(e) => setQuery({ ...query, toleranceMeters: Number(e.target.value) })}
          />
        </label>
        <label className="inline">
          <input
            type="checkbox"
            name="secondDegree"
            checked={query.degree === 2}
            onChange={(e) => setQuery({ ...query, degree: e.target.checked ? 2 : 1 })}
          />
          {t.secondDegree}
        </label>
        <button type="button" data-testid="find-companions" disabled={loading} onClick={() => void find()}>
          {t.findCompanions}
        </button>
        {loading && <span className="muted">{t.loading}</span>}
      </div>
      {r && result && (
        <>
          <div className="summary">
            <span data-testid="companion-count">
              <strong>{t.companionCount(r.companions.length)}</strong>
            </span>
            <span className="muted">
              {t.window(wallText(r.window.from, lang), wallText(r.window.to, lang))}
            </span>
            <LoadedExport
              name={`companions-${caseRef}`}
              load={() => companionsExport(companionsCsvUrl(caseRef, result.q))}
              testId="companions-export"
            />
            <span className="muted small">{v.tracingExportNote}</span>
          </div>
          {r.companions.length > SHOWN && (
            <p className="muted small" data-testid="companions-shown">
              {t.shownOf(SHOWN, r.companions.length)}
            </p>
          )}
          <div className="table-wrap">
            <table className="destinations" data-testid="companion-table">
              <thead>
                <tr>
                  <th>{t.pseudonym}</th>
                  <th className="num">{t.degree}</th>
                  <th>{t.via}</th>
                  <th className="num">{t.minutes}</th>
                  <th>{t.firstContact}</th>
                  <th>{t.lastContact}</th>
                  <th>{t.lastSeen}</th>
                  <th>{t.residentCounty}</th>
                </tr>
              </thead>
              <tbody>
                {r.companions.slice(0, SHOWN).map((c) => (
                  <tr key={`${c.degree}-${c.userId}`} data-user={c.userId}>
                    <td className="mono">{c.userId}</td>
                    <td className="num">{c.degree}</td>
                    <td className="mono">{c.via ?? ''}</td>
                    <td className="num">{minutesText(c.minutes)}</td>
                    <td>{wallText(c.firstContact, lang)}</td>
                    <td>{wallText(c.lastContact, lang)}</td>
                    <td>
                      {c.lastSeen
                        ? `${placeLabel(c.lastSeen, name)} (${wallText(c.lastSeen.at, lang)})`
                        : t.unknown}
                    </td>
                    <td>{name(c.residentCounty)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h3>{t.distributionTitle}</h3>
          <div className="panels">
            <DistributionChart result={r} name={name} />
            <DistributionMap result={r} />
            <div className="table-wrap">
              <table className="destinations" data-testid="companion-distribution">
                <thead>
                  <tr>
                    <th>{t.layer}</th>
                    <th>{t.place}</th>
                    <th className="num">{t.people}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.distribution.map((d) => (
                    <tr key={`${d.level}-${d.code}`} data-level={d.level} data-code={d.code}>
                      <td>{t.levelNames[d.level]}</td>
                      <td>{d.level === 'community' || d.level === 'street' ? d.code : name(d.code)}</td>
                      <td className="num">{d.companions}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </>
      )}
    </div>
  );
}

/** The distribution's chart; its own component so that the chart mounts with its element. */
function DistributionChart({ result, name }: { result: CompanionResult; name: RegionName }) {
  const t = useStrings();
  const option = useMemo(() => distributionOption(result, name, t), [result, name, t]);
  const ref = useChart(option);
  return <div ref={ref} className="chart chart-bar" data-testid="distribution-chart" />;
}

/** The distribution on a map: counties coloured by companions last seen there, zoomed to where they are. */
function DistributionMap({ result }: { result: CompanionResult }) {
  const layer = useCountyLayer();
  const option = useMemo(() => (layer ? distributionMapOption(result, layer) : null), [result, layer]);
  const ref = useChart(option);
  return <div ref={ref} className="chart chart-places" data-testid="distribution-map" />;
}

/** Counties coloured by companions (a county with none stays grey); the view spans the last-seen places. */
export function distributionMapOption(r: CompanionResult, layer: LoadedLayer): ChartOption {
  const counties = r.distribution.filter((d) => d.level === 'county');
  const bounds = boundsAround(
    r.companions.flatMap((c) => (c.lastSeen ? [c.lastSeen] : [])),
    0.1,
    0.1,
  );
  return {
    animation: false,
    tooltip: { trigger: 'item' },
    visualMap: {
      min: 0,
      max: Math.max(1, ...counties.map((d) => d.companions)),
      inRange: { color: ['#fde7d9', '#c2410c'] },
      calculable: false,
      left: 8,
      bottom: 8,
    },
    series: [
      {
        type: 'map',
        map: layer.mapName,
        nameProperty: 'code',
        roam: true,
        ...(bounds ? { boundingCoords: bounds } : {}),
        itemStyle: { areaColor: '#eef0f3', borderColor: '#9ca3af', borderWidth: 0.6 },
        emphasis: { disabled: true },
        data: counties.map((d) => ({ name: d.code, value: d.companions })),
      },
    ],
  };
}

/** Companions per county (bars, most first); communities are in the table beside it. */
export function distributionOption(r: CompanionResult, name: RegionName, t: Strings): ChartOption {
  const counties = r.distribution
    .filter((d) => d.level === 'county')
    .sort((a, b) => b.companions - a.companions)
    .slice(0, 15)
    .reverse();
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: counties.map((d) => name(d.code)) },
    series: [
      {
        type: 'bar',
        name: t.levelNames.county,
        data: counties.map((d) => d.companions),
        itemStyle: { color: '#c2410c' },
      },
    ],
  };
}
