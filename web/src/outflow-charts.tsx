import { useMemo } from 'react';
import type { DailyCount, Destination } from './api.ts';
import { echarts } from './echarts.ts';
import type { ChartOption } from './echarts.ts';
import { countText } from './format.ts';
import { useStrings } from './i18n.ts';
import type { Strings } from './i18n.ts';
import { useChart } from './use-chart.ts';

const barColour = '#c2410c';
const topN = 15;

type BarProps = {
  destinations: Destination[];
  label: (d: Destination) => string;
  testId: string;
};

/** Horizontal bars of the largest destination cities, largest on top. */
export function DestinationBar({ destinations, label, testId }: BarProps) {
  const option = useMemo(() => barOption(destinations, label), [destinations, label]);
  const ref = useChart(option);
  return <div ref={ref} className="chart chart-bar" data-testid={testId} />;
}

/** The bar chart's option: the first `topN` destinations that have a count. */
export function barOption(destinations: Destination[], label: (d: Destination) => string): ChartOption {
  // Suppressed rows have no number to draw; the table lists them.
  const top = destinations.filter((d) => d.count !== null).slice(0, topN);
  return {
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: {
      left: 8,
      right: 56,
      top: 8,
      bottom: 8,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    xAxis: { type: 'value', axisLabel: { show: false }, splitLine: { show: false } },
    // inverse: the first (largest) category is drawn at the top.
    yAxis: { type: 'category', inverse: true, data: top.map(label), axisTick: { show: false } },
    series: [
      {
        type: 'bar',
        data: top.map((d) => d.count ?? 0),
        itemStyle: { color: barColour, borderRadius: [0, 3, 3, 0] },
        barMaxWidth: 18,
        label: { show: true, position: 'right', color: '#333' },
      },
    ],
  };
}

type DailyProps = { daily: DailyCount[]; k: number; testId: string };

/** People leaving per day; suppressed days are gaps in the line, never zeros. */
export function DailyLine({ daily, k, testId }: DailyProps) {
  const t = useStrings();
  const option = useMemo(() => dailyOption(daily, k, t), [daily, k, t]);
  const ref = useChart(option);
  return <div ref={ref} className="chart chart-daily" data-testid={testId} />;
}

/** The daily line's option; the tooltip spells out suppressed days. */
export function dailyOption(daily: DailyCount[], k: number, t: Strings): ChartOption {
  const byDate = new Map(daily.map((d) => [d.date, d]));
  return {
    animation: false,
    tooltip: {
      trigger: 'axis',
      formatter: (params) => {
        const first = (Array.isArray(params) ? params[0] : params) as { name?: string } | undefined;
        const day = first?.name === undefined ? undefined : byDate.get(first.name);
        // Tooltips are HTML: escape the "<" of "< k".
        return day ? `${day.date}<br/>${echarts.format.encodeHTML(countText(day, k, t))}` : '';
      },
    },
    grid: {
      left: 8,
      right: 16,
      top: 16,
      bottom: 8,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    xAxis: { type: 'category', data: daily.map((d) => d.date), boundaryGap: false },
    yAxis: { type: 'value', min: 0 },
    series: [
      {
        type: 'line',
        data: daily.map((d) => d.count ?? '-'),
        connectNulls: false,
        symbolSize: 6,
        lineStyle: { color: barColour, width: 2 },
        itemStyle: { color: barColour },
        areaStyle: { color: 'rgba(194, 65, 12, 0.08)' },
      },
    ],
  };
}
