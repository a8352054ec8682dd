import type { Duck } from '../db/duck.ts';
import { DEFAULT_LIMITS } from '../server/limits.ts';
import { completeDays } from '../snapshot/publish.ts';
import type { SnapshotManifest } from '../snapshot/publish.ts';
import { dataWindow } from '../snapshot/source.ts';
import type { Workspace } from '../workspace.ts';
import type { ReportContext } from './build.ts';

/**
 * The ReportContext of a database outside the server: a published snapshot (its manifest's days, as the server
 * sees them) or, with `snapshot` null, analytics.duckdb (its complete pipeline days, read now).
 */
export async function readReportContext(
  duck: Duck,
  ws: Workspace,
  snapshot: SnapshotManifest | null,
  k: number,
): Promise<ReportContext> {
  const info = snapshot?.info ?? ws.info();
  const days = snapshot ? snapshot.days : await completeDays(duck);
  return {
    duck,
    info,
    k,
    snapshot: snapshot?.id ?? null,
    window: dataWindow({ info, manifest: { days } }),
    lastDay: days?.last ?? null,
    // The CLI and the daily reports have no server limits: the API's defaults.
    maxSpanDays: DEFAULT_LIMITS.maxSpanDays,
  };
}
