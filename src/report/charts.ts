import type { EChartsOption, SeriesOption } from 'echarts';
import type { ChartSection, ChartSeries, Lang } from './model.ts';
import { formatNumber, t } from './render-format.ts';
import { svgChart } from './svg-chart.ts';

/** Fonts tried in order: a system CJK font (fonts-wqy-microhei on CI) so Chinese prints, then the usual sans. */
// Single quotes: ECharts writes the list into SVG style="..." attributes unescaped, where a double quote ends it.
export const FONT_FAMILY =
  "'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', 'PingFang SC', 'DejaVu Sans', Arial, sans-serif";

/** A4 at 96 px per inch less 2 x 15 mm margins is ~680 px wide: charts fill the text width. */
export const CHART_WIDTH = 680;
export const CHART_HEIGHT = 300;

type Value = number | null;

/** A log axis cannot show 0 or negatives: those become gaps rather than breaking the whole chart. */
const onAxis = (v: Value | undefined, log: boolean): Value =>
  v === undefined || v === null || !Number.isFinite(v) || (log && v <= 0) ? null : v;

function xValue(c: ChartSection, i: number): number | string {
  const cat = c.x.categories?.[i];
  if (c.x.type === 'category') return cat ?? String(i);
  return cat !== undefined && Number.isFinite(Number(cat)) ? Number(cat) : i;
}

/** A band's width per point (upper less lower), null where an edge is missing. */
export function bandWidth(lower: readonly Value[], upper: readonly Value[]): Value[] {
  return upper.map((u, i) => {
    const l = lower[i];
    return u === null || l === null || l === undefined ? null : u - l;
  });
}

/**
 * A band as ECharts draws one (shared by the reports and the public page's fan chart): two lines in one stack,
 * its lower edge unfilled, then its width filled with `area` above it.
 */
export function bandSeries(
  name: string,
  stack: string,
  lower: unknown[],
  width: unknown[],
  area: { color?: string; opacity: number },
): SeriesOption[] {
  const line = { type: 'line', name, stack, symbol: 'none', lineStyle: { opacity: 0 }, silent: true };
  return [
    { ...line, data: lower, legendHoverLink: false },
    { ...line, data: width, areaStyle: area },
  ] as SeriesOption[];
}

/** One report series as ECharts series (a band is two stacked lines: its lower edge, then the width filled). */
function toSeries(c: ChartSection, s: ChartSeries, n: number, lang: Lang): SeriesOption[] {
  const name = t(s.name, lang);
  const logY = c.y.type === 'log';
  const onX = (ys: (Value | undefined)[]) =>
    c.x.type === 'category'
      ? ys.map((v) => onAxis(v, logY))
      : ys.map((v, i) => [xValue(c, i), onAxis(v, logY)]);
  if (s.type === 'band') {
    const lower = s.lower ?? [];
    const upper = s.upper ?? [];
    const width = bandWidth(lower, upper);
    return bandSeries(
      name,
      `band-${n}`,
      onX(lower),
      c.x.type === 'category' ? width : width.map((v, i) => [xValue(c, i), v]),
      { opacity: 0.25 },
    );
  }
  const pairs = s.data.length > 0 && Array.isArray(s.data[0]);
  const data = pairs
    ? (s.data as [number, number][]).map(([x, y]) => [x, onAxis(y, logY)])
    : onX(s.data as Value[]);
  if (s.type === 'scatter') return [{ type: 'scatter', name, data, symbolSize: 6 } as SeriesOption];
  if (s.type === 'bar') return [{ type: 'bar', name, data } as SeriesOption];
  return [
    {
      type: 'line',
      name,
      data,
      // Null stays a gap: a suppressed or missing day must not be drawn as a line through it.
      connectNulls: false,
      showSymbol: data.length <= 40,
      symbolSize: 4,
    } as SeriesOption,
  ];
}

/** The ECharts option of a report chart (no title: the section heading is the title). */
export function chartOption(c: ChartSection, lang: Lang): EChartsOption {
  const series = c.series.flatMap((s, i) => toSeries(c, s, i, lang));
  const names = [...new Set(c.series.map((s) => t(s.name, lang)))];
  const axisLabel = { formatter: (v: number) => formatNumber(v, lang, Math.abs(v) < 10 && v % 1 ? 1 : 0) };
  return {
    textStyle: { fontFamily: FONT_FAMILY },
    color: ['#2f6db5', '#d9822b', '#3a9a5b', '#b8413b', '#7a5ab5', '#6b6b6b'],
    legend: { top: 0, data: names, textStyle: { fontSize: 11 } },
    grid: { left: 64, right: 24, top: 36, bottom: 48 },
    xAxis: {
      type: c.x.type,
      name: t(c.x.label, lang),
      nameLocation: 'middle',
      nameGap: 30,
      ...(c.x.type === 'category' ? { data: c.x.categories ?? [] } : { scale: true, axisLabel }),
    },
    yAxis: {
      type: c.y.type,
      name: t(c.y.label, lang),
      nameLocation: 'middle',
      nameGap: 50,
      axisLabel,
    },
    series,
  } as EChartsOption;
}

/** A report chart as an SVG string. */
export function chartSvg(c: ChartSection, lang: Lang): string {
  return svgChart(chartOption(c, lang), CHART_WIDTH, CHART_HEIGHT);
}
