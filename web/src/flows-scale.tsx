import { useContext, useMemo } from 'react';
import type { ScaleAnswer } from './flows-api.ts';
import { axisColours, tooltipDay, useFlowsChart } from './flows-chart.ts';
import type { FlowsOption } from './flows-chart.ts';
import { sampleText } from './flows-format.ts';
import { useFlowsStrings } from './flows-i18n.ts';
import type { FlowsStrings } from './flows-i18n.ts';
import { echarts } from './echarts.ts';
import { dayText, numberText } from './format.ts';
import { LangContext } from './i18n.ts';
import type { Lang } from './i18n.ts';

/** The migration scale index per day against the baseline period (100 = the baseline's mean). */
export function ScaleChart({ scale, big, testId }: { scale: ScaleAnswer; big: boolean; testId: string }) {
  const t = useFlowsStrings();
  const lang = useContext(LangContext);
  const option = useMemo(() => scaleOption(scale, big, t, lang), [scale, big, t, lang]);
  const ref = useFlowsChart(option);
  return <div ref={ref} className="flows-chart flows-chart-scale" data-testid={testId} />;
}

/** The baseline's statement under the chart. */
export function baselineText(scale: ScaleAnswer, t: FlowsStrings, lang: Lang): string {
  const b = scale.base;
  return b.mean === null ? t.baselineNone : t.baselineNote(numberText(b.mean, lang, 1), b.days, b.totalDays);
}

/** The index chart's option: a line, 100 marked, the baseline period shaded. */
export function scaleOption(scale: ScaleAnswer, big: boolean, t: FlowsStrings, lang: Lang): FlowsOption {
  const fontSize = big ? 15 : 12;
  const { ink, grid } = axisColours(big);
  const byDate = new Map(scale.daily.map((d) => [d.date, d]));
  return {
    animation: false,
    textStyle: { fontSize },
    tooltip: {
      trigger: 'axis',
      formatter: (params) => {
        const d = tooltipDay(params, byDate);
        if (!d) return '';
        const e = echarts.format.encodeHTML;
        const index = d.index === null ? '–' : numberText(d.index, lang, 1);
        return `${e(dayText(d.date, lang))}<br/>${e(t.scaleAxis)}: ${e(index)}<br/>${e(t.tooltipSample)}: ${e(
          sampleText(d, scale.k, t, lang),
        )}`;
      },
    },
    grid: {
      left: 8,
      right: 16,
      top: 30,
      bottom: 8,
      outerBoundsMode: 'same',
      outerBoundsContain: 'axisLabel',
    },
    xAxis: {
      type: 'category',
      data: scale.daily.map((d) => d.date),
      boundaryGap: false,
      axisLabel: {
        formatter: (v: string) => dayText(v, lang).replace(/^\d{4}年|\s\d{4}$/, ''),
        fontSize,
        color: ink,
      },
    },
    yAxis: {
      type: 'value',
      min: 0,
      name: t.scaleAxis,
      nameTextStyle: { fontSize, align: 'left', color: ink },
      axisLabel: { fontSize, color: ink },
      splitLine: { lineStyle: { color: grid } },
    },
    series: [
      {
        type: 'line',
        name: t.scaleAxis,
        data: scale.daily.map((d) => d.index ?? '-'),
        connectNulls: false,
        symbolSize: 6,
        lineStyle: { color: '#2563eb', width: 2 },
        itemStyle: { color: '#2563eb' },
        markLine: {
          silent: true,
          symbol: 'none',
          data: [{ yAxis: 100 }],
          lineStyle: { color: '#6b7280', type: 'dashed' },
          label: { formatter: '100', fontSize },
        },
        markArea: {
          silent: true,
          data: [
            [
              { xAxis: scale.base.from, itemStyle: { color: 'rgba(37, 99, 235, 0.10)' }, name: t.baseline },
              { xAxis: scale.base.to },
            ],
          ],
          label: { fontSize: fontSize - 1, color: ink, position: 'insideTop' },
        },
      },
    ],
  };
}
