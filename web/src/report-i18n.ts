// Strings of the dashboard's report control (issue 17). Chinese is the default language; every key exists in both.
import { useContext } from 'react';
import { LangContext } from './i18n.ts';
import type { Lang } from './i18n.ts';
import type { ReportKind } from './report-url.ts';

const en = {
  report: 'Report',
  pdf: 'PDF',
  html: 'HTML',
  busy: 'Making the PDF…',
  failed: 'The report could not be made',
  kinds: {
    outflow: 'Epicentre outflow by province',
    returnees: 'Returnees and high-risk people',
    risk: 'Area risk levels',
    forecast: 'Forecast',
  } as Record<ReportKind, string>,
  pdfTitle: (what: string) => `Download the report “${what}” as PDF (with the figures shown here)`,
  htmlTitle: (what: string) => `Open the report “${what}” in a new tab (HTML)`,
};

const zh: typeof en = {
  report: '报告',
  pdf: 'PDF',
  html: 'HTML',
  busy: '正在生成 PDF…',
  failed: '报告生成失败',
  kinds: {
    outflow: '疫区迁出人口分省报告',
    returnees: '返程人员与高风险人员报告',
    risk: '区域风险等级报告',
    forecast: '疫情预测报告',
  },
  pdfTitle: (what: string) => `下载“${what}”PDF（与本页所示数字相同）`,
  htmlTitle: (what: string) => `在新标签页打开“${what}”（HTML）`,
};

export type ReportStrings = typeof en;

/** Both languages' report strings (tests compare their keys). */
export const reportStrings: Record<Lang, ReportStrings> = { en, zh };

/** The report control's strings in the page's language. */
export function useReportStrings(): ReportStrings {
  return reportStrings[useContext(LangContext)];
}
