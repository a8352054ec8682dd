import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestSynthetic, lastDay } from '../cli/demo.ts';
import { runPipeline } from '../pipeline/run.ts';
import { ensureCellKeySecret } from '../privacy/disclosure.ts';
import { builtinGeo } from '../synth/cities.ts';
import { generate } from '../synth/generate.ts';
import { defaultParams } from '../synth/params.ts';
import type { ScenarioParams } from '../synth/params.ts';
import { Workspace } from '../workspace.ts';

/** A fresh temporary folder for one test file, under the run's root (src/testing/global-tmp.ts) when there is one. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(process.env['EPITRACE_TEST_TMP'] ?? tmpdir(), `epitrace-${prefix}-`));
}

/** A small synthetic scenario pushed through synth, ingest and the pipeline, for tests. */
export async function pipelineFixture(
  prefix: string,
  overrides: Partial<ScenarioParams> = {},
): Promise<{ ws: Workspace; synthDir: string; params: ScenarioParams; key: Buffer }> {
  // The week before Wuhan's closure (Jan 16-22), the window the pipeline tests were written for; half the
  // demo's 14 days keeps every fixture quick.
  const params: ScenarioParams = {
    ...defaultParams,
    people: 8000,
    start: '2020-01-16',
    days: 7,
    epicentreShare: 0.35,
    ...overrides,
  };
  const root = tempDir(prefix);
  const synthDir = join(root, 'synth');
  const s = await generate(builtinGeo(), params, synthDir);
  const ws = new Workspace(join(root, 'ws'));
  const to = lastDay(params);
  ws.create({ synthetic: true, description: 'SYNTHETIC test scenario' });
  // A known key, so tests can link pseudonyms back to simulated people (never done outside tests).
  const key = randomBytes(32);
  await ingestSynthetic(ws, s, params, key);
  await runFixture(ws, params, to);
  return { ws, synthDir, params, key };
}

/**
 * Runs the pipeline over a test workspace's ingested records, with a record-key secret fixed by the seed (so
 * the cell-key noise of a test is the same at every run), and records the test scenario ending on `to`.
 */
export async function runFixture(ws: Workspace, params: ScenarioParams, to: string): Promise<void> {
  const db = await ws.openDuck();
  await ensureCellKeySecret(db, () => `synthetic-test-secret-${params.seed}`);
  db.close();
  await runPipeline(ws);
  ws.writeInfo({
    ...ws.info(),
    scenario: { name: 'test', from: params.start, to, epicentre: params.epicentre },
  });
}
