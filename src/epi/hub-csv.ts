/**
 * Forecast-Hub-style CSV (README "Forecast input and output formats"), one
 * row per scenario, target date, region, quantity and quantile, after the US
 * COVID-19 Forecast Hub's long format (forecast_date, target_end_date,
 * location, type, quantile, value) with the names EpiTrace uses:
 *   origin_date,target_date,horizon,scenario,region,region_name,quantity,quantile,value
 * quantile is empty for the point forecast (the median); value is a daily count.
 */
import { parse } from 'csv-parse/sync';
import { UserError } from '../errors.ts';
import type { ForecastRow, Quantity } from './types.ts';
import { QUANTITIES } from './types.ts';

export const HUB_COLUMNS = [
  'origin_date',
  'target_date',
  'horizon',
  'scenario',
  'region',
  'region_name',
  'quantity',
  'quantile',
  'value',
] as const;

function field(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as Forecast-Hub-style CSV text (header first); `names` gives region_name per region code. */
export function hubCsv(rows: readonly ForecastRow[], names: ReadonlyMap<string, string>): string {
  const lines = [HUB_COLUMNS.join(',')];
  for (const r of rows)
    lines.push(
      [
        r.origin,
        r.target,
        r.horizon,
        r.scenario,
        r.region,
        names.get(r.region) ?? '',
        r.quantity,
        r.quantile === null ? '' : r.quantile,
        // Counts to 4 decimals: finer digits are noise of the ensemble, and the file stays readable.
        Number(r.value.toFixed(4)),
      ]
        .map(field)
        .join(','),
    );
  return lines.join('\n') + '\n';
}

/** Reads Forecast-Hub-style CSV text back into rows (and region names); a malformed file is a UserError. */
export function readHubCsv(text: string): { rows: ForecastRow[]; names: Map<string, string> } {
  const records = parse(text, { bom: true, columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
  const names = new Map<string, string>();
  const rows = records.map((r, i) => {
    const missing = HUB_COLUMNS.filter((c) => r[c] === undefined);
    if (missing.length) throw new UserError(`forecast CSV row ${i + 2} lacks ${missing.join(', ')}`);
    if (!QUANTITIES.includes(r.quantity as Quantity))
      throw new UserError(`forecast CSV row ${i + 2}: unknown quantity '${r.quantity}'`);
    if (r.region_name) names.set(r.region!, r.region_name);
    return {
      scenario: r.scenario!,
      origin: r.origin_date!,
      target: r.target_date!,
      horizon: Number(r.horizon),
      region: r.region!,
      quantity: r.quantity as Quantity,
      quantile: r.quantile === '' ? null : Number(r.quantile),
      value: Number(r.value),
    };
  });
  return { rows, names };
}
