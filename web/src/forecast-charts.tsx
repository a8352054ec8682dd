// The forecast view's charts (issue 13): fan charts (50% and 90% bands, median, observed), the scenario
// comparison and Rt over time, as ECharts options built from the API's answers.
import { useMemo } from 'react';
import type { ChartOption } from './echarts.ts';
import type { ForecastPoint, ForecastSeries, ParamPoint } from './forecast-api.ts';
import type { Strings } from './i18n.ts';
import { useChart } from './use-chart.ts';

const colours = {
  band90: '#fde2c8',
  band50: '#f9b27a',
  median: '#c2410c',
  observed: '#1f2937',
  fitted: '#6b7280',
};
const scenarioColours = ['#c2410c', '#2563eb', '#15803d', '#7c3aed'];

/** A band drawn as a transparent lower line plus a stacked (upper - lower) area. */
function band(
  name: string,
  stack: string,
  lower: (number | null)[],
  upper: (number | null)[],
  colour: string,
) {
  return [
    {
      name: `${name}-lower`,
      type: 'line' as const,
      stack,
      data: lower,
      symbol: 'none',
      lineStyle: { opacity: 0 },
      silent: true,
    },
    {
      name,
      type: 'line' as const,
      stack,
      data: upper.map((u, i) => (u === null || lower[i] === null ? null : u - lower[i]!)),
      symbol: 'none',
      lineStyle: { opacity: 0 },
      areaStyle: { color: colour },
      silent: true,
    },
  ];
}

/** What every chart of the view shares: one category axis of days (shown as MM-DD) and counts from 0. */
function dayAxes(days: readonly string[]): ChartOption {
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    grid: { left: 48, right: 16, top: 16, bottom: 28 },
    xAxis: { type: 'category', data: [...days], axisLabel: { formatter: (v: string) => v.slice(5) } },
    yAxis: { type: 'value', min: 0 },
  };
}

/** The fan chart's option: observed (gaps where suppressed), fitted, median and the 50%/90% bands ahead. */
export function fanOption(s: ForecastSeries, t: Strings): ChartOption {
  const days = [...s.observed.map((o) => o.day), ...s.forecast.map((f) => f.target)];
  const pad = (n: number) => new Array<null>(n).fill(null);
  const ahead = (f: (p: ForecastPoint) => number) => [...pad(s.observed.length), ...s.forecast.map(f)];
  return {
    ...dayAxes(days),
    series: [
      ...band(
        t.fcBand90,
        'b90',
        ahead((p) => p.q05),
        ahead((p) => p.q95),
        colours.band90,
      ),
      ...band(
        t.fcBand50,
        'b50',
        ahead((p) => p.q25),
        ahead((p) => p.q75),
        colours.band50,
      ),
      {
        name: t.fcMedian,
        type: 'line',
        data: ahead((p) => p.median),
        symbol: 'none',
        lineStyle: { color: colours.median, width: 2 },
      },
      {
        name: t.fcFitted,
        type: 'line',
        data: [...s.observed.map((o) => o.fitted), ...pad(s.forecast.length)],
        symbol: 'none',
        lineStyle: { color: colours.fitted, type: 'dashed' },
      },
      {
        name: t.fcObserved,
        type: 'scatter',
        data: [...s.observed.map((o) => o.count), ...pad(s.forecast.length)],
        itemStyle: { color: colours.observed },
        symbolSize: 6,
      },
    ],
  };
}

/** Fan chart of one quantity. */
export function FanChart({ series, t, testId }: { series: ForecastSeries; t: Strings; testId: string }) {
  const option = useMemo(() => fanOption(series, t), [series, t]);
  const ref = useChart(option);
  return <div ref={ref} className="chart chart-daily" data-testid={testId} />;
}

/** Median confirmed per day under each scenario, one line each. */
export function ScenarioChart({
  series,
  label,
  testId,
}: {
  series: ForecastSeries[];
  label: (name: string) => string;
  testId: string;
}) {
  const option = useMemo<ChartOption>(
    () => ({
      ...dayAxes(series[0]?.forecast.map((f) => f.target) ?? []),
      series: series.map((s, i) => ({
        name: label(s.scenario),
        type: 'line' as const,
        data: s.forecast.map((f) => f.median),
        symbol: 'none',
        lineStyle: { color: scenarioColour(i), width: 2 },
        itemStyle: { color: scenarioColour(i) },
      })),
    }),
    [series, label],
  );
  const ref = useChart(option);
  return <div ref={ref} className="chart chart-daily" data-testid={testId} />;
}

/** The colour a scenario's line has in the comparison chart (its legend swatch). */
export function scenarioColour(i: number): string {
  return scenarioColours[i % scenarioColours.length]!;
}

/** Rt per fitted day: mean and 90% interval. */
export function RtChart({ points, t, testId }: { points: ParamPoint[]; t: Strings; testId: string }) {
  const option = useMemo<ChartOption>(
    () => ({
      ...dayAxes(points.map((p) => p.day)),
      series: [
        ...band(
          t.fcBand90,
          'rt',
          points.map((p) => p.lower),
          points.map((p) => p.upper),
          colours.band90,
        ),
        {
          name: 'Rt',
          type: 'line',
          data: points.map((p) => p.mean),
          symbol: 'circle',
          symbolSize: 4,
          lineStyle: { color: colours.median, width: 2 },
          itemStyle: { color: colours.median },
        },
        {
          name: 'Rt = 1',
          type: 'line',
          data: points.map(() => 1),
          symbol: 'none',
          lineStyle: { color: '#9ca3af', type: 'dotted' },
          silent: true,
        },
      ],
    }),
    [points, t],
  );
  const ref = useChart(option);
  return <div ref={ref} className="chart chart-daily" data-testid={testId} />;
}
