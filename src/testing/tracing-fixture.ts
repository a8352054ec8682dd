import { join } from 'node:path';
import { importCases, importNumbers } from '../tracing/index.ts';
import type { ImportSummary } from '../tracing/index.ts';
import type { ScenarioParams } from '../synth/params.ts';
import { pipelineFixture } from './fixture.ts';

/** The pipeline fixture with the health authority's case list and the operator's number registry imported. */
export async function tracingFixture(
  prefix: string,
  overrides: Partial<ScenarioParams> = {},
): Promise<Awaited<ReturnType<typeof pipelineFixture>> & { imported: ImportSummary }> {
  const f = await pipelineFixture(prefix, overrides);
  const db = await f.ws.openDuck();
  try {
    await importNumbers(db, join(f.synthDir, 'numbers.csv'), f.key);
    const imported = await importCases(db, join(f.synthDir, 'cases.csv'), f.key);
    return { ...f, imported };
  } finally {
    db.close();
  }
}
