/**
 * The platform's own risk-sources inputs: the published (disclosure-controlled) outflow from the epicentre per
 * destination city (src/pipeline/flows.ts) and the confirmed cases per city from the case registry
 * (src/tracing/registry.ts, table trace_cases).
 */
import type { Duck } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import { cityOfCase, loadDivisions } from '../geo/divisions.ts';
import { outflow } from '../pipeline/flows.ts';
import type { Naming } from '../pipeline/flows.ts';
import { fitSources } from './sources.ts';
import type { SourcesExcluded, SourcesInput, SourcesModel, SourcesResult } from './sources.ts';

export interface PlatformSourcesQuery {
  /** The epicentre: a city code. */
  origin: string;
  /** Outflow window: inclusive arrival dates YYYY-MM-DD. */
  from: string;
  to: string;
  /** Cases confirmed on or before this day count (cumulative); every confirmed case of the registry if absent. */
  casesTo?: string;
  k: number;
}

export interface PlatformSources {
  inputs: SourcesInput[];
  /** Destinations left out before the fit: outflow suppressed below k. */
  excluded: SourcesExcluded[];
  /** Confirmed cases counted in the epicentre itself (not a destination) and cases with no city. */
  epicentreCases: number;
  unplacedCases: number;
}

/** Confirmed cases per city: the case's city, else the city of its county; cases with neither are unplaced. */
export async function casesByCity(
  db: Duck,
  casesTo: string | undefined,
): Promise<{ byCity: Map<string, number>; unplaced: number }> {
  const t = await db.one<{ n: number }>(
    `SELECT count(*)::INTEGER AS n FROM information_schema.tables WHERE table_name = 'trace_cases'`,
  );
  if (!t?.n)
    throw new UserError(
      "the workspace has no case registry: import the health authority's cases with 'epitrace cases import FILE'",
    );
  // A case without a confirmation date counts only when no cut-off is asked for: its day is unknown.
  const rows = await db.all<{ city: string | null; county: string | null; n: number }>(
    `SELECT city, county, count(*)::INTEGER AS n FROM trace_cases
     WHERE status = 'confirmed' AND ($1::DATE IS NULL OR confirmed <= $1::DATE)
     GROUP BY city, county`,
    [casesTo ?? null],
  );
  const div = loadDivisions();
  const byCity = new Map<string, number>();
  let unplaced = 0;
  for (const r of rows) {
    const city = cityOfCase(div, r.city, r.county);
    if (city) byCity.set(city, (byCity.get(city) ?? 0) + r.n);
    else unplaced += r.n;
  }
  return { byCity, unplaced };
}

/**
 * Destinations of the epicentre's published outflow plus the cities with cases but no recorded outflow (outflow
 * 0), each with its confirmed cases; the epicentre itself is never a destination. Cities with neither outflow
 * nor cases are not points: hundreds of (0, 0) would swamp the linear fit, and log-log cannot take them.
 */
export async function platformSources(
  db: Duck,
  q: PlatformSourcesQuery,
  naming: Naming,
): Promise<PlatformSources> {
  const flows = await outflow(db, { origin: q.origin, from: q.from, to: q.to, k: q.k }, naming);
  const { byCity, unplaced } = await casesByCity(db, q.casesTo);
  const inputs: SourcesInput[] = [];
  const excluded: SourcesExcluded[] = [];
  const seen = new Set<string>([q.origin]);
  for (const d of flows.destinations) {
    if (seen.has(d.code)) continue;
    seen.add(d.code);
    const p = { code: d.code, name: d.name, cases: byCity.get(d.code) ?? 0 };
    if (d.count === null)
      excluded.push({
        ...p,
        outflow: null,
        why: 'suppressed',
        reason: `outflow below k = ${q.k} (suppressed)`,
      });
    else inputs.push({ ...p, outflow: d.count });
  }
  for (const [code, cases] of [...byCity].sort(([a], [b]) => a.localeCompare(b))) {
    if (seen.has(code)) continue;
    seen.add(code);
    inputs.push({ code, name: naming.name(code), outflow: 0, cases });
  }
  return { inputs, excluded, epicentreCases: byCity.get(q.origin) ?? 0, unplacedCases: unplaced };
}

/** The platform's fit: inputs from the workspace, then `fitSources`; pre-fit exclusions listed with the model's. */
export async function platformFit(
  db: Duck,
  q: PlatformSourcesQuery,
  model: SourcesModel,
  naming: Naming,
): Promise<SourcesResult & { epicentreCases: number; unplacedCases: number }> {
  const p = await platformSources(db, q, naming);
  let r: SourcesResult;
  try {
    r = fitSources(p.inputs, model);
  } catch (e) {
    // Say where the destinations went: usually the disclosure threshold on a small workspace.
    if (e instanceof UserError && p.excluded.length)
      throw new UserError(
        `${e.message} (${p.excluded.length} destinations have their outflow below k = ${q.k} over ${q.from}..${q.to})`,
      );
    throw e;
  }
  return {
    ...r,
    excluded: [...p.excluded, ...r.excluded],
    epicentreCases: p.epicentreCases,
    unplacedCases: p.unplacedCases,
  };
}
