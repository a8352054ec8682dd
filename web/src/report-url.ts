// The report route's addresses (GET /api/reports/:kind, issue 17), kept apart from React so unit tests read them.
import type { Lang } from './i18n.ts';

export type ReportKind = 'outflow' | 'returnees' | 'risk' | 'forecast';
export type ReportFormat = 'pdf' | 'html';

/**
 * `/api/reports/<kind>?format=..&lang=..&<params>`: the panel's own parameters, so the report holds the figures
 * the panel shows; `lang` is the page's language (the report is written in it).
 */
export function reportUrl(
  kind: ReportKind,
  format: ReportFormat,
  lang: Lang,
  params: Record<string, string>,
): string {
  return `/api/reports/${kind}?${new URLSearchParams({ format, lang, ...params })}`;
}

/** The file name a `content-disposition: attachment; filename="..."` header gives, or null without one. */
export function attachmentName(header: string | null): string | null {
  const m = /filename="([^"]+)"/.exec(header ?? '');
  return m?.[1] ?? null;
}
