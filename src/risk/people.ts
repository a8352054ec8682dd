import type { Duck } from '../db/duck.ts';
import { uidHex } from '../db/uid.ts';
import { UserError } from '../errors.ts';
import { DEFAULT_COMPANION_OPTIONS, requireLayout } from '../tracing/companions.ts';
import { REGISTRY_TABLES } from '../tracing/registry.ts';
import { sharedTime } from '../tracing/shared.ts';
import { WINDOW_DAYS } from '../tracing/window.ts';

/** Who counts as high-risk: companions of confirmed cases, suspected cases, confirmed cases. */
export type RiskKind = 'companion' | 'suspected' | 'confirmed';

export const RISK_KINDS: readonly RiskKind[] = ['companion', 'suspected', 'confirmed'];

/** The issue's high-risk people: "companions of confirmed cases, suspected cases". */
export const DEFAULT_RISK_SET: readonly RiskKind[] = ['companion', 'suspected'];

/** Parses a comma-separated set of kinds (e.g. 'companion,suspected'), naming a bad one. */
export function parseRiskSet(v: string): RiskKind[] {
  const parts = [...new Set(v.split(',').map((s) => s.trim()))].filter(Boolean);
  const bad = parts.find((p) => !RISK_KINDS.includes(p as RiskKind));
  if (bad !== undefined || parts.length === 0)
    throw new UserError(
      `the high-risk set is a comma-separated list of ${RISK_KINDS.join(', ')}; got '${bad ?? v}'`,
    );
  return RISK_KINDS.filter((k) => parts.includes(k));
}

const DAY_MS = 86_400_000;

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** What the build found: people per kind, and how many search batches the companions took. */
export interface PeopleSummary {
  companion: number;
  suspected: number;
  confirmed: number;
  batches: number;
}

/**
 * (Re)builds risk_people(user_id, kind, ref, since, known): every person of the registry's cases matched to a
 * subscriber (kind 'suspected' or 'confirmed', since = onset, else confirmation) and every companion of a
 * confirmed case by the tracer's definition (DEFAULT_COMPANION_OPTIONS: >= 60 min in total at the same cell,
 * within the 15 days ending with the confirmation day; kind 'companion', since = first contact, ref = the
 * case). `known` is the day the platform knew them: a case's confirmation (a suspect's onset, or null = from
 * the start), a companion's case's confirmation. Cases confirmed on the same day share a window, so each confirmation day is one sharedTime batch.
 * A person is stored once per kind and case; a case is never stored as its own companion. user_id is the
 * 32-hex text, like the case registry's (a few rows per case): readers that meet the pipeline's UUID tables
 * cast this side with uid() (risk-index.ts, heatmap.ts, cases.ts).
 */
export async function buildRiskPeople(db: Duck): Promise<PeopleSummary> {
  await db.run(REGISTRY_TABLES);
  await db.run(`CREATE OR REPLACE TABLE risk_people (user_id VARCHAR NOT NULL, kind VARCHAR NOT NULL,
    ref VARCHAR NOT NULL, since TIMESTAMP, known DATE)`);
  await db.run(`INSERT INTO risk_people
    SELECT ${uidHex('user_id')}, status, ref, coalesce(onset, confirmed)::TIMESTAMP, coalesce(confirmed, onset) FROM trace_cases
    WHERE user_id IS NOT NULL`);
  const confirmed = await db.all<{ day: string; refs: string[]; users: string[] }>(
    `SELECT strftime(confirmed, '%Y-%m-%d') AS day, list(ref ORDER BY ref) AS refs, list(${uidHex('user_id')} ORDER BY ref) AS users
     FROM trace_cases WHERE status = 'confirmed' AND user_id IS NOT NULL AND confirmed IS NOT NULL
     GROUP BY ALL ORDER BY day`,
  );
  if (confirmed.length > 0) await requireLayout(db);
  const o = DEFAULT_COMPANION_OPTIONS;
  for (const b of confirmed) {
    const window = {
      from: `${addDays(b.day, 1 - WINDOW_DAYS)} 00:00:00`,
      to: `${addDays(b.day, 1)} 00:00:00`,
    };
    const { pairs } = await sharedTime(db, {
      seeds: [...new Set(b.users)],
      window,
      minSeconds: o.minMinutes * 60,
      toleranceMeters: o.toleranceMeters,
      extend: o.extendStays === true,
    });
    if (pairs.length === 0) continue;
    // Two cases of one person share a seed: each of its refs gets the companions.
    const refsOf = new Map<string, string[]>();
    b.users.forEach((u, i) => refsOf.set(u, [...(refsOf.get(u) ?? []), b.refs[i]!]));
    const rows = pairs.flatMap((p) =>
      refsOf.get(p.seed)!.map((ref) => [p.userId, ref, p.first, b.day] as const),
    );
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      await db.run(
        `INSERT INTO risk_people VALUES ${chunk.map((_, j) => `($${4 * j + 1}, 'companion', $${4 * j + 2}, $${4 * j + 3}::TIMESTAMP, $${4 * j + 4}::DATE)`).join(', ')}`,
        chunk.flat(),
      );
    }
  }
  const n = await db.all<{ kind: RiskKind; n: number }>(
    `SELECT kind, count(DISTINCT user_id)::INTEGER AS n FROM risk_people GROUP BY kind`,
  );
  const get = (k: RiskKind): number => n.find((r) => r.kind === k)?.n ?? 0;
  return {
    companion: get('companion'),
    suspected: get('suspected'),
    confirmed: get('confirmed'),
    batches: confirmed.length,
  };
}
