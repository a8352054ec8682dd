import type { Duck } from '../db/duck.ts';
import type { WorkspaceInfo } from '../workspace.ts';
import type { Report, ReportKind } from './model.ts';

/** What a report is built from: one database (a served snapshot, or analytics.duckdb from the CLI). */
export interface ReportContext {
  duck: Duck;
  info: WorkspaceInfo;
  /** Disclosure threshold in force (the server's k, the CLI's --k). */
  k: number;
  /** The snapshot id, or null when the CLI read analytics.duckdb. */
  snapshot: number | null;
  /** The days queries may span (dataWindow of the snapshot / the workspace), undefined when unknown. */
  window: { from: string; to: string } | undefined;
  /** The last processed pipeline day, null when none. */
  lastDay: string | null;
}

/** The request of a report: query-string fields as given (strings); validated by buildReport. */
export type ReportParams = Record<string, string | undefined>;

/**
 * Builds a report from the same functions as the API. Bad params throw HttpError(400, ..., field) (parse());
 * a valid question the data cannot answer yields a report whose sections say why.
 * STUB until the report-data branch lands (issue 17).
 */
export async function buildReport(
  ctx: ReportContext,
  kind: ReportKind,
  params: ReportParams,
): Promise<Report> {
  void ctx;
  void params;
  throw new Error(`buildReport(${kind}): not built yet`);
}
