import { useEffect, useRef } from 'react';
import { echarts } from './echarts.ts';
import type { ChartOption } from './echarts.ts';

/** A chart's element; `epitraceChart` lets a browser test read what was drawn (getOption) without the bundle. */
export type ChartElement = HTMLDivElement & { epitraceChart?: echarts.ECharts };

/**
 * Draws `option` into the returned element and keeps the chart sized to it.
 * A null option leaves the chart empty (e.g. while its map is loading).
 * `onRendered`, if given, runs each time ECharts has finished drawing.
 */
export function useChart(option: ChartOption | null, onRendered?: () => void) {
  const ref = useRef<ChartElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const instance = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = instance;
    (el as ChartElement).epitraceChart = instance;
    // A container squeezed to nothing (seen while Chromium takes a screenshot) has nothing to draw,
    // and ECharts' map layout throws on a zero-sized view: keep the last size until it comes back.
    const observer = new ResizeObserver(() => {
      if (el.clientWidth > 0 && el.clientHeight > 0) instance.resize();
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const instance = chart.current;
    if (!instance || !onRendered) return;
    instance.on('finished', onRendered);
    return () => {
      instance.off('finished', onRendered);
    };
  }, [onRendered]);

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    // notMerge: a smaller data set must not leave bars or regions of the previous one behind.
    if (option) instance.setOption(option, { notMerge: true });
    else instance.clear();
  }, [option]);

  return ref;
}
