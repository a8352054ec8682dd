/**
 * Area risk levels by the 2020 national rule (State Council joint prevention and control mechanism,
 * 国务院联防联控机制, "分区分级精准防控", February 2020):
 *   high   = more than 50 cumulative cases and a cluster within 14 days;
 *   medium = new cases within 14 days and at most 50 cumulative, or more than 50 cumulative without a
 *            cluster within 14 days;
 *   low    = no case, or no new case for 14 consecutive days.
 * Pure functions over located cases and their links (src/risk/cases.ts builds both).
 */

/** The rule's figures: "more than 50 cumulative", "within 14 days". */
export const LEVEL_RULE = { cumulativeOver: 50, days: 14 } as const;

export type RiskLevel = 'high' | 'medium' | 'low';

/** A confirmed case with where it is counted (its residence) at each level; null where unknown. */
export interface LocatedCase {
  ref: string;
  /** Confirmation day YYYY-MM-DD. */
  confirmed: string;
  county: string | null;
  street: string | null;
  community: string | null;
}

/** One area's figures on one day and its level. */
export interface AreaLevelRow {
  code: string;
  /** Cases confirmed up to and including the day. */
  cumulative: number;
  /** Cases confirmed in the 14 days ending with the day (the day and the 13 before it). */
  new14: number;
  /** Two or more of those new cases linked to each other (see `hasCluster`). */
  cluster: boolean;
  risk: RiskLevel;
}

const DAY_MS = 86_400_000;

/** The day n days after `day` (YYYY-MM-DD). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The level: low when no case was confirmed in the 14 days ending with the day ("no new case for 14
 * consecutive days", which also covers "no case"); else high with more than 50 cumulative and a cluster;
 * else medium.
 */
export function riskLevel(a: { cumulative: number; new14: number; cluster: boolean }): RiskLevel {
  if (a.new14 === 0) return 'low';
  return a.cumulative > LEVEL_RULE.cumulativeOver && a.cluster ? 'high' : 'medium';
}

/** Pair key of two case refs, order-free. */
export function linkKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

/**
 * A cluster within 14 days: two or more cases of the area, each confirmed in the 14 days ending with the
 * day (so within 14 days of each other), linked by the platform's own links (companionship or a shared
 * cell-hour, src/risk/cases.ts). `links` holds linkKey pairs.
 */
export function hasCluster(recent: LocatedCase[], links: Set<string>): boolean {
  for (let i = 0; i < recent.length; i++)
    for (let j = i + 1; j < recent.length; j++)
      if (links.has(linkKey(recent[i]!.ref, recent[j]!.ref))) return true;
  return false;
}

/** The rows of every area with at least one case by the day, at one level. */
export function areaLevels(
  cases: LocatedCase[],
  links: Set<string>,
  level: 'county' | 'street' | 'community',
  day: string,
): AreaLevelRow[] {
  const since = addDays(day, 1 - LEVEL_RULE.days);
  const byArea = new Map<string, LocatedCase[]>();
  for (const c of cases) {
    const code = c[level];
    if (!code || c.confirmed > day) continue;
    byArea.set(code, [...(byArea.get(code) ?? []), c]);
  }
  return [...byArea.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([code, list]) => {
      const recent = list.filter((c) => c.confirmed >= since);
      const row = { code, cumulative: list.length, new14: recent.length, cluster: hasCluster(recent, links) };
      return { ...row, risk: riskLevel(row) };
    });
}
