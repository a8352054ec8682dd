import { tracingFixture } from '../testing/tracing-fixture.ts';
import { buildRisk } from './build.ts';
import type { Workspace } from '../workspace.ts';

/**
 * Disclosure threshold for the risk-sources tests: 30 000 simulated people send few enough travellers to each
 * destination that the default k = 15 leaves 2 destinations with a published outflow, k = 5 about 7; k = 3
 * leaves about 10 with cases, enough for the fit to single out a local outbreak (the method is the same for
 * any k).
 */
export const RISK_SOURCES_K = 3;

/** A synthetic local outbreak added to the registry: confirmed cases in 黄石市 beyond what its inflow explains. */
export const OUTBREAK = { city: '420200', county: '420202', cases: 40 };

/**
 * A workspace sized like the demo (30 000 people, 14 days from 2020-01-14, the case list imported): enough
 * confirmed cases outside Wuhan for a fit, plus the `OUTBREAK`; with `riskTables`, the risk tables too. About two minutes to build.
 */
export async function riskSourcesFixture(
  prefix: string,
  opts: { riskTables?: boolean } = {},
): Promise<{ ws: Workspace; from: string; to: string }> {
  const f = await tracingFixture(prefix, { people: 30_000, start: '2020-01-14', days: 14 });
  const s = f.ws.info().scenario!;
  const db = await f.ws.openDuck();
  try {
    // Registry rows as a health authority would list cases matched to no subscriber (no user): synthetic refs.
    for (let i = 1; i <= OUTBREAK.cases; i++)
      await db.run(
        `INSERT INTO trace_cases VALUES ($1, 'confirmed', '2020-01-19'::DATE, '2020-01-24'::DATE, NULL, 'phone', $2, $3)`,
        [`SYNTHETIC-OUTBREAK-${String(i).padStart(3, '0')}`, OUTBREAK.county, OUTBREAK.city],
      );
  } finally {
    db.close();
  }
  if (opts.riskTables) {
    // risk-core's tables (heatmap, levels, index, alerts), built as the demo builds them.
    const db = await f.ws.openDuck();
    try {
      await buildRisk(db);
    } finally {
      db.close();
    }
  }
  return { ws: f.ws, from: s.from, to: s.to };
}
