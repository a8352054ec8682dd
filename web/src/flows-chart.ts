// The chart parts the flows module draws beyond echarts.ts (flow lines, the time slider, bands, frames), and a hook
// that draws an option and forwards chart events.
import { useEffect } from 'react';
import { LinesChart } from 'echarts/charts';
import type {
  BarSeriesOption,
  LineSeriesOption,
  LinesSeriesOption,
  MapSeriesOption,
  ScatterSeriesOption,
} from 'echarts/charts';
import {
  DataZoomSliderComponent,
  GraphicComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
} from 'echarts/components';
import type {
  DataZoomComponentOption,
  GeoComponentOption,
  GraphicComponentOption,
  GridComponentOption,
  LegendComponentOption,
  MarkAreaComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';
import { echarts } from './echarts.ts';
import type { ChartOption } from './echarts.ts';
import { useChart } from './use-chart.ts';

// echarts.use is additive: these parts join the ones echarts.ts registered, in the flows chunk only.
echarts.use([
  LinesChart,
  DataZoomSliderComponent,
  GraphicComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
]);

/** An option of a flows chart. */
export type FlowsOption = echarts.ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | LinesSeriesOption
  | MapSeriesOption
  | ScatterSeriesOption
  | DataZoomComponentOption
  | GeoComponentOption
  | GraphicComponentOption
  | GridComponentOption
  | LegendComponentOption
  | MarkAreaComponentOption
  | MarkLineComponentOption
  | TooltipComponentOption
  | VisualMapComponentOption
>;

/** Draws `option` (useChart) and calls `onZoom` with the slider's window (start, end indexes) when it is moved. */
export function useFlowsChart(option: FlowsOption | null, onZoom?: (start: number, end: number) => void) {
  const ref = useChart(option as ChartOption | null);
  useEffect(() => {
    const instance = ref.current?.epitraceChart;
    if (!instance || !onZoom) return;
    const handler = () => {
      const dz = (instance.getOption() as { dataZoom?: { startValue?: number; endValue?: number }[] })
        .dataZoom;
      const z = dz?.[0];
      if (z?.startValue !== undefined && z.endValue !== undefined) onZoom(z.startValue, z.endValue);
    };
    instance.on('datazoom', handler);
    return () => {
      instance.off('datazoom', handler);
    };
  }, [ref, onZoom]);
  return ref;
}

/** Axis text and grid line colours readable on the desk's white panels and the big screen's dark ones. */
export function axisColours(big: boolean): { ink: string; grid: string } {
  return big ? { ink: '#cbd5e1', grid: '#334155' } : { ink: '#4b5563', grid: '#e5e7eb' };
}

/** The day under an axis tooltip: the first series' category (a date) looked up in `byDate`. */
export function tooltipDay<T>(params: unknown, byDate: Map<string, T>): T | undefined {
  const first = (Array.isArray(params) ? params[0] : params) as { name?: string } | undefined;
  return first?.name === undefined ? undefined : byDate.get(first.name);
}
