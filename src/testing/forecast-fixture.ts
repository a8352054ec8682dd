import { ENGINE } from '../cli/commands/forecast-build.ts';
import { buildForecast, outflowCutScenarios } from '../epi/workspace-build.ts';
import type { ForecastBuildSummary } from '../epi/workspace-build.ts';
import { buildRisk } from '../risk/build.ts';
import type { Workspace } from '../workspace.ts';
import { tracingFixture } from './tracing-fixture.ts';

/**
 * A workspace sized like the demo (30 000 simulated people, 14 days from 2020-01-14, case list imported, risk
 * tables built) with a stored forecast run of `members` members (baseline and the demo's two outflow cuts).
 * Populations are the simulated people per city, as in the demo. About 80 s.
 */
export async function forecastFixture(
  prefix: string,
  members = 20,
): Promise<{ ws: Workspace; synthDir: string; build: ForecastBuildSummary }> {
  const f = await tracingFixture(prefix, { people: 30_000, start: '2020-01-14', days: 14 });
  const db = await f.ws.openDuck();
  try {
    await buildRisk(db);
    const build = await buildForecast(
      db,
      { root: f.ws.root, info: f.ws.info(), synthDir: f.synthDir },
      { horizon: 30, members, seed: 7, scenarios: outflowCutScenarios },
      ENGINE,
    );
    return { ws: f.ws, synthDir: f.synthDir, build };
  } finally {
    db.close();
  }
}
