import type { Lang, Report } from './model.ts';

/**
 * A report as one self-contained HTML document (inline CSS and SVG charts, no script, no external request).
 * STUB until the report-render branch lands (issue 17).
 */
export function renderReportHtml(report: Report, lang: Lang): string {
  void lang;
  throw new Error(`renderReportHtml(${report.kind}): not built yet`);
}
