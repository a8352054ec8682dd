import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { lastDay } from '../src/cli/demo.ts';
import { ingest } from '../src/ingest/ingest.ts';
import { builtinGeo } from '../src/synth/cities.ts';
import { generate } from '../src/synth/generate.ts';
import type { ScenarioParams } from '../src/synth/params.ts';
import type { Workspace } from '../src/workspace.ts';

/**
 * Simulates a SYNTHETIC scenario into `dir`/synth and ingests all its days into `ws` (created here)
 * with a random key: the workspace the pipeline benches start from. Returns the records written
 * and the ingest's seconds.
 */
export async function simulatedWorkspace(
  ws: Workspace,
  params: ScenarioParams,
  dir: string,
): Promise<{ records: number; ingestS: number }> {
  const s = await generate(builtinGeo(), params, join(dir, 'synth'));
  ws.create({ synthetic: true, description: 'bench' });
  const t0 = performance.now();
  await ingest(ws, {
    inputs: s.recordFiles,
    cells: join(dir, 'synth', 'cells.csv'),
    key: randomBytes(32),
    from: params.start,
    to: lastDay(params),
  });
  return { records: s.records, ingestS: (performance.now() - t0) / 1000 };
}
