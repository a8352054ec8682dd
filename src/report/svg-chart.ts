import * as echarts from 'echarts';
import type { EChartsOption } from 'echarts';

/**
 * An ECharts option drawn on the server as an SVG string (ECharts' server-side rendering, no DOM): the same
 * chart library as the dashboard, for reports and the public page. Animation is off so the SVG is final.
 */
export function svgChart(option: EChartsOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ ...option, animation: false });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
