import type { EChartsOption } from 'echarts';
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
 * observed dots with gaps where a count is suppressed. Bands are stacked areas over an invisible lower bound.
 */
export function fanChartSvg(f: PublicForecast, label: string): string {
  const days = [...f.observed.map((o) => o.day), ...f.forecast.map((p) => p.target)];
  const pad = (xs: (number | null)[]) => [...f.observed.map(() => null), ...xs];
  const lower90 = pad(f.forecast.map((p) => p.q05));
  const width90 = pad(f.forecast.map((p) => p.q95 - p.q05));
  const lower50 = pad(f.forecast.map((p) => p.q25));
  const width50 = pad(f.forecast.map((p) => p.q75 - p.q25));
  const median = pad(f.forecast.map((p) => p.median));
  const observed = [...f.observed.map((o) => o.count), ...f.forecast.map(() => null)];
  const band = (name: string, data: (number | null)[], stack: string, color: string | null): object => ({
    name,
    type: 'line',
    data,
    stack,
    symbol: 'none',
    lineStyle: { opacity: 0 },
    areaStyle: color ? { color, opacity: 1 } : { opacity: 0 },
    silent: true,
  });
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
      band('90l', lower90, 'b90', null),
      band('90', width90, 'b90', BAND90),
      band('50l', lower50, 'b50', null),
      band('50', width50, 'b50', BAND50),
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
