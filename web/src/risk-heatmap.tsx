import { useCallback, useContext, useMemo, useState } from 'react';
import type { ChartOption } from './echarts.ts';
import { ExportButtons } from './export.tsx';
import { dayText, numberText } from './format.ts';
import { LangContext, useStrings } from './i18n.ts';
import type { Lang } from './i18n.ts';
import type { LoadedLayer } from './map-layers.ts';
import { getRiskHeatmap, getRiskHours } from './risk-api.ts';
import type { RiskHeatmap, RiskHours } from './risk-api.ts';
import { guardedText } from './risk-format.ts';
import { PanelStatus, SyntheticTag, useRiskData } from './risk-load.tsx';
import { boundsAround, useCountyLayer } from './tracing-trajectory.tsx';
import { useChart } from './use-chart.ts';
import { areaName, useViewsStrings } from './views-i18n.ts';

type Props = { city: string; onUnauthorized: () => void };
type Kind = 'grid' | 'community';

/** The hours of [first, last] ('YYYY-MM-DDTHH', UTC+8 as the API gives them), as days and hours of day. */
export function hoursOf(h: { first: string; last: string }): { days: string[]; first: string; last: string } {
  const days: string[] = [];
  const [d0, d1] = [h.first.slice(0, 10), h.last.slice(0, 10)];
  for (let t = Date.parse(`${d0}T00:00:00Z`); t <= Date.parse(`${d1}T00:00:00Z`); t += 86_400_000)
    days.push(new Date(t).toISOString().slice(0, 10));
  return { days, first: h.first, last: h.last };
}

/** Where the high-risk people were in one hour, with a day slider and an hour slider. */
export function RiskHeatmapPanel({ city, onUnauthorized }: Props) {
  const t = useStrings();
  const loadHours = useCallback((signal: AbortSignal) => getRiskHours(city, signal), [city]);
  const hours = useRiskData(city, loadHours, onUnauthorized);
  return (
    <div className="panel panel-wide" data-testid="risk-heatmap">
      <h3>{t.heatmapTitle}</h3>
      <PanelStatus state={hours} testId="heatmap" />
      {hours.data && (!hours.data.first || !hours.data.last) && (
        <p className="muted" data-testid="heatmap-none">
          {t.heatmapNone}
        </p>
      )}
      {hours.data?.first && hours.data.last && (
        <HeatmapAt
          key={city}
          hours={{ ...hours.data, first: hours.data.first, last: hours.data.last }}
          onUnauthorized={onUnauthorized}
        />
      )}
    </div>
  );
}

type Hours = RiskHours & { first: string; last: string };

function HeatmapAt({ hours, onUnauthorized }: { hours: Hours; onUnauthorized: () => void }) {
  const t = useStrings();
  const v = useViewsStrings();
  const lang = useContext(LangContext);
  const { days } = useMemo(() => hoursOf(hours), [hours]);
  const [day, setDay] = useState(Math.max(0, days.length - 1));
  const [hourOfDay, setHourOfDay] = useState(10);
  const [kind, setKind] = useState<Kind>('grid');
  const wanted = `${days[day] ?? ''}T${String(hourOfDay).padStart(2, '0')}`;
  // Clamped into the data's hours: the first and last days may be partial.
  const hour = wanted < hours.first ? hours.first : wanted > hours.last ? hours.last : wanted;
  const load = useCallback(
    (signal: AbortSignal) => getRiskHeatmap({ city: hours.city, hour, kind }, signal),
    [hours.city, hour, kind],
  );
  const state = useRiskData(`${hours.city}|${hour}|${kind}`, load, onUnauthorized);
  const h = state.data;
  return (
    <>
      <div className="toolbar">
        <label>
          {t.heatmapKind}
          <select name="heatmap-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            <option value="grid">{t.heatmapKinds.grid}</option>
            <option value="community">{t.heatmapKinds.community}</option>
          </select>
        </label>
        <label>
          {t.riskDay}{' '}
          <strong data-testid="heatmap-day" data-day={days[day]}>
            {dayText(days[day] ?? '', lang)}
          </strong>
          <input
            type="range"
            name="heatmap-day"
            min={0}
            max={Math.max(0, days.length - 1)}
            value={day}
            onChange={(e) => setDay(Number(e.target.value))}
          />
        </label>
        <label>
          {t.heatmapHour}{' '}
          <strong data-testid="heatmap-hour" data-hour={hour}>
            {v.heatmapHourText(dayText(hour.slice(0, 10), lang), hour.slice(11, 13))}
          </strong>
          <input
            type="range"
            name="heatmap-hour"
            min={0}
            max={23}
            value={hourOfDay}
            onChange={(e) => setHourOfDay(Number(e.target.value))}
          />
        </label>
      </div>
      <PanelStatus state={state} testId="heatmap-hour" />
      {h && (
        <>
          <SyntheticTag synthetic={h.synthetic} testId="heatmap" />
          <p className="summary">
            <span>
              {t.heatmapTotal}: <strong data-testid="heatmap-total">{guardedText(h.total, h.k)}</strong>
            </span>{' '}
            <span className="muted" data-testid="heatmap-suppressed">
              {t.heatmapSuppressedAreas(h.suppressedAreas, h.k)}
            </span>
          </p>
          <p className="muted small">{v.heatmapLegend}</p>
          <HeatmapMap h={h} />
          <ExportButtons
            name={`risk-heatmap-${h.city}-${hour}-${kind}`}
            rows={h.areas}
            synthetic={h.synthetic}
            columns={[
              { key: 'area', header: t.heatmapArea, value: (a) => a.area },
              { key: 'name', header: v.colNameZh, value: (a) => a.name ?? null },
              { key: 'lon', header: v.colLon, value: (a) => a.lon },
              { key: 'lat', header: v.colLat, value: (a) => a.lat },
              { key: 'count', header: t.heatmapCount, value: (a) => a.count },
              { key: 'suppressed', header: v.colSuppressed, value: (a) => a.count === null },
            ]}
            testId="heatmap-export"
          />
          <HeatmapTable h={h} />
        </>
      )}
    </>
  );
}

function HeatmapMap({ h }: { h: RiskHeatmap }) {
  const layer = useCountyLayer();
  const lang = useContext(LangContext);
  const option = useMemo(() => heatmapOption(h, layer, lang), [h, layer, lang]);
  const ref = useChart(option);
  return <div ref={ref} className="chart chart-places" data-testid="heatmap-map" />;
}

/** Published areas as points on the county boundaries, colour and size by count (suppressed ones are not sent). */
export function heatmapOption(h: RiskHeatmap, layer: LoadedLayer | null, lang: Lang): ChartOption {
  const max = Math.max(1, ...h.areas.map((a) => a.count ?? 0));
  const bounds = boundsAround(h.areas, 0.03, 0.1);
  const coords = layer ? 'geo' : 'cartesian2d';
  return {
    animation: false,
    tooltip: {
      trigger: 'item',
      formatter: (params) => {
        const d = (params as unknown as { data: { name: string; value: [number, number, number] } }).data;
        return `${d.name}: ${d.value[2]}`;
      },
    },
    ...(layer
      ? {
          geo: {
            map: layer.mapName,
            nameProperty: 'code',
            roam: true,
            ...(bounds ? { boundingCoords: bounds } : {}),
            itemStyle: { areaColor: '#eef0f3', borderColor: '#9ca3af', borderWidth: 0.6 },
            emphasis: { disabled: true },
            silent: true,
          },
        }
      : { xAxis: { type: 'value', scale: true }, yAxis: { type: 'value', scale: true } }),
    visualMap: {
      type: 'continuous',
      min: 0,
      max,
      seriesIndex: 0,
      left: 8,
      bottom: 8,
      inRange: { color: ['#fde68a', '#f97316', '#b91c1c'] },
      calculable: false,
    },
    series: [
      {
        type: 'scatter',
        coordinateSystem: coords,
        data: h.areas.map((a) => ({
          name: a.name ? areaName(a.name, lang) : a.area,
          value: [a.lon, a.lat, a.count],
        })),
        symbolSize: (v: number[]) => 6 + 18 * Math.sqrt((v[2] ?? 0) / max),
      },
    ],
  };
}

function HeatmapTable({ h }: { h: RiskHeatmap }) {
  const t = useStrings();
  const lang = useContext(LangContext);
  // Largest first (the API sends published areas only).
  const rows = [...h.areas].sort((a, b) => (b.count ?? 0) - (a.count ?? 0) || a.area.localeCompare(b.area));
  return (
    <div className="table-wrap table-short">
      <table className="destinations" data-testid="heatmap-table">
        <thead>
          <tr>
            <th>{t.heatmapArea}</th>
            <th className="num">{t.heatmapCount}</th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, 50).map((a) => (
            <tr key={a.area} data-area={a.area}>
              <td>{a.name ? areaName(a.name, lang) : a.area}</td>
              <td className="num">{a.count === null ? guardedText(null, h.k) : numberText(a.count, lang)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
