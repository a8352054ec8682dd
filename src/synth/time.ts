import type { ScenarioParams } from './params.ts';

/** The scenario's first instant as epoch seconds of its wall clock (China Standard Time, stored naive). */
export function startEpoch(params: ScenarioParams): number {
  return Date.parse(`${params.start}T00:00:00Z`) / 1000;
}

/** Raw identifiers as an operator's feed would carry them: obviously synthetic, never phone-number-like. */
export const rawIdSql = (col: string): string => `printf('sub-%08d', ${col})`;
