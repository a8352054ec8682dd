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

/**
 * Phone numbers (MSISDN) of the simulated people: 11 digits starting with 100.
 * Chinese mobile numbers start with 13-19 (MIIT numbering plan), and numbers
 * starting with 100 are operators' short service codes (10086, 10010, 10000),
 * never an 11-digit subscriber number, so none of these can be anyone's phone.
 * A bijection of the person on 0..10^8-1 (48271 is coprime to 10^8), so two
 * people never share one while there are fewer than 10^8 of them.
 */
export const phoneSql = (col: string): string =>
  `(10000000000 + ((${col}::BIGINT * 48271 + 12345) % 100000000))::BIGINT`;

/** The same in TypeScript (for tests and the truth). */
export function phoneOf(person: number): number {
  return 10_000_000_000 + ((person * 48271 + 12345) % 100_000_000);
}
