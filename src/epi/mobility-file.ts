/**
 * The mobility CSV of `epitrace forecast --mobility` (README "Forecast input
 * and output formats"): date, origin, destination, value (travellers that
 * day), onto the regions of an EpiData at the same level. Rows naming a
 * region outside the data, bad dates or values are quarantined; trips that
 * stay inside one modelled region (a city's districts, or two cities of one
 * province at province level) are accepted and dropped, and counted.
 */
import { UserError } from '../errors.ts';
import type { Divisions } from '../geo/divisions.ts';
import { columns, count, daysBetween, decodeText, parseTable, readBytes, rowDate } from './csv-text.ts';
import type { Quarantined } from './csv-text.ts';
import type { DailyFlows } from './model.ts';
import { regionResolver } from './region-names.ts';
import type { RegionLevel } from './region-names.ts';
import type { EpiData } from './types.ts';

export interface MobilityOptions {
  level: RegionLevel;
  divisions?: Divisions;
}

/** The result of reading a mobility file. */
export interface MobilityFile {
  /** flows[d] for day d of the data (day 0 = data.start), up to the last mobility date. */
  flows: DailyFlows[];
  /** Data days before the first mobility date, given the first date's flows. */
  daysBeforeFirst: number;
  /** Days inside the range without rows, given the day before's flows. */
  daysCarried: number;
  rows: number;
  accepted: number;
  /** Accepted rows whose trip stays within one region. */
  internal: number;
  quarantined: Quarantined[];
  encoding: string;
}

/** Builds one day's sparse lists from a map "o|d" -> people. */
function toDaily(pairs: Map<number, number>, n: number): DailyFlows {
  const keys = [...pairs.keys()].sort((a, b) => a - b);
  return {
    origin: Int32Array.from(keys, (k) => Math.floor(k / n)),
    dest: Int32Array.from(keys, (k) => k % n),
    people: Float64Array.from(keys, (k) => pairs.get(k)!),
  };
}

/** Reads mobility from CSV text onto `data`'s regions (see the module comment). */
export function readMobilityText(
  text: string,
  data: Pick<EpiData, 'regions' | 'start' | 'days'>,
  options: MobilityOptions,
  what = 'mobility file',
): MobilityFile {
  const table = parseTable(text, what);
  const col = columns(table.header, ['date', 'origin', 'destination', 'value'] as const, [] as const, what);
  const resolve = regionResolver(options.level, options.divisions);
  const n = data.regions.length;
  const index = new Map(data.regions.map((r, i) => [r.code, i]));
  const quarantined: Quarantined[] = [];
  const byDay = new Map<number, Map<number, number>>();
  const seen = new Map<string, number>();
  let accepted = 0;
  let internal = 0;
  for (const { line, cells } of table.rows) {
    const q = (reason: string) => void quarantined.push({ line, reason });
    const date = rowDate(table, cells, col.date, q);
    if (!date) continue;
    const ends: number[] = [];
    const named: string[] = [];
    for (const c of [col.origin, col.destination]) {
      const r = resolve(cells[c]!);
      if ('error' in r) {
        q(r.error);
        break;
      }
      const i = index.get(r.region.code);
      if (i === undefined) {
        q(`region ${r.region.code} ${r.region.name} is not in the cases data`);
        break;
      }
      ends.push(i);
      named.push(r.named.code);
    }
    if (ends.length < 2) continue;
    const value = count(cells[col.value]!);
    if (value === null) {
      q(`value '${cells[col.value]}' is not a count`);
      continue;
    }
    const key = `${date}|${named[0]}|${named[1]}`;
    const first = seen.get(key);
    if (first !== undefined) {
      q(`duplicate of line ${first}`);
      continue;
    }
    seen.set(key, line);
    accepted++;
    if (ends[0] === ends[1]) {
      internal++;
      continue;
    }
    const d = daysBetween(data.start, date);
    const day = byDay.get(d) ?? new Map<number, number>();
    byDay.set(d, day);
    const k = ends[0]! * n + ends[1]!;
    day.set(k, (day.get(k) ?? 0) + value);
  }
  if (!byDay.size) {
    const first = quarantined.slice(0, 3).map((x) => `line ${x.line}: ${x.reason}`);
    throw new UserError(
      `${what} has no usable flows between the cases' regions (${table.rows.length} row(s); ${first.join('; ') || `${internal} inside one region`})`,
    );
  }
  const dayList = [...byDay.keys()].sort((a, b) => a - b);
  const firstDay = dayList[0]!;
  const lastDay = dayList.at(-1)!;
  const flows: DailyFlows[] = [];
  let carried = 0;
  // Days before the first mobility date take its flows; gaps take the day before's (a day without rows is
  // more likely missing than a day nobody travelled).
  for (let d = Math.min(0, firstDay); d <= lastDay; d++) {
    const day = byDay.get(Math.max(d, firstDay));
    if (day) flows.push(toDaily(day, n));
    else {
      flows.push(flows.at(-1)!);
      carried++;
    }
  }
  // Dates before the data's day 0 are of no use to the model: drop them.
  const offset = Math.max(0, -firstDay);
  return {
    flows: flows.slice(offset),
    daysBeforeFirst: Math.max(0, firstDay),
    daysCarried: carried,
    rows: table.rows.length,
    accepted,
    internal,
    quarantined,
    encoding: 'utf-8',
  };
}

/** Reads a mobility file (UTF-8 with or without BOM, or GBK/GB18030) onto `data`'s regions. */
export function readMobilityFile(
  path: string,
  data: Pick<EpiData, 'regions' | 'start' | 'days'>,
  options: MobilityOptions,
): MobilityFile {
  const { text, encoding } = decodeText(readBytes(path, 'mobility'));
  return { ...readMobilityText(text, data, options, `mobility file ${path}`), encoding };
}
