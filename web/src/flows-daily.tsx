import { useContext, useMemo } from 'react';
import type { DayRow } from './flows-api.ts';
import { axisColours, tooltipDay, useFlowsChart } from './flows-chart.ts';
import type { FlowsOption } from './flows-chart.ts';
import { expandedText, intervalText, sampleText, valueIn } from './flows-format.ts';
import { useFlowsStrings } from './flows-i18n.ts';
import type { FlowsStrings } from './flows-i18n.ts';
import type { Unit } from './flows-map.tsx';
import { echarts } from './echarts.ts';
import { dayText } from './format.ts';
import { LangContext } from './i18n.ts';
import type { Lang } from './i18n.ts';

const colour = '#c2410c';

type Props = {
  daily: DayRow[];
  /** The days that have data (processed); others in the chart's span are marked "no data". */
  dataDays: Set<string>;
  k: number;
  unit: Unit;
  /** The selected days: the slider's window; moving it calls onRange. */
  from?: string;
  to?: string;
  onRange?: (from: string, to: string) => void;
  bars?: boolean;
  big: boolean;
  testId: string;
};

/** People per day in the unit; suppressed days are gaps (grey band), no-data days hatched, a slider picks days. */
export function DailyChart(p: Props) {
  const t = useFlowsStrings();
  const lang = useContext(LangContext);
  const { daily, dataDays, k, unit, from, to, bars, big, onRange } = p;
  const option = useMemo(
    () =>
      dailyOption({
        daily,
        dataDays,
        k,
        unit,
        from,
        to,
        bars: bars ?? false,
        big,
        slider: !!onRange,
        t,
        lang,
      }),
    [daily, dataDays, k, unit, from, to, bars, big, onRange, t, lang],
  );
  const onZoom = useMemo(
    () =>
      onRange &&
      ((start: number, end: number) => {
        const a = daily[start]?.date;
        const b = daily[end]?.date;
        if (a && b) onRange(a, b);
      }),
    [onRange, daily],
  );
  const ref = useFlowsChart(option, onZoom);
  return <div ref={ref} className="flows-chart flows-chart-daily" data-testid={p.testId} />;
}

type Input = Omit<Props, 'onRange' | 'testId' | 'bars'> & {
  bars: boolean;
  slider: boolean;
  t: FlowsStrings;
  lang: Lang;
};

/** Bands over runs of days (markArea pairs) for the days `pick` selects. */
function bands(days: string[], pick: (d: string) => boolean, style: object) {
  const out: [{ xAxis: string; itemStyle: object }, { xAxis: string }][] = [];
  let start: string | null = null;
  days.forEach((d, i) => {
    if (pick(d) && start === null) start = d;
    const next = days[i + 1];
    if (start !== null && (next === undefined || !pick(next))) {
      out.push([{ xAxis: start, itemStyle: style }, { xAxis: d }]);
      start = null;
    }
  });
  return out;
}

/** The daily chart's option. */
export function dailyOption(x: Input): FlowsOption {
  const { daily, t, lang, k } = x;
  const days = daily.map((d) => d.date);
  const byDate = new Map(daily.map((d) => [d.date, d]));
  const suppressed = new Set(daily.filter((d) => d.count === null || d.suppressed).map((d) => d.date));
  const fontSize = x.big ? 15 : 12;
  const { ink, grid } = axisColours(x.big);
  const start = x.from ? days.indexOf(x.from) : -1;
  const end = x.to ? days.indexOf(x.to) : -1;
  return {
    animation: false,
    textStyle: { fontSize },
    tooltip: {
      trigger: 'axis',
      formatter: (params) => {
        const d = tooltipDay(params, byDate);
        if (!d) return '';
        const e = echarts.format.encodeHTML;
        if (!x.dataDays.has(d.date)) return `${e(dayText(d.date, lang))}<br/>${e(t.noDataDays)}`;
        const interval = intervalText(d, t, lang);
        return (
          `${e(dayText(d.date, lang))}<br/>${e(t.tooltipSample)}: ${e(sampleText(d, k, t, lang))}` +
          `<br/>${e(t.tooltipExpanded)}: ${e(expandedText(d, k, t, lang))}${interval ? ` (${e(interval)})` : ''}`
        );
      },
    },
    grid: {
      left: 8,
      right: 16,
      top: 28,
      bottom: x.slider ? 56 : 8,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    xAxis: {
      type: 'category',
      data: days,
      boundaryGap: x.bars,
      axisLabel: {
        formatter: (v: string) => dayText(v, lang).replace(/^\d{4}年|\s\d{4}$/, ''),
        fontSize,
        color: ink,
      },
    },
    yAxis: {
      type: 'value',
      min: 0,
      name: t.legendUnit[x.unit],
      nameTextStyle: { fontSize, align: 'left', color: ink },
      axisLabel: { fontSize, color: ink },
      splitLine: { lineStyle: { color: grid } },
    },
    dataZoom:
      x.slider && days.length > 1
        ? [
            {
              type: 'slider',
              xAxisIndex: 0,
              realtime: false,
              startValue: start === -1 ? 0 : start,
              endValue: end === -1 ? days.length - 1 : end,
              height: 22,
              bottom: 6,
              labelFormatter: (_: number, v: string) => dayText(v, lang),
              textStyle: { fontSize: fontSize - 1 },
            },
          ]
        : [],
    series: [
      {
        type: x.bars ? 'bar' : 'line',
        name: t.legendUnit[x.unit],
        // '-' leaves a gap: a suppressed day is "fewer than k", not 0.
        // A day the pipeline has not processed has no data: a gap too, never the API's 0 for it.
        data: daily.map((d) => (x.dataDays.has(d.date) ? (valueIn(d, x.unit) ?? '-') : '-')),
        connectNulls: false,
        symbolSize: 6,
        barMaxWidth: 28,
        lineStyle: { color: colour, width: 2 },
        itemStyle: { color: colour },
        markArea: {
          silent: true,
          data: [
            ...bands(days, (d) => suppressed.has(d) && x.dataDays.has(d), {
              color: 'rgba(123, 135, 148, 0.25)',
            }),
            ...bands(days, (d) => !x.dataDays.has(d), {
              color: 'rgba(232, 220, 192, 0.6)',
              decal: { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [2, 5], rotation: Math.PI / 4 },
            }),
          ],
        },
      } as FlowsSeries,
    ],
  };
}

type FlowsSeries = Extract<NonNullable<FlowsOption['series']>, object[]>[number];
