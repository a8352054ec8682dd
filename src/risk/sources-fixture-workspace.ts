import { tracingFixture } from '../testing/tracing-fixture.ts';
import type { Workspace } from '../workspace.ts';

/**
 * Disclosure threshold for the risk-sources tests: 30 000 simulated people send few enough travellers to each
 * destination that the default k = 15 suppresses all but a handful of destination-days; k = 5 leaves enough
 * published destinations for a fit (the method is the same for any k).
 */
export const RISK_SOURCES_K = 5;

/**
 * A workspace sized like the demo (30 000 people, 14 days from 2020-01-14, the case list imported): enough
 * confirmed cases outside Wuhan for a fit. About two minutes to build.
 */
export async function riskSourcesFixture(
  prefix: string,
): Promise<{ ws: Workspace; from: string; to: string }> {
  const f = await tracingFixture(prefix, { people: 30_000, start: '2020-01-14', days: 14 });
  const s = f.ws.info().scenario!;
  return { ws: f.ws, from: s.from, to: s.to };
}
