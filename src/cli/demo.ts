import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { ingest } from '../ingest/ingest.ts';
import { runPipeline } from '../pipeline/run.ts';
import { buildForecast, outflowCutScenarios } from '../epi/workspace-build.ts';
import type { ForecastBuildSummary } from '../epi/workspace-build.ts';
import { buildRisk } from '../risk/build.ts';
import type { RiskBuildSummary } from '../risk/build.ts';
import { importCases, importNumbers } from '../tracing/registry.ts';
import type { ImportSummary } from '../tracing/registry.ts';
import { builtinGeo } from '../synth/cities.ts';
import { generate } from '../synth/generate.ts';
import type { SynthSummary } from '../synth/generate.ts';
import type { ScenarioParams } from '../synth/params.ts';
import { WORKSPACE_FORMAT } from '../workspace.ts';
import type { Workspace, WorkspaceInfo } from '../workspace.ts';
import { buildLine, ENGINE } from './commands/forecast-build.ts';
import type { Progress } from './progress.ts';
import { phased } from './progress.ts';
import { publishNow } from './with-duck.ts';

/** Progress labels of the generator's phases. */
export const SYNTH_PHASES = {
  people: 'simulating people',
  epidemic: 'simulating epidemic',
  records: 'writing records',
};

/** Last day of a scenario, YYYY-MM-DD. */
export function lastDay(p: ScenarioParams): string {
  return new Date(Date.parse(`${p.start}T00:00:00Z`) + (p.days - 1) * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Ingests a simulator run's records and registry, pseudonymised with a one-off
 * random key that is then forgotten (the demo needs no re-linking).
 */
export async function ingestSynthetic(
  ws: Workspace,
  s: SynthSummary,
  params: ScenarioParams,
  key: Buffer = randomBytes(32),
): Promise<void> {
  await ingest(ws, {
    inputs: s.recordFiles,
    cells: join(s.outDir, 'cells.csv'),
    key,
    from: params.start,
    to: lastDay(params),
  });
}

/**
 * Imports the simulator's number registry and case list with the ingest key, so the demo has a case
 * registry to trace (the key is forgotten afterwards, like the ingest's).
 */
export async function importDemoRegistry(
  ws: Workspace,
  synthDir: string,
  key: Buffer,
): Promise<ImportSummary> {
  const db = await ws.openDuck();
  try {
    await importNumbers(db, join(synthDir, 'numbers.csv'), key);
    return await importCases(db, join(synthDir, 'cases.csv'), key);
  } finally {
    db.close();
  }
}

/** Builds the risk tables (issue 12) with the default options, after the case registry is in. */
export async function buildDemoRisk(ws: Workspace): Promise<RiskBuildSummary> {
  const db = await ws.openDuck();
  try {
    return await buildRisk(db);
  } finally {
    db.close();
  }
}

/**
 * The demo's forecast ensemble: 30 members (not the 300 of Li et al.) keep the demo build to about 20 s on
 * this machine (363 cities, baseline and two scenarios, 30 days); `epitrace forecast build` defaults to 300.
 */
export const DEMO_FORECAST_MEMBERS = 30;

/** Builds a baseline forecast and two scenarios (the epicentre's outflow cut 50% and 90%), after the risk tables. */
export async function buildDemoForecast(
  ws: Workspace,
  scenario: NonNullable<WorkspaceInfo['scenario']>,
  seed: number,
): Promise<ForecastBuildSummary> {
  const db = await ws.openDuck();
  try {
    return await buildForecast(
      db,
      // The scenario (the data's days and epicentre) is written to workspace.json only once the build is done.
      { root: ws.root, info: { ...ws.info(), scenario } },
      { horizon: 30, members: DEMO_FORECAST_MEMBERS, seed, scenarios: outflowCutScenarios },
      ENGINE,
    );
  } finally {
    db.close();
  }
}

/**
 * True when `demo` may delete the folder: it is missing or empty, or it is a workspace `demo`
 * built (workspace.json `demo: true`; before that flag, a synthetic workspace holding the
 * simulator's synth/ folder, which only `demo` writes inside a workspace).
 */
export function demoMayReplace(ws: Workspace): boolean {
  if (!existsSync(ws.root) || readdirSync(ws.root).length === 0) return true;
  if (!ws.exists()) return false;
  const info = ws.info();
  return (
    info.demo === true || (info.demo === undefined && info.synthetic && existsSync(join(ws.root, 'synth')))
  );
}

/**
 * True when `demo` must (re)build the workspace: it is missing, holds no finished scenario, or is
 * of an older format than this version reads (Workspace.requireFormat refuses those elsewhere).
 */
export function demoNeedsBuild(ws: Workspace): boolean {
  return !ws.exists() || !ws.info().scenario || ws.format() < WORKSPACE_FORMAT;
}

/** Fails with one line unless `demo` may delete the folder (see demoMayReplace). */
export function requireDemoWorkspace(ws: Workspace): void {
  if (demoMayReplace(ws)) return;
  const what = ws.exists()
    ? 'a workspace that epitrace demo did not build'
    : 'a non-empty folder that is not a workspace';
  throw new UserError(
    `${ws.root} is ${what}: demo never deletes it; pass another --workspace, or 'epitrace serve --workspace ${ws.root}' to serve it`,
  );
}

/**
 * Builds the demo workspace: simulate a synthetic scenario, ingest its records
 * (pseudonymised with a one-off random key that is then forgotten), run the
 * pipeline. Everything in it is labelled synthetic. Refuses (UserError) to replace a folder
 * that `demo` did not build.
 */
export async function buildDemo(
  ws: Workspace,
  params: ScenarioParams,
  progress: Progress,
  opts: { publish?: boolean } = {},
): Promise<void> {
  requireDemoWorkspace(ws);
  rmSync(ws.root, { recursive: true, force: true });
  const to = lastDay(params);
  ws.create({
    synthetic: true,
    demo: true,
    description: `SYNTHETIC demo: ${params.people} simulated people, ${params.start} to ${to}${
      params.lockdown
        ? `, ${params.lockdown.cities.join(', ')} closed from ${params.lockdown.at.replace('T', ' ')}`
        : ''
    }; no real person is in it.`,
  });
  const synthDir = join(ws.root, 'synth');
  const bars = phased(progress, SYNTH_PHASES);
  const s = await generate(builtinGeo(), params, synthDir, { progress: bars.update });
  bars.stop();
  progress.start('ingesting records', 1);
  // One-off key: held only until the case registry is imported with it below, then forgotten.
  const key = randomBytes(32);
  await ingestSynthetic(ws, s, params, key);
  progress.update(1);
  progress.stop();
  progress.start('running pipeline (days)', params.days);
  await runPipeline(ws, {}, (_day, done) => progress.update(done));
  progress.stop();
  const registry = await importDemoRegistry(ws, synthDir, key);
  progress.start('building risk tables', 1);
  const risk = await buildDemoRisk(ws);
  progress.update(1);
  progress.stop();
  const scenario = {
    name: `synthetic ${params.people} people, seed ${params.seed}`,
    from: params.start,
    to,
    epicentre: params.epicentre,
  };
  progress.start('building forecast (fit, baseline and 2 scenarios)', 1);
  // A tiny demo (e.g. --people 50) may confirm no case: the forecast is then skipped, saying why.
  const forecast = await buildDemoForecast(ws, scenario, params.seed).catch((e: unknown) => {
    if (e instanceof UserError) return e.message;
    throw e;
  });
  progress.update(1);
  progress.stop();
  // Written last: a workspace without a scenario is an unfinished build and is rebuilt.
  ws.writeInfo({ ...ws.info(), scenario });
  // Once, at the end (after workspace.json has its scenario): the server reads only published snapshots.
  if (opts.publish !== false) await publishNow(ws);
  process.stderr.write(
    `demo workspace ready: ${s.records} synthetic records of ${s.subscribers} subscribers, ${s.cases} confirmed cases; ` +
      `case registry ${registry.accepted} cases, ${registry.accepted - registry.unmatched.length} matched a subscriber; ` +
      `risk tables: ${risk.people.companion} companions, ${risk.levelRows} area-level rows, ${risk.alerts} alerts\n` +
      `${typeof forecast === 'string' ? `no forecast: ${forecast}` : buildLine(forecast)}\n`,
  );
}
