/**
 * The landing job (`epitrace job run`): ingest the claimed files, run the pipeline over the new days,
 * rebuild the risk tables and the forecast when the workspace has them, then publish one snapshot.
 * It runs in its own process, so a crash or a kill never touches the server; its progress (the
 * heartbeat) and its outcome go to the jobs table.
 */
import { join } from 'node:path';
import type { Duck } from '../db/duck.ts';
import { outflowCutScenarios, buildForecast } from '../epi/workspace-build.ts';
import type { ForecastEngine } from '../epi/workspace-build.ts';
import { hasForecast, listRuns } from '../epi/store.ts';
import { UserError } from '../errors.ts';
import { ingest } from '../ingest/ingest.ts';
import type { FileSummary } from '../ingest/ingest.ts';
import { runPipeline } from '../pipeline/run.ts';
import { DEFAULT_STAY_OPTIONS } from '../pipeline/stays.ts';
import { hasTable } from '../risk/areas.ts';
import { buildRisk, DEFAULT_BUILD } from '../risk/build.ts';
import type { RiskBuildOptions } from '../risk/build.ts';
import type { RiskKind } from '../risk/people.ts';
import type { Weights } from '../risk/risk-index.ts';
import type { Workspace, WorkspaceInfo } from '../workspace.ts';
import { oneLine } from './store.ts';
import type { JobStore } from './store.ts';

/** Publishes the open writer's database as a snapshot (src/snapshot/publish.ts `publish`). */
export type Publisher = (ws: Workspace, db: Duck, opts: { jobId: number }) => Promise<{ id: number }>;

/** What a landing job needs besides the workspace and its files. */
export interface LandingJobDeps {
  store: JobStore;
  key: Buffer;
  publish: Publisher;
  forecastEngine: ForecastEngine;
  log?: (line: string) => void;
}

/** What a landing job stores as its result. */
export interface LandingResult extends Record<string, unknown> {
  files: { file: string; read: number; accepted: number; quarantined: number; skipped: boolean }[];
  /** Over the files ingested now (a re-sent file, already ingested, adds nothing). */
  read: number;
  accepted: number;
  quarantined: number;
  reasons: Record<string, number>;
  /** Days the pipeline ran. */
  days: string[];
  risk: boolean;
  forecast: boolean | string;
}

/** The options the last pipeline day ran with, so a job continues with them (run.ts refuses a change). */
async function pipelineSettings(db: Duck): Promise<{ dwellMinutes?: number; minStayMinutes?: number }> {
  if (!(await hasTable(db, 'pipeline_days'))) return {};
  const r = await db.one<{ m: number | null; s: number | null }>(
    `SELECT dwell_minutes AS m, min_stay_minutes AS s FROM pipeline_days ORDER BY day DESC LIMIT 1`,
  );
  return {
    ...(r?.m != null ? { dwellMinutes: r.m } : {}),
    ...(r?.s != null ? { minStayMinutes: r.s } : {}),
  };
}

/** The options the risk tables were last built with (risk_meta), or null when there are none. */
async function riskSettings(db: Duck): Promise<RiskBuildOptions | null> {
  if (!(await hasTable(db, 'risk_meta'))) return null;
  const r = await db.one<{ set: string; weights: string; k: number }>(
    `SELECT set, weights, k FROM risk_meta LIMIT 1`,
  );
  if (!r) return DEFAULT_BUILD;
  return {
    set: r.set.split(',').filter(Boolean) as RiskKind[],
    weights: JSON.parse(r.weights) as Weights,
    k: r.k,
  };
}

/**
 * The workspace info with its scenario's window (the forecast's data window) stretched to the last complete
 * pipeline day, so the forecast fits the days just landed; workspace.json itself is left as it is.
 */
async function withNewDays(db: Duck, info: WorkspaceInfo): Promise<WorkspaceInfo> {
  if (!info.scenario) return info;
  const r = await db.one<{ last: string | null }>(
    `SELECT strftime(max(day), '%Y-%m-%d') AS last FROM pipeline_days WHERE complete`,
  );
  const last = r?.last;
  return last && last > info.scenario.to ? { ...info, scenario: { ...info.scenario, to: last } } : info;
}

function sumFresh(list: FileSummary[]): Pick<LandingResult, 'read' | 'accepted' | 'quarantined' | 'reasons'> {
  const fresh = list.filter((s) => !s.skipped);
  const reasons: Record<string, number> = {};
  for (const s of fresh) for (const [r, n] of Object.entries(s.reasons)) reasons[r] = (reasons[r] ?? 0) + n;
  const sum = (k: 'read' | 'accepted' | 'quarantined') => fresh.reduce((a, s) => a + s[k], 0);
  return { read: sum('read'), accepted: sum('accepted'), quarantined: sum('quarantined'), reasons };
}

/**
 * Runs landing job `jobId` over `files` (basenames in `dir`) and returns its result; the caller
 * records success or failure. Publishes once, at the end, when anything changed.
 */
export async function runLandingJob(
  ws: Workspace,
  jobId: number,
  dir: string,
  files: string[],
  d: LandingJobDeps,
): Promise<{ result: LandingResult; snapshotId: number | null }> {
  const log = d.log ?? (() => {});
  const summaries: FileSummary[] = [];
  // One ingest per file: progress per file, and each file is committed whole (ingest's own rule).
  for (const [i, f] of files.entries()) {
    d.store.progress(jobId, 'ingest', i, files.length);
    summaries.push(...(await ingest(ws, { inputs: [join(dir, f)], key: d.key }, { log })));
  }
  d.store.progress(jobId, 'ingest', files.length, files.length);

  const db0 = await ws.openDuck();
  let settings: Awaited<ReturnType<typeof pipelineSettings>>;
  try {
    settings = await pipelineSettings(db0);
  } finally {
    db0.close();
  }
  const run = await runPipeline(
    ws,
    {
      ...(settings.dwellMinutes !== undefined ? { dwellMinutes: settings.dwellMinutes } : {}),
      stay: { ...DEFAULT_STAY_OPTIONS, minStayMinutes: settings.minStayMinutes ?? 0 },
    },
    (_day, done, total) => d.store.progress(jobId, 'pipeline', done, total),
  );
  const counts = sumFresh(summaries);
  const result: LandingResult = {
    files: summaries.map((s) => ({
      file: s.file,
      read: s.read,
      accepted: s.accepted,
      quarantined: s.quarantined,
      skipped: s.skipped,
    })),
    ...counts,
    days: run.days,
    risk: false,
    forecast: false,
  };
  // Nothing new (re-sent files only, or nothing accepted): the published snapshot is still current.
  if (run.days.length === 0 && counts.accepted === 0) return { result, snapshotId: null };

  const db = await ws.openDuck();
  try {
    const risk = await riskSettings(db);
    if (risk) {
      d.store.progress(jobId, 'risk', 0, 1);
      await buildRisk(db, risk);
      result.risk = true;
      d.store.progress(jobId, 'risk', 1, 1);
    }
    if (await hasForecast(db)) {
      d.store.progress(jobId, 'forecast', 0, 1);
      // The newest stored run's ensemble size, horizon and seed; the demo's scenarios (outflow cuts).
      const last = (await listRuns(db))[0];
      try {
        await buildForecast(
          db,
          { root: ws.root, info: await withNewDays(db, ws.info()) },
          {
            horizon: last?.horizon ?? 30,
            members: last?.members ?? 30,
            seed: last?.seed ?? 1,
            scenarios: outflowCutScenarios,
          },
          d.forecastEngine,
        );
        result.forecast = true;
      } catch (e) {
        // A forecast that cannot be fitted (e.g. no confirmed case) does not hold back the new days.
        if (!(e instanceof UserError)) throw e;
        result.forecast = `not rebuilt: ${oneLine(e.message)}`;
      }
      d.store.progress(jobId, 'forecast', 1, 1);
    }
    d.store.progress(jobId, 'publish', 0, 1);
    const m = await d.publish(ws, db, { jobId });
    d.store.progress(jobId, 'publish', 1, 1);
    return { result, snapshotId: m.id };
  } finally {
    db.close();
  }
}
