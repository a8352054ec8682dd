/**
 * Readers of the real data in ../shared/data/epi for backtests (never
 * committed; README "Backtest"), turned into the long CSV of the forecast
 * inputs and read by the same readers as a user's files:
 * - china-cases-2020/daily/YYYY-MM-DD.csv (github canghailan/Wuhan-2019-nCoV,
 *   MIT): cumulative confirmed and dead by province and city, with codes;
 * - li2020-375-cities (Li et al., Science 368, 489-493, 2020; github
 *   SenPei-CU/COVID-19, Apache-2.0): Incidence.csv, daily reported cases of 375
 *   cities from 10 January 2020 (its Date column is corrupt: row k is day k),
 *   and Mobility.csv, travellers between them on days 1..14 = 10..23 January.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { UserError } from '../errors.ts';
import { readCasesText } from './cases-file.ts';
import type { CasesFile } from './cases-file.ts';
import { addDays } from './csv-text.ts';
import { readMobilityText } from './mobility-file.ts';
import type { MobilityFile } from './mobility-file.ts';
import type { RegionLevel } from './region-names.ts';
import { LI_CODE_TO_OURS } from '../synth/travel-data.ts';

/** Default folder of the shared real data, relative to the working directory (a worktree's sibling). */
export const DEFAULT_DATA_DIR = '../shared/data/epi';

/** Day 1 of Li et al.'s tables (their paper: 10 January 2020). */
export const LI_DAY1 = '2020-01-10';

const rowsOf = (file: string): Record<string, string>[] =>
  parse(readFileSync(file, 'utf8'), { bom: true, columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];

/** Whether `dir` holds the shared epi data (tests skip visibly when not). */
export function hasSharedData(dir: string = DEFAULT_DATA_DIR): boolean {
  return existsSync(join(dir, 'china-cases-2020/daily')) && existsSync(join(dir, 'li2020-375-cities'));
}

function need(dir: string, sub: string): string {
  const p = join(dir, sub);
  if (!existsSync(p))
    throw new UserError(`no ${sub} in ${dir} (use --data DIR, the folder holding the shared epi data)`);
  return p;
}

/**
 * china-cases-2020 as a cases CSV text, cumulative, from `from` to `to` (inclusive): province rows at
 * province level, city rows with a code at city level (rows such as 外地来京 "from elsewhere" have none).
 */
export function chinaCasesCsv(dir: string, level: RegionLevel, from: string, to: string): string {
  const daily = need(dir, 'china-cases-2020/daily');
  const lines = ['date,region,confirmed,deaths'];
  for (const file of readdirSync(daily).sort()) {
    const date = file.slice(0, 10);
    if (date < from || date > to) continue;
    for (const r of rowsOf(join(daily, file))) {
      if (r.countryCode !== 'CN' || !r.provinceCode) continue;
      const code = level === 'province' ? (r.cityCode || r.city ? '' : r.provinceCode) : r.cityCode;
      if (code) lines.push(`${date},${code},${r.confirmed},${r.dead}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Reads china-cases-2020 at `level` over [from, to] through the cases reader. */
export function readChinaCases(dir: string, level: RegionLevel, from: string, to: string): CasesFile {
  return readCasesText(
    chinaCasesCsv(dir, level, from, to),
    { level, counts: 'cumulative' },
    'china-cases-2020',
  );
}

/**
 * Li et al.'s city names -> their 6-digit codes (city_coordinates.csv) and ours (mapped to our 2020 codes
 * as the travel model does, src/synth/travel-data.ts). Codes, not names, because a few of their names are
 * ambiguous here (Jilin and Hainan are also provinces; "Yulin (Shanxi)" is in Shaanxi).
 */
function liCodes(dir: string): Map<string, { li: string; ours: string }> {
  const rows = rowsOf(join(need(dir, 'li2020-375-cities'), 'city_coordinates.csv'));
  return new Map(rows.map((r) => [r.Name!, { li: r.Code!, ours: LI_CODE_TO_OURS[r.Code!] ?? r.Code! }]));
}

/**
 * Li's entries per our code, each of Li's codes (or code pairs) once: Li lists 659004 three times
 * (Wujiaqu, Beitun, Wujiaqushi) with identical figures; places merged into one of our cities (Chaohu into
 * Hefei, Laiwu into Jinan, Li's 9000xx entries) are summed.
 */
function liSum(
  codes: Map<string, { li: string; ours: string }>,
  entries: Iterable<[string[], number]>,
): Map<string, number> {
  const seen = new Set<string>();
  const out = new Map<string, number>();
  for (const [names, v] of entries) {
    const li = names.map((n) => codes.get(n)?.li ?? n).join('|');
    if (seen.has(li)) continue;
    seen.add(li);
    const key = names.map((n) => codes.get(n)?.ours ?? `"${n}"`).join(',');
    out.set(key, (out.get(key) ?? 0) + v);
  }
  return out;
}

/** Li et al.'s Incidence.csv as a daily cases CSV text (row k = day k from 10 January 2020). */
export function liIncidenceCsv(dir: string): string {
  const file = join(need(dir, 'li2020-375-cities'), 'Incidence.csv');
  const records = parse(readFileSync(file, 'utf8'), { bom: true, skip_empty_lines: true }) as string[][];
  const [head, ...rows] = records;
  const codes = liCodes(dir);
  const names = head!.slice(1);
  const lines = ['date,region,confirmed'];
  rows.forEach((r, k) => {
    const date = addDays(LI_DAY1, k);
    const sums = liSum(
      codes,
      names.map((name, j) => [[name], Number(r[j + 1])]),
    );
    for (const [code, v] of sums) lines.push(`${date},${code},${v}`);
  });
  return lines.join('\n') + '\n';
}

/** Li et al.'s Mobility.csv as a mobility CSV text (day 1 = 10 January 2020). */
export function liMobilityCsv(dir: string): string {
  const file = join(need(dir, 'li2020-375-cities'), 'Mobility.csv');
  const codes = liCodes(dir);
  const byDay = new Map<string, [string[], number][]>();
  for (const r of rowsOf(file)) {
    const date = addDays(LI_DAY1, Number(r.Day) - 1);
    const list = byDay.get(date) ?? [];
    byDay.set(date, list);
    list.push([[r.Origin!, r.Destination!], Number(r['Mobility Index'])]);
  }
  const lines = ['date,origin,destination,value'];
  for (const [date, list] of byDay)
    for (const [pair, v] of liSum(codes, list)) lines.push(`${date},${pair},${v}`);
  return lines.join('\n') + '\n';
}

/** Li et al.'s 375-city incidence and mobility at `level`, through the same readers as user files. */
export function readLi(dir: string, level: RegionLevel): { cases: CasesFile; mobility: MobilityFile } {
  const cases = readCasesText(liIncidenceCsv(dir), { level, counts: 'daily' }, 'Li et al. Incidence.csv');
  const mobility = readMobilityText(liMobilityCsv(dir), cases.data, { level }, 'Li et al. Mobility.csv');
  return { cases, mobility };
}
