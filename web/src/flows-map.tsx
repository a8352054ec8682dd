import { useContext, useEffect, useMemo, useState } from 'react';
import type { Centroids, FlowsAnswer, Figure, RegionLevel } from './flows-api.ts';
import { loadCentroids } from './flows-api.ts';
import { useFlowsChart } from './flows-chart.ts';
import type { FlowsOption } from './flows-chart.ts';
import { expandedText, intervalText, sampleText, valueIn } from './flows-format.ts';
import {
  colourOf,
  fullMap,
  insetBounds,
  loadFlowsMaps,
  mainMap,
  noDataProvinces,
  pieces,
  stateColours,
  stateValues,
} from './flows-geo.ts';
import { useFlowsStrings } from './flows-i18n.ts';
import type { FlowsStrings } from './flows-i18n.ts';
import { echarts } from './echarts.ts';
import { numberText } from './format.ts';
import { LangContext } from './i18n.ts';
import type { Lang } from './i18n.ts';

export type Unit = 'sample' | 'expanded';

type Props = {
  answer: FlowsAnswer;
  level: RegionLevel;
  groupBy: RegionLevel;
  unit: Unit;
  /** Display name of a province or city code in the page's language. */
  nameOf: (code: string) => string;
  big: boolean;
  testId: string;
};

/** The migration map: provinces coloured by people, flow lines to (or from) the largest other ends, and the inset. */
export function FlowsMap(p: Props) {
  const t = useFlowsStrings();
  const lang = useContext(LangContext);
  const [ready, setReady] = useState<Centroids | null>(null);
  const [names, setNames] = useState<Map<string, string> | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    Promise.all([loadFlowsMaps(), loadCentroids()]).then(
      ([n, c]) => {
        if (!live) return;
        setNames(n);
        setReady(c);
      },
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, []);

  const { answer, level, groupBy, unit, nameOf, big, testId } = p;
  const option = useMemo(
    () =>
      names && ready
        ? mapOption({ answer, level, groupBy, unit, nameOf, big, testId, names, centroids: ready, t, lang })
        : null,
    [names, ready, answer, level, groupBy, unit, nameOf, big, testId, t, lang],
  );
  const ref = useFlowsChart(option);
  return (
    <div className="flows-map-wrap">
      <p className="flows-legend-unit" data-testid={`${p.testId}-unit`}>
        {t.legendUnit[p.unit]}
      </p>
      <div ref={ref} className="flows-chart flows-chart-map" data-testid={p.testId} />
      {error && (
        <p className="flows-overlay error">
          {t.mapUnavailable}: {error}
        </p>
      )}
      {!option && !error && <p className="flows-overlay">{t.loading}</p>}
    </div>
  );
}

type Input = Props & { names: Map<string, string>; centroids: Centroids; t: FlowsStrings; lang: Lang };

const linesShown = { desk: 20, big: 15 };

/** The province value the map carries: people in the unit, or a negative sentinel for a state (stateValues). */
export function provinceValue(code: string, row: Figure | undefined, self: boolean, unit: Unit): number {
  if (noDataProvinces.has(code)) return stateValues.noData;
  if (self) return stateValues.self;
  if (!row) return 0; // no cell at all: no recorded flow
  if (row.count === null || row.suppressed) return stateValues.suppressed;
  return valueIn(row, unit) ?? stateValues.unavailable;
}

/** The map's option (exported for reading in tests of the module). */
export function mapOption(x: Input): FlowsOption {
  const { answer, t, lang, unit } = x;
  const k = answer.k;
  const byCode = new Map(answer.byProvince.map((r) => [r.code, r]));
  const selfProvince = x.level === 'province' ? answer.region.code : null;
  const codes = [...x.names.keys()];
  const values = new Map(
    codes.map((c) => [c, provinceValue(c, byCode.get(c), c === selfProvince, unit)] as const),
  );
  const classes = pieces([...values.values()]);
  const statePieces = [
    { value: stateValues.suppressed, label: t.legendSuppressed(k), color: stateColours.suppressed },
    { value: 0, label: t.legendZero, color: stateColours.zero },
    { value: stateValues.noData, label: t.legendNoData, color: stateColours.noData },
    ...(selfProvince ? [{ value: stateValues.self, label: t.legendSelf, color: stateColours.self }] : []),
    ...([...values.values()].includes(stateValues.unavailable)
      ? [{ value: stateValues.unavailable, label: t.notAvailable, color: stateColours.unavailable }]
      : []),
  ];
  const classPieces = classes.map((c, i) => ({
    ...c,
    label:
      c.gte === c.lte ? numberText(c.gte, lang) : `${numberText(c.gte, lang)} – ${numberText(c.lte, lang)}`,
    color: colourOf(c.gte, classes.slice(0, i + 1)),
  }));
  const mapData = codes.map((c) => ({ name: c, value: values.get(c) ?? 0 }));

  const lines = flowLines(x);
  const big = x.big;
  // The inset keeps the islands region's shape: 20 degrees of longitude (x 0.75, ECharts' default aspect) by 22.
  const insetH = big ? 250 : 150;
  const insetW = Math.round(insetH * 0.7);
  const fontSize = big ? 16 : 12;
  const tip = (code: string): string => {
    if (noDataProvinces.has(code)) return `${x.nameOf(code)}<br/>${t.tooltipNoData}`;
    if (code === selfProvince) return `${x.nameOf(code)}<br/>${t.legendSelf}`;
    const row = byCode.get(code);
    if (!row) return `${x.nameOf(code)}<br/>${t.legendZero}`;
    return figureTip(x.nameOf(code), row, k, t, lang);
  };
  return {
    animation: false,
    tooltip: {
      trigger: 'item',
      formatter: (params) => {
        const q = params as { seriesType?: string; name?: string };
        if (q.seriesType === 'lines') return lines.tips.get(q.name ?? '') ?? '';
        if (q.seriesType === 'scatter') return echarts.format.encodeHTML(q.name ?? '');
        return q.name ? tip(q.name) : '';
      },
    },
    visualMap: {
      type: 'piecewise',
      seriesIndex: [0, 1],
      left: 8,
      bottom: 8,
      // A backing, so the legend stays readable where the zoomed map runs under it.
      backgroundColor: big ? 'rgba(17, 24, 39, 0.88)' : 'rgba(255, 255, 255, 0.9)',
      padding: 8,
      itemWidth: big ? 22 : 16,
      itemHeight: big ? 16 : 12,
      textStyle: { fontSize, color: big ? '#e5e7eb' : '#1f2430' },
      pieces: [...classPieces.reverse(), ...statePieces],
    },
    geo: [
      {
        map: mainMap,
        nameProperty: 'code',
        // Zoom and pan: flows inside one province are short lines at the scale of the country, so the map opens
        // on the drawn lines (mapFocus) and the user can zoom out or pan.
        roam: true,
        ...mapFocus(lines),
        scaleLimit: { min: 1, max: 16 },
        // Room for the legend on the left and the inset on the right, so neither covers the mainland.
        left: big ? 200 : 150,
        right: insetW + 24,
        top: 8,
        bottom: 8,
        itemStyle: { borderColor: big ? '#0b1220' : '#ffffff', borderWidth: 0.6 },
        emphasis: { label: { show: false }, itemStyle: { areaColor: '#facc15' } },
        select: { disabled: true },
      },
      {
        map: fullMap,
        nameProperty: 'code',
        roam: false,
        silent: true,
        clip: true,
        boundingCoords: insetBounds,
        right: 12,
        bottom: 12,
        width: insetW,
        height: insetH,
        z: 4,
        itemStyle: { borderColor: big ? '#0b1220' : '#ffffff', borderWidth: 0.4 },
      } as FlowsGeo,
    ],
    graphic: [
      {
        type: 'rect',
        right: 8,
        bottom: 8,
        z: 3,
        silent: true,
        shape: { width: insetW + 8, height: insetH + 8 },
        style: { fill: big ? '#111827' : '#f8fafc', stroke: big ? '#94a3b8' : '#6b7280', lineWidth: 1 },
      },
      {
        type: 'text',
        right: 14,
        bottom: insetH + 18,
        z: 5,
        silent: true,
        style: { text: t.insetLabel, fontSize: fontSize - 1, fill: big ? '#cbd5e1' : '#4b5563' },
      },
    ],
    series: [
      { type: 'map', geoIndex: 0, data: mapData },
      { type: 'map', geoIndex: 1, data: mapData },
      {
        type: 'lines',
        coordinateSystem: 'geo',
        geoIndex: 0,
        zlevel: 1,
        effect: { show: true, symbol: 'arrow', symbolSize: big ? 9 : 7, period: 5, trailLength: 0 },
        lineStyle: { curveness: 0.2, opacity: 0.85 },
        data: lines.data,
      },
      {
        type: 'scatter',
        coordinateSystem: 'geo',
        geoIndex: 0,
        zlevel: 1,
        symbolSize: big ? 12 : 9,
        itemStyle: { color: stateColours.self, borderColor: '#fff', borderWidth: 1 },
        label: { show: true, position: 'right', formatter: '{b}', fontSize, color: big ? '#fff' : '#111' },
        data: lines.origin ? [{ name: x.nameOf(answer.region.code), value: lines.origin }] : [],
      },
    ],
  };
}

type FlowsGeo = Extract<NonNullable<FlowsOption['geo']>, object[]>[number] & { clip?: boolean };

/** A tooltip for one figure: name, sample, expanded with its interval (HTML-escaped). */
function figureTip(name: string, f: Figure, k: number, t: FlowsStrings, lang: Lang): string {
  const e = echarts.format.encodeHTML;
  const interval = intervalText(f, t, lang);
  return (
    `${e(name)}<br/>${e(t.tooltipSample)}: ${e(sampleText(f, k, t, lang))}` +
    `<br/>${e(t.tooltipExpanded)}: ${e(expandedText(f, k, t, lang))}${interval ? ` (${e(interval)})` : ''}`
  );
}

/** The flow lines: the largest published other ends, from the region's centroid (outflow) or to it (inflow). */
function flowLines(x: Input) {
  const { answer, centroids, unit, t, lang } = x;
  const self = (x.level === 'city' ? centroids.cities : centroids.provinces)[answer.region.code];
  const rows: (Figure & { code: string; name: string })[] =
    x.groupBy === 'city' ? answer.cities : answer.byProvince;
  const at = x.groupBy === 'city' ? centroids.cities : centroids.provinces;
  const shown = rows
    .map((r) => ({ r, v: valueIn(r, unit), c: at[r.code] }))
    .filter((o): o is { r: typeof o.r; v: number; c: [number, number] } => o.v !== null && o.v > 0 && !!o.c)
    .filter((o) => !(x.level === 'province' && o.r.code === answer.region.code))
    .sort((a, b) => b.v - a.v)
    .slice(0, x.big ? linesShown.big : linesShown.desk);
  const max = Math.max(1, ...shown.map((o) => o.v));
  const data = self
    ? shown.map(({ r, v, c }) => ({
        name: r.code,
        value: v,
        coords: answer.direction === 'out' ? [self, c] : [c, self],
        // One strong colour, not the class colour: a line inside a province of the same class would vanish.
        lineStyle: { width: 1.5 + 5 * (v / max), color: x.big ? lineColours.big : lineColours.desk },
      }))
    : [];
  const tips = new Map(shown.map(({ r }) => [r.code, figureTip(x.nameOf(r.code), r, answer.k, t, lang)]));
  return { data, tips, origin: self };
}

const lineColours = { desk: '#7f1d1d', big: '#fde047' };

/** Degrees of longitude the main map shows at zoom 1 (China, 73-135 E). */
const chinaSpan = 62;

/**
 * Where the map opens: on the drawn lines and the region, showing at least 12 degrees and four times the lines'
 * extent (so the neighbouring provinces give context); the whole country when the lines span it.
 */
export function mapFocus(lines: { data: { coords: number[][] }[]; origin: [number, number] | undefined }): {
  center?: [number, number];
  zoom?: number;
} {
  const points = lines.data.flatMap((d) => d.coords);
  if (lines.origin) points.push(lines.origin);
  if (points.length < 2) return {};
  const lons = points.map((q) => q[0]!);
  const lats = points.map((q) => q[1]!);
  const [w, e, s, n] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  const span = Math.max(e - w, (n - s) * 1.3);
  const zoom = Math.min(8, chinaSpan / Math.max(4 * span, 12));
  if (zoom <= 1.2) return {};
  return { center: [(w + e) / 2, (s + n) / 2], zoom: Math.round(zoom * 10) / 10 };
}
