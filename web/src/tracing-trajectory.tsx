import { useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, getTrajectory } from './api.ts';
import type { Trajectory, TrajectoryDwell } from './api.ts';
import { echarts } from './echarts.ts';
import type { ChartOption } from './echarts.ts';
import type { ExportColumn } from './export.tsx';
import { minutesText } from './format.ts';
import { LangContext, useStrings } from './i18n.ts';
import type { Strings } from './i18n.ts';
import { loadLayer } from './map-layers.ts';
import type { LoadedLayer } from './map-layers.ts';
import { LoadedExport } from './export.tsx';
import type { RegionName } from './tracing-view.tsx';
import { useChart } from './use-chart.ts';
import { useViewsStrings, wallText } from './views-i18n.ts';
import type { ViewsStrings } from './views-i18n.ts';

type Props = { caseRef: string; name: RegionName; onError: (err: unknown) => void };

/** Where a place is, finest known level first: community, county, city. */
export function placeLabel(
  p: { community: string | null; county: string | null; city: string | null },
  name: RegionName,
) {
  return p.community ? `${p.community} · ${name(p.county)}` : name(p.county ?? p.city);
}

/** The dwell table as exported: the API's values unformatted, times as stored (China Standard Time). */
function dwellColumns(t: Strings, v: ViewsStrings, name: RegionName): ExportColumn<TrajectoryDwell>[] {
  return [
    { key: 'start', header: t.start, value: (d) => d.start },
    { key: 'end', header: t.end, value: (d) => d.end },
    { key: 'minutes', header: t.minutes, value: (d) => d.minutes },
    { key: 'cellId', header: t.cell, value: (d) => d.cellId },
    { key: 'lon', header: v.colLon, value: (d) => d.lon },
    { key: 'lat', header: v.colLat, value: (d) => d.lat },
    { key: 'community', header: t.levelNames.community, value: (d) => d.community },
    { key: 'street', header: t.levelNames.street, value: (d) => d.street },
    { key: 'county', header: t.levelNames.county, value: (d) => d.county },
    { key: 'city', header: t.levelNames.city, value: (d) => d.city },
    { key: 'place', header: t.place, value: (d) => placeLabel(d, name) },
    { key: 'transmissionPoint', header: t.transmissionPoint, value: (d) => d.transmissionPoint },
  ];
}

/** The county boundaries, once loaded (null until then, or if they cannot be: maps then draw without them). */
export function useCountyLayer(): LoadedLayer | null {
  const [layer, setLayer] = useState<LoadedLayer | null>(null);
  useEffect(() => {
    let live = true;
    loadLayer('county').then(
      (l) => live && setLayer(l),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return layer;
}

/** One case's dwells in time order, and a map of its places sized by minutes spent. */
export function TracingTrajectory({ caseRef, name, onError }: Props) {
  const t = useStrings();
  const v = useViewsStrings();
  const lang = useContext(LangContext);
  const [trajectory, setTrajectory] = useState<Trajectory | null>(null);
  const layer = useCountyLayer();
  // The case's number matched no subscriber: nothing to trace (the API answers 422).
  const [unmatched, setUnmatched] = useState(false);

  useEffect(() => {
    const ctl = new AbortController();
    getTrajectory(caseRef, ctl.signal).then(setTrajectory, (err: unknown) => {
      if (ctl.signal.aborted) return;
      if (err instanceof ApiError && err.status === 422) setUnmatched(true);
      else onError(err);
    });
    return () => ctl.abort();
  }, [caseRef, onError]);

  const option = useMemo(
    () => (trajectory && trajectory.places.length > 0 ? placesOption(trajectory, layer, name) : null),
    [trajectory, layer, name],
  );
  const ref = useChart(option);

  return (
    <>
      <div className="panel panel-wide" data-testid="trajectory">
        <h3>
          {t.timelineTitle} · {caseRef}
        </h3>
        {unmatched && (
          <p className="muted" data-testid="trajectory-unmatched">
            {t.noSubscriber}
          </p>
        )}
        {!trajectory && !unmatched && <p className="muted">{t.loading}</p>}
        {trajectory && (
          <>
            <div className="summary">
              <span data-testid="dwell-count">
                <strong>{t.dwellCount(trajectory.dwells.length)}</strong>
              </span>
              <span data-testid="place-count">{t.placeCount(trajectory.places.length)}</span>
              <span className="muted" data-testid="trajectory-window">
                {t.window(wallText(trajectory.window.from, lang), wallText(trajectory.window.to, lang))}
              </span>
              <LoadedExport
                name={`trajectory-${caseRef}`}
                load={async () => {
                  const fresh = await getTrajectory(caseRef);
                  return {
                    rows: fresh.dwells,
                    columns: dwellColumns(t, v, name),
                    synthetic: fresh.synthetic,
                  };
                }}
                testId="dwell-export"
              />
            </div>
            <TimelineChart trajectory={trajectory} name={name} />
            <div className="table-wrap">
              <table className="destinations" data-testid="dwell-table">
                <thead>
                  <tr>
                    <th className="num">#</th>
                    <th>{t.start}</th>
                    <th>{t.end}</th>
                    <th className="num">{t.minutes}</th>
                    <th>{t.place}</th>
                    <th className="num">{t.cell}</th>
                    <th>{t.transmissionPoint}</th>
                  </tr>
                </thead>
                <tbody>
                  {trajectory.dwells.map((d, i) => (
                    <tr
                      key={`${d.start}-${d.cellId}`}
                      className={d.transmissionPoint ? 'highlight' : undefined}
                    >
                      <td className="num">{i + 1}</td>
                      <td>{wallText(d.start, lang)}</td>
                      <td>{wallText(d.end, lang)}</td>
                      <td className="num">{minutesText(d.minutes)}</td>
                      <td>{placeLabel(d, name)}</td>
                      <td className="num">{d.cellId}</td>
                      <td>{d.transmissionPoint ? t.yes : ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </div>
      {/* Hidden, not removed, while there is nothing to draw (an unmatched case, no places): the chart keeps its
          element, and no empty map is shown. */}
      <div
        className="panel panel-wide"
        style={option ? undefined : { display: 'none' }}
        data-testid="places-panel"
      >
        <h3>{t.placesTitle}</h3>
        <div ref={ref} className="chart chart-places" data-testid="places-map" />
      </div>
    </>
  );
}

/** The dwells on a time axis, one row per place: where the case was when, and the moves between. */
function TimelineChart({ trajectory, name }: { trajectory: Trajectory; name: RegionName }) {
  const option = useMemo(() => timelineOption(trajectory, name), [trajectory, name]);
  const ref = useChart(option);
  return <div ref={ref} className="chart chart-timeline" data-testid="timeline-chart" />;
}

/** Each dwell a thick segment from start to end on its place's row, joined in time order. */
export function timelineOption(tr: Trajectory, name: RegionName): ChartOption {
  const label = (d: Trajectory['dwells'][number]) => `${placeLabel(d, name)} · ${d.cellId}`;
  const rows = [...new Set(tr.dwells.map(label))];
  // Wall-clock times, shown as they are stored (China Standard Time, naive).
  const at = (s: string) => Date.parse(`${s.replace(' ', 'T')}Z`);
  const points = tr.dwells.flatMap((d) => [
    [at(d.start), label(d)],
    [at(d.end), label(d)],
  ]);
  return {
    animation: false,
    grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'item',
      formatter: (params) => {
        // Two points per dwell: its start and its end.
        const d = tr.dwells[Math.floor((params as { dataIndex: number }).dataIndex / 2)];
        return d ? echarts.format.encodeHTML(`${label(d)}: ${d.start} – ${d.end}`) : '';
      },
    },
    xAxis: {
      type: 'time',
      min: at(tr.window.from),
      max: at(tr.window.to),
      axisLabel: { formatter: (v: number) => new Date(v).toISOString().slice(5, 10) },
    },
    yAxis: { type: 'category', data: rows },
    series: [
      {
        type: 'line',
        data: points,
        symbolSize: 4,
        lineStyle: { width: 3, color: '#c2410c' },
        itemStyle: { color: '#c2410c' },
      },
    ],
  };
}

/**
 * The [[west, north], [east, south]] box around points, widened on each side by `share` of its extent and at
 * least `minPad` degrees: a map's boundingCoords. Undefined for no points.
 */
export function boundsAround(
  points: readonly { lon: number; lat: number }[],
  minPad: number,
  share: number,
): [[number, number], [number, number]] | undefined {
  if (points.length === 0) return undefined;
  const lons = points.map((p) => p.lon);
  const lats = points.map((p) => p.lat);
  const [w, e, s, n] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  const pad = Math.max(minPad, (e - w) * share, (n - s) * share);
  return [
    [w - pad, n + pad],
    [e + pad, s - pad],
  ];
}

/** The places on county boundaries (when loaded), zoomed to them; symbol area grows with minutes spent. */
export function placesOption(tr: Trajectory, layer: LoadedLayer | null, name: RegionName): ChartOption {
  // At least ~0.05 degrees (~5 km) around the places, so one place does not fill the whole view.
  const bounds = boundsAround(tr.places, 0.05, 0.15);
  const max = Math.max(1, ...tr.places.map((p) => p.minutes));
  const encode = echarts.format.encodeHTML;
  return {
    animation: false,
    tooltip: {
      trigger: 'item',
      formatter: (params) => {
        const i = (params as { dataIndex: number }).dataIndex;
        const p = tr.places[i];
        if (!p) return '';
        return encode(`${placeLabel(p, name)} · ${p.cellId}`) + `<br/>${p.minutes} min, ${p.visits}×`;
      },
    },
    ...(layer
      ? {
          geo: {
            map: layer.mapName,
            nameProperty: 'code',
            roam: true,
            boundingCoords: bounds,
            itemStyle: { areaColor: '#eef0f3', borderColor: '#9ca3af', borderWidth: 0.6 },
            emphasis: { disabled: true },
            silent: true,
          },
        }
      : {
          xAxis: { type: 'value', scale: true, name: 'lon' },
          yAxis: { type: 'value', scale: true, name: 'lat' },
        }),
    series: [
      {
        type: 'scatter',
        coordinateSystem: layer ? 'geo' : 'cartesian2d',
        data: tr.places.map((p) => [p.lon, p.lat, p.minutes]),
        symbolSize: (v: number[]) => 6 + 24 * Math.sqrt((v[2] ?? 0) / max),
        itemStyle: { color: '#c2410c', opacity: 0.75, borderColor: '#fff' },
      },
    ],
  };
}
