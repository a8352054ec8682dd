import { HttpError } from '../errors.ts';
import { loadDivisions } from '../geo/divisions.ts';
import type { Division, Level } from '../geo/divisions.ts';

const RANK: Record<Level, number> = { province: 0, city: 1, county: 2 };

function division(code: string): Division | null {
  try {
    return loadDivisions().byCode(code);
  } catch {
    return null;
  }
}

/**
 * Checks and normalises a region scope: '*' or a comma list of 6-digit
 * province, city or county codes; 400 naming `regions` otherwise.
 */
export function normaliseRegions(regions: string): string {
  const s = regions.trim();
  if (s === '*') return s;
  const codes = s.split(',').map((c) => c.trim());
  for (const c of codes) {
    if (!/^\d{6}$/.test(c) || !division(c))
      throw new HttpError(
        400,
        `regions: '${c}' is not a division code (use '*' or codes like 420100)`,
        'regions',
      );
  }
  if (!codes.length) throw new HttpError(400, "regions: empty (use '*' for all)", 'regions');
  return [...new Set(codes)].join(',');
}

/** True when `code` lies within one of the scope's divisions: a province covers its cities and counties, a city its counties. */
export function inScope(regions: string, code: string): boolean {
  if (regions.trim() === '*') return true;
  const d = division(code);
  if (!d) return false;
  const div = loadDivisions();
  return regions.split(',').some((s) => {
    const scope = division(s.trim());
    if (!scope || RANK[scope.level] > RANK[d.level]) return false;
    try {
      return div.parentAt(d.code, scope.level).code === scope.code;
    } catch {
      return false;
    }
  });
}

/** The one check every data route calls: 403 naming the field when `code` is outside the account's regions. */
export function requireInScope(account: { regions: string }, code: string, field: string): void {
  if (!inScope(account.regions, code))
    throw new HttpError(403, `${field}: ${code} is outside the regions of this account`, field);
}

/** An account sees a forecast region within its scope; an aggregate of several provinces (CN, CN-X...) needs all regions. */
export function visibleRegion(account: { regions: string }, code: string): boolean {
  return /^\d{6}$/.test(code) ? inScope(account.regions, code) : account.regions.trim() === '*';
}
