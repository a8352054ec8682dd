import type { Duck } from '../db/duck.ts';
import { uid } from '../db/uid.ts';
import { loadDivisions } from '../geo/divisions.ts';
import { CELL_KEY_MODULUS, protect, recordKeySql, sumPublished } from '../privacy/disclosure.ts';
import type { Protected, Published } from '../privacy/disclosure.ts';
import { hasTable } from './areas.ts';
import { RISK_KINDS } from './people.ts';
import type { RiskKind } from './people.ts';

/**
 * High-risk people (risk_people: confirmed and suspected cases matched to a subscriber, companions of confirmed
 * cases) known to the platform by `day`, per resident county and kind: one fixed cell per (county, kind), with
 * the distinct people and the cell key of their record keys. A person is counted in the county of their
 * residence (residents: most night-time hours) in the latest month up to `day`; people with no residence
 * are in no cell. $1 the day.
 */
const PEOPLE_CELLS_SQL = `
WITH p AS (SELECT DISTINCT user_id, kind FROM risk_people WHERE known IS NULL OR known <= $1::DATE),
r AS (SELECT ${uid('user_id')} AS uuid, arg_max(county_code, month) AS county FROM residents
  WHERE month <= strftime($1::DATE, '%Y-%m') GROUP BY ALL)
SELECT r.county, p.kind, count(*)::INTEGER AS n,
  (sum(${recordKeySql('p.user_id')}) % ${CELL_KEY_MODULUS})::INTEGER AS ckey
FROM p JOIN r ON r.uuid = ${uid('p.user_id')} GROUP BY ALL`;

/** One county's high-risk people per kind, as published cells. */
export interface PeopleCounty {
  code: string;
  cells: Record<RiskKind, Protected>;
}

/** A city's high-risk people per kind: every figure a sum of published county cells. */
export interface PeopleCells {
  city: string;
  day: string;
  k: number;
  /** False when the workspace has no risk tables (run 'epitrace risk build'). */
  built: boolean;
  total: Record<RiskKind, Published>;
  counties: PeopleCounty[];
}

/**
 * The high-risk people resident in `city` by `day`, per kind: each (county, kind) cell protected once
 * (src/privacy/disclosure.ts: suppressed below k, cell-key noise), the city's figure per kind the sum of its
 * published county cells (so the city figure beside the county figures reveals nothing suppressed). Every
 * county of the city is listed, a county with no one is a suppressed cell like one with a few.
 */
export async function peopleCells(
  db: Duck,
  q: { city: string; day: string; k: number },
): Promise<PeopleCells> {
  const div = loadDivisions();
  const counties = div
    .list('county')
    .filter((c) => {
      try {
        return div.parentAt(c.code, 'city').code === q.city;
      } catch {
        return false;
      }
    })
    .map((c) => c.code)
    .sort();
  const built = (await hasTable(db, 'risk_people')) && (await hasTable(db, 'residents'));
  const rows = built
    ? await db.all<{ county: string; kind: RiskKind; n: number; ckey: number }>(PEOPLE_CELLS_SQL, [q.day])
    : [];
  const by = new Map(rows.map((r) => [`${r.county}|${r.kind}`, r]));
  const out: PeopleCounty[] = counties.map((code) => ({
    code,
    cells: Object.fromEntries(
      RISK_KINDS.map((kind) => {
        const r = by.get(`${code}|${kind}`);
        return [kind, protect(r?.n ?? 0, q.k, r?.ckey ?? 0)];
      }),
    ) as Record<RiskKind, Protected>,
  }));
  const total = Object.fromEntries(
    RISK_KINDS.map((kind) => [kind, sumPublished(out.map((c) => c.cells[kind]))]),
  ) as Record<RiskKind, Published>;
  return { city: q.city, day: q.day, k: q.k, built, total, counties: out };
}
