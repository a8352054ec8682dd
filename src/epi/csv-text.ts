/**
 * Shared reading of the forecast input files (cases, mobility): bytes to text
 * (UTF-8 with or without BOM, else GB18030/GBK, common for Chinese exports),
 * CSV rows through csv-parse, header checks and the quarantine tally.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { UserError } from '../errors.ts';

/** A row set aside, with its 1-based line and why. */
export interface Quarantined {
  line: number;
  reason: string;
}

/** Counts of quarantined rows by kind of reason (quoted values dropped, numbers and codes as N). */
export function reasonCounts(q: readonly Quarantined[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of q) {
    const kind = r.reason
      .replace(/\s*'[^']*'/g, '')
      .replace(/\d[\d.-]*/g, 'N')
      .replace(/N [^\s;]+ (?=has|is)/, 'N ')
      .trim();
    out[kind] = (out[kind] ?? 0) + 1;
  }
  return out;
}

/** File bytes as text: UTF-8 (BOM dropped) when valid, else GB18030 (a superset of GBK). */
export function decodeText(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'gb18030' } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('gb18030').decode(bytes), encoding: 'gb18030' };
  }
}

/** Reads a file's bytes, or a UserError naming it. */
export function readBytes(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UserError(`cannot read ${what} file ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
}

/** A parsed CSV: lower-cased header, rows as string arrays with their 1-based line numbers. */
export interface CsvTable {
  header: string[];
  rows: { line: number; cells: string[] }[];
}

/** Parses CSV text; a file that is not CSV at all, or has no header, is a UserError naming `what`. */
export function parseTable(text: string, what: string): CsvTable {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    throw new UserError(`${what} is not readable CSV: ${(e as Error).message}`);
  }
  const [head, ...rest] = records;
  if (!head) throw new UserError(`${what} is empty (expected a header line)`);
  return {
    header: head.record.map((h) => h.toLowerCase()),
    rows: rest.map((r) => ({ line: r.info.lines, cells: r.record })),
  };
}

/** Index of each column, or a UserError listing the missing required ones. */
export function columns<R extends string, O extends string>(
  header: readonly string[],
  required: readonly R[],
  optional: readonly O[],
  what: string,
): Record<R, number> & Partial<Record<O, number>> {
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length)
    throw new UserError(
      `${what} lacks column(s) ${missing.join(', ')} (header: ${header.join(',')}; ` +
        `expected ${[...required, ...optional.map((o) => `[${o}]`)].join(',')})`,
    );
  const out: Record<string, number> = {};
  for (const c of [...required, ...optional]) if (header.includes(c)) out[c] = header.indexOf(c);
  return out as Record<R, number> & Partial<Record<O, number>>;
}

/** A calendar date YYYY-MM-DD (also YYYY/MM/DD and YYYYMMDD) as ISO, or null. */
export function isoDate(v: string): string | null {
  const m = /^(\d{4})[-/]?(\d{1,2})[-/]?(\d{1,2})$/.exec(v);
  if (!m) return null;
  const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  const t = Date.parse(`${iso}T00:00:00Z`);
  return Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== iso ? null : iso;
}

const DAY_MS = 86_400_000;

/** Whole days from ISO date a to b. */
export const daysBetween = (a: string, b: string): number =>
  Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);

/** ISO date `n` days after `a`. */
export const addDays = (a: string, n: number): string =>
  new Date(Date.parse(`${a}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** A count: a finite number >= 0, or null. */
export function count(v: string): number | null {
  if (!/^[+]?(\d+\.?\d*|\.\d+)(e[+]?\d+)?$/i.test(v)) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** The date of a data row, or null with the row quarantined (wrong field count, bad date): the readers' shared first checks. */
export function rowDate(
  table: CsvTable,
  cells: readonly string[],
  dateColumn: number,
  q: (reason: string) => void,
): string | null {
  if (cells.length !== table.header.length) {
    q(`${cells.length} fields, expected ${table.header.length}`);
    return null;
  }
  const date = isoDate(cells[dateColumn]!);
  if (!date) q(`bad date '${cells[dateColumn]}'`);
  return date;
}
