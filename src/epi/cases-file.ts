/**
 * The cases CSV of `epitrace forecast --cases` (README "Forecast input and
 * output formats"): one row per date and region, columns date, region,
 * confirmed and optionally deaths, counts cumulative or daily. Bad rows are
 * quarantined with a reason; rows in = accepted + quarantined.
 */
import { UserError } from '../errors.ts';
import type { Divisions } from '../geo/divisions.ts';
import type { Level } from '../geo/divisions.ts';
import {
  addDays,
  columns,
  count,
  daysBetween,
  decodeText,
  rowDate,
  parseTable,
  readBytes,
} from './csv-text.ts';
import type { Quarantined } from './csv-text.ts';
import { regionResolver } from './region-names.ts';
import type { RegionLevel } from './region-names.ts';
import type { Division } from '../geo/divisions.ts';
import type { EpiData } from './types.ts';

/** How the counts in a file accumulate. */
export type CountKind = 'cumulative' | 'daily';

export interface CasesOptions {
  level: RegionLevel;
  /** 'auto' (default): cumulative when no region's confirmed ever falls, else daily. */
  counts?: CountKind | 'auto';
  divisions?: Divisions;
}

/** The result of reading a cases file. */
export interface CasesFile {
  data: EpiData;
  counts: CountKind;
  /** How the count kind was chosen, for the summary line. */
  countsBecause: string;
  encoding: string;
  rows: number;
  accepted: number;
  quarantined: Quarantined[];
  /** Days a cumulative series skipped, filled by linear interpolation. */
  interpolatedDays: number;
  /** Downward revisions of a cumulative series kept (that day's daily count unknown). */
  revisions: number;
}

interface Row {
  line: number;
  date: string;
  source: string;
  sourceLevel: Level;
  target: Division;
  confirmed: number;
  deaths: number;
}

const fieldNote = (what: string, v: string): string =>
  /^-/.test(v) && Number.isFinite(Number(v)) ? `negative ${what} '${v}'` : `${what} '${v}' is not a count`;

/** Checks each row on its own: fields, date, region, counts. */
function checkRows(text: string, o: CasesOptions, what: string) {
  const table = parseTable(text, what);
  const col = columns(table.header, ['date', 'region', 'confirmed'] as const, ['deaths'] as const, what);
  const resolve = regionResolver(o.level, o.divisions);
  const quarantined: Quarantined[] = [];
  const rows: Row[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of table.rows) {
    const q = (reason: string) => void quarantined.push({ line, reason });
    const date = rowDate(table, cells, col.date, q);
    if (!date) continue;
    const r = resolve(cells[col.region]!);
    if ('error' in r) {
      q(r.error);
      continue;
    }
    const confirmed = count(cells[col.confirmed]!);
    if (confirmed === null) {
      q(fieldNote('confirmed', cells[col.confirmed]!));
      continue;
    }
    const rawDeaths = col.deaths === undefined ? '' : cells[col.deaths]!;
    const deaths = rawDeaths === '' ? NaN : count(rawDeaths);
    if (deaths === null) {
      q(fieldNote('deaths', rawDeaths));
      continue;
    }
    const key = `${date}|${r.named.code}`;
    const first = seen.get(key);
    if (first !== undefined) {
      q(`duplicate of line ${first}`);
      continue;
    }
    seen.set(key, line);
    rows.push({ line, date, source: r.named.code, sourceLevel: r.from, target: r.region, confirmed, deaths });
  }
  return { rows, quarantined, total: table.rows.length };
}

/**
 * A region named both itself and through its parts (a province total and its cities) would count twice:
 * its own rows are kept and the parts' quarantined.
 */
function dropDoubleCounts(rows: Row[], quarantined: Quarantined[]): Row[] {
  const whole = new Set(rows.filter((r) => r.sourceLevel === r.target.level).map((r) => r.target.code));
  return rows.filter((r) => {
    if (r.sourceLevel === r.target.level || !whole.has(r.target.code)) return true;
    quarantined.push({
      line: r.line,
      reason: `region ${r.target.code} ${r.target.name} has its own rows; this part would count twice`,
    });
    return false;
  });
}

/** Per source series, sorted by date. */
function bySource(rows: readonly Row[]): Map<string, Row[]> {
  const m = new Map<string, Row[]>();
  for (const r of rows) {
    const list = m.get(r.source);
    if (list) list.push(r);
    else m.set(r.source, [r]);
  }
  for (const list of m.values()) list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return m;
}

/**
 * Cumulative series -> daily, per source, onto days 0..days-1 from `start`:
 * a value below the one before is a dip (quarantined) when the next value is back up, else a revision
 * (kept; that day's daily count unknown). Skipped days are filled by linear interpolation. Before a
 * source's first row its count is 0, except when that row is on the file's first day (unknown before).
 */
function cumulativeToDaily(
  series: Row[],
  start: string,
  days: number,
  pick: (r: Row) => number,
  quarantined: Quarantined[] | null,
  tally: { interpolated: number; revisions: number },
): { kept: Row[]; daily: Float64Array } {
  const kept: Row[] = [];
  for (let k = 0; k < series.length; k++) {
    const r = series[k]!;
    const prev = kept.at(-1);
    const next = series[k + 1];
    if (prev && pick(r) < pick(prev) && next && pick(next) >= pick(prev) && quarantined) {
      quarantined.push({
        line: r.line,
        reason: `cumulative confirmed falls from ${pick(prev)} on ${prev.date} to ${pick(r)} and back`,
      });
      continue;
    }
    kept.push(r);
  }
  const daily = new Float64Array(days).fill(NaN);
  let prevDay = -1;
  let prevValue = 0;
  for (const r of kept) {
    const d = daysBetween(start, r.date);
    const v = pick(r);
    if (Number.isNaN(v)) continue;
    if (prevDay < 0) {
      // The file's first day: what came before is unknown. Later first rows: nothing before (0).
      if (d > 0) for (let x = 0; x <= d; x++) daily[x] = x === d ? v : 0;
    } else if (v < prevValue) {
      if (quarantined) tally.revisions++;
      for (let x = prevDay + 1; x <= d; x++) daily[x] = NaN;
    } else {
      const gap = d - prevDay;
      for (let x = prevDay + 1; x <= d; x++) daily[x] = (v - prevValue) / gap;
      if (quarantined) tally.interpolated += gap - 1;
    }
    prevDay = d;
    prevValue = v;
  }
  return { kept, daily };
}

/** Daily series per source: missing days are unobserved (NaN). */
function dailySeries(series: Row[], start: string, days: number, pick: (r: Row) => number): Float64Array {
  const daily = new Float64Array(days).fill(NaN);
  for (const r of series) daily[daysBetween(start, r.date)] = pick(r);
  return daily;
}

/** Decides cumulative vs daily when asked to: cumulative when no source's confirmed ever falls. */
function detectKind(sources: Map<string, Row[]>): { kind: CountKind; because: string } {
  let falls = 0;
  for (const s of sources.values()) if (s.some((r, k) => k > 0 && r.confirmed < s[k - 1]!.confirmed)) falls++;
  if (falls === 0)
    return {
      kind: 'cumulative',
      because: "detected: no region's confirmed ever falls (use --counts daily if not)",
    };
  return { kind: 'daily', because: `detected: confirmed falls in ${falls} region(s) (use --counts to say)` };
}

/** Reads cases from CSV text (see the module comment). */
export function readCasesText(text: string, options: CasesOptions, what = 'cases file'): CasesFile {
  const checked = checkRows(text, options, what);
  const { quarantined } = checked;
  let rows = dropDoubleCounts(checked.rows, quarantined);
  if (!rows.length) {
    const first = quarantined.slice(0, 3).map((q) => `line ${q.line}: ${q.reason}`);
    throw new UserError(
      `${what} has no usable rows (${checked.total} quarantined; ${first.join('; ') || 'none'})`,
    );
  }
  let sources = bySource(rows);
  const asked = options.counts ?? 'auto';
  const { kind, because } = asked === 'auto' ? detectKind(sources) : { kind: asked, because: 'given' };
  const dates = rows.map((r) => r.date).sort();
  const start = dates[0]!;
  const days = daysBetween(start, dates.at(-1)!) + 1;
  const tally = { interpolated: 0, revisions: 0 };
  const perSource = new Map<string, { confirmed: Float64Array; deaths: Float64Array }>();
  const kept: Row[] = [];
  for (const [src, series] of sources) {
    if (kind === 'cumulative') {
      const c = cumulativeToDaily(series, start, days, (r) => r.confirmed, quarantined, tally);
      const d = cumulativeToDaily(c.kept, start, days, (r) => r.deaths, null, tally);
      perSource.set(src, { confirmed: c.daily, deaths: d.daily });
      kept.push(...c.kept);
    } else {
      perSource.set(src, {
        confirmed: dailySeries(series, start, days, (r) => r.confirmed),
        deaths: dailySeries(series, start, days, (r) => r.deaths),
      });
      kept.push(...series);
    }
  }
  rows = kept;
  sources = bySource(rows);
  const regions = [...new Map(rows.map((r) => [r.target.code, r.target])).values()].sort((a, b) =>
    a.code < b.code ? -1 : 1,
  );
  const n = regions.length;
  const index = new Map(regions.map((r, i) => [r.code, i]));
  const confirmed = new Float64Array(days * n).fill(NaN);
  const deaths = new Float64Array(days * n).fill(NaN);
  // A region's day is the sum of its parts observed that day; unobserved when none is.
  const add = (arr: Float64Array, k: number, v: number) => {
    if (!Number.isNaN(v)) arr[k] = (Number.isNaN(arr[k]!) ? 0 : arr[k]!) + v;
  };
  for (const [src, series] of sources) {
    const i = index.get(series[0]!.target.code)!;
    const s = perSource.get(src)!;
    for (let d = 0; d < days; d++) {
      add(confirmed, d * n + i, s.confirmed[d]!);
      add(deaths, d * n + i, s.deaths[d]!);
    }
  }
  const anyDeaths = rows.some((r) => !Number.isNaN(r.deaths));
  return {
    data: {
      regions: regions.map((r) => ({ code: r.code, name: r.name, population: r.population })),
      start,
      days,
      confirmed,
      ...(anyDeaths ? { deaths } : {}),
      flows: [],
      synthetic: false,
    },
    counts: kind,
    countsBecause: because,
    encoding: 'utf-8',
    rows: checked.total,
    accepted: rows.length,
    quarantined: quarantined.sort((a, b) => a.line - b.line),
    interpolatedDays: tally.interpolated,
    revisions: tally.revisions,
  };
}

/** Reads a cases file (UTF-8 with or without BOM, or GBK/GB18030). */
export function readCasesFile(path: string, options: CasesOptions): CasesFile {
  const { text, encoding } = decodeText(readBytes(path, 'cases'));
  return { ...readCasesText(text, options, `cases file ${path}`), encoding };
}

/** The date of day `d` of the data. */
export const dayDate = (data: Pick<EpiData, 'start'>, d: number): string => addDays(data.start, d);
