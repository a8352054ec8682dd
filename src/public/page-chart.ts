import type { EChartsOption } from 'echarts';
import { bandSeries, bandWidth } from '../report/charts.ts';
import { svgChart } from '../report/svg-chart.ts';
import type { PublicForecast } from './data.ts';

/** Chart size in CSS pixels: a phone's width (390 px less the page margins); the SVG scales with the page. */
export const CHART_W = 360;
export const CHART_H = 220;

const BAND90 = '#c6dbef';
const BAND50 = '#6baed6';
const MEDIAN = '#08519c';
const OBSERVED = '#222';

/**
 * The fan chart of confirmed cases as an SVG string (ECharts on the server): 90% and 50% bands, the median,
 * observed dots with gaps where a count is suppressed. The bands are the reports' (src/report/charts.ts bandSeries).
 */
export function fanChartSvg(f: PublicForecast, label: string): string {
  const days = [...f.observed.map((o) => o.day), ...f.forecast.map((p) => p.target)];
  const pad = (xs: (number | null)[]) => [...f.observed.map(() => null), ...xs];
  const band = (lower: number[], upper: number[], stack: string, color: string) =>
    bandSeries(stack, stack, pad(lower), pad(bandWidth(lower, upper)), { color, opacity: 1 });
  const median = pad(f.forecast.map((p) => p.median));
  const observed = [...f.observed.map((o) => o.count), ...f.forecast.map(() => null)];
  const option: EChartsOption = {
    aria: { enabled: true, label: { description: label } },
    grid: { left: 40, right: 10, top: 10, bottom: 24 },
    xAxis: {
      type: 'category',
      data: days.map((d) => `${Number(d.slice(5, 7))}/${Number(d.slice(8, 10))}`),
      axisLabel: { fontSize: 10, interval: 6 },
      boundaryGap: false,
    },
    yAxis: {
      type: 'value',
      min: 0,
      axisLabel: { fontSize: 10 },
      splitLine: { lineStyle: { color: '#eee' } },
    },
    series: [
      ...band(
        f.forecast.map((p) => p.q05),
        f.forecast.map((p) => p.q95),
        'b90',
        BAND90,
      ),
      ...band(
        f.forecast.map((p) => p.q25),
        f.forecast.map((p) => p.q75),
        'b50',
        BAND50,
      ),
      {
        name: 'median',
        type: 'line',
        data: median,
        symbol: 'none',
        lineStyle: { color: MEDIAN, width: 2 },
      },
      {
        name: 'observed',
        type: 'scatter',
        data: observed,
        symbolSize: 5,
        itemStyle: { color: OBSERVED },
      },
    ] as EChartsOption['series'],
  };
  return svgChart(option, CHART_W, CHART_H);
}
