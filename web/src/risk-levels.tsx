import { useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ChartOption } from './echarts.ts';
import { ExportButtons } from './export.tsx';
import { LangContext, useStrings } from './i18n.ts';
import type { Lang, Strings } from './i18n.ts';
import { getRiskLevels } from './risk-api.ts';
import type { AreaLevel, RiskClass, RiskLevels } from './risk-api.ts';
import { guardedText } from './risk-format.ts';
import { PanelStatus, SyntheticTag, useRiskData } from './risk-load.tsx';
import { loadCityAreas } from './risk-map.ts';
import { useChart } from './use-chart.ts';
import { areaName, useViewsStrings } from './views-i18n.ts';

/** The national rule's colours: red high, orange medium, green low. */
export const riskColours: Record<RiskClass, string> = { high: '#b91c1c', medium: '#f59e0b', low: '#16a34a' };
const classes: RiskClass[] = ['high', 'medium', 'low'];
/** Areas on the map the answer does not list (no level). */
const NO_LEVEL = '#eef0f3';

type Props = { city: string; day: string; k: number; onUnauthorized: () => void };

/** Area risk levels of a city on a day: counts per class, a map where boundaries exist, and the table. */
export function RiskLevelsPanel({ city, day, k, onUnauthorized }: Props) {
  const t = useStrings();
  const v = useViewsStrings();
  const [level, setLevel] = useState<AreaLevel>('county');
  const load = useCallback(
    (signal: AbortSignal) => getRiskLevels({ city, day, level }, signal),
    [city, day, level],
  );
  const state = useRiskData(`${city}|${day}|${level}`, load, onUnauthorized);
  const r = state.data;
  return (
    <div className="panel panel-wide" data-testid="risk-levels">
      <h3>{t.levelsTitle}</h3>
      <div className="toolbar">
        <label>
          {t.levelsLevel}
          <select name="levels-level" value={level} onChange={(e) => setLevel(e.target.value as AreaLevel)}>
            {(['county', 'street', 'community'] as const).map((l) => (
              <option key={l} value={l}>
                {t.areaLevels[l]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <PanelStatus state={state} testId="levels" />
      {r && (
        <>
          <SyntheticTag synthetic={r.synthetic} testId="levels" />
          <p className="summary">
            {classes.map((c) => (
              <span key={c}>
                <span className="swatch" style={{ background: riskColours[c] }} /> {t.riskClasses[c]}:{' '}
                <strong data-testid={`levels-count-${c}`}>
                  {r.areas.filter((a) => a.risk === c).length}
                </strong>{' '}
              </span>
            ))}
            <span>
              <span className="swatch" style={{ background: NO_LEVEL }} /> {v.levelsNoLevel}
            </span>
          </p>
          {r.areas.length === 0 && (
            <p className="muted" data-testid="levels-empty">
              {v.emptyLevels}
            </p>
          )}
          <LevelsMap r={r} />
          <ExportButtons
            name={`risk-levels-${r.city}-${r.day}-${r.level}`}
            rows={r.areas}
            synthetic={r.synthetic}
            columns={[
              { key: 'code', header: v.colCode, value: (a) => a.code },
              { key: 'name', header: t.heatmapArea, value: (a) => a.name },
              { key: 'risk', header: t.levelsLevel, value: (a) => a.risk },
              { key: 'cumulative', header: t.levelsCumulative, value: (a) => a.cumulative },
              { key: 'cumulativeSuppressed', header: v.colSuppressed, value: (a) => a.cumulative === null },
              { key: 'new14', header: t.levelsNew14, value: (a) => a.new14 },
              { key: 'new14Suppressed', header: v.colSuppressed, value: (a) => a.new14 === null },
              { key: 'cluster', header: t.levelsCluster, value: (a) => a.cluster },
            ]}
            testId="levels-export"
          />
          <LevelsTable r={r} k={k} />
        </>
      )}
    </div>
  );
}

function LevelsMap({ r }: { r: RiskLevels }) {
  const t = useStrings();
  const lang = useContext(LangContext);
  const [map, setMap] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    setMap(undefined);
    loadCityAreas(r.city, r.level).then(
      (m) => live && setMap(m),
      () => live && setMap(null),
    );
    return () => {
      live = false;
    };
  }, [r.city, r.level]);
  const option = useMemo(() => (map ? levelsOption(r, map, t, lang) : null), [r, map, t, lang]);
  const ref = useChart(option);
  return (
    <>
      <div ref={ref} className="chart chart-places" data-testid="levels-map" hidden={map === null} />
      {map === null && <p className="muted">{t.levelsNoMap}</p>}
    </>
  );
}

/** Areas coloured by their class; an area the answer does not list stays grey. */
export function levelsOption(r: RiskLevels, map: string, t: Strings, lang: Lang): ChartOption {
  return {
    animation: false,
    tooltip: {
      trigger: 'item',
      formatter: (params) => {
        const a = r.areas.find((x) => x.code === (params as { name: string }).name);
        return a ? `${areaName(a.name, lang)}: ${t.riskClasses[a.risk]}` : (params as { name: string }).name;
      },
    },
    series: [
      {
        type: 'map',
        map,
        nameProperty: 'code',
        roam: true,
        selectedMode: false,
        itemStyle: { areaColor: NO_LEVEL, borderColor: '#ffffff', borderWidth: 0.8 },
        emphasis: { disabled: true },
        data: r.areas.map((a) => ({ name: a.code, value: 1, itemStyle: { areaColor: riskColours[a.risk] } })),
      },
    ],
  };
}

function LevelsTable({ r, k }: { r: RiskLevels; k: number }) {
  const t = useStrings();
  const lang = useContext(LangContext);
  const order = (c: RiskClass) => classes.indexOf(c);
  const rows = [...r.areas].sort((a, b) => order(a.risk) - order(b.risk) || a.code.localeCompare(b.code));
  return (
    <div className="table-wrap table-short">
      <table className="destinations" data-testid="levels-table">
        <thead>
          <tr>
            <th>{t.heatmapArea}</th>
            <th>{t.levelsLevel}</th>
            <th className="num">{t.levelsCumulative}</th>
            <th className="num">{t.levelsNew14}</th>
            <th>{t.levelsCluster}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.code} data-code={a.code} data-risk={a.risk}>
              <td>
                {areaName(a.name, lang)} {a.code}
              </td>
              <td>{t.riskClasses[a.risk]}</td>
              <td className="num">{guardedText(a.cumulative, k)}</td>
              <td className="num">{guardedText(a.new14, k)}</td>
              <td>{a.cluster ? t.yes : t.no}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
