import type { ScenarioParams } from './params.ts';

/** The scenario's first instant as epoch seconds of its wall clock (China Standard Time, stored naive). */
export function startEpoch(params: ScenarioParams): number {
  return Date.parse(`${params.start}T00:00:00Z`) / 1000;
}

/**
 * Raw identifiers as an operator's feed carries them: IMSI-like numbers, here in
 * the ITU-T E.212 test network range (MCC 001, MNC 01 for the operator we see,
 * MNC 02 for the others), so no real subscriber can ever match one. Numeric ids
 * are also what lets the generator write ~3x faster than with strings.
 */
export const rawIdSql = (col: string): string => `(1010000000000 + ${col})::BIGINT`;

/** The same for people of the other operators (they appear only in the case list). */
export const otherIdSql = (col: string): string => `(1020000000000 + ${col})::BIGINT`;
