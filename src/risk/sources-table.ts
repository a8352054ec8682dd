/**
 * An analyst's risk-sources table (`epitrace risk sources --table FILE.csv`): one row per destination city with
 * its outflow from the epicentre and its cumulative cases, so published figures (e.g. Jia et al. 2020's) can
 * be examined. Rows that cannot be used are quarantined with their reason: input = accepted + quarantined.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { UserError } from '../errors.ts';
import { loadDivisions } from '../geo/divisions.ts';
import type { Division, Divisions } from '../geo/divisions.ts';
import { requireReadable } from '../ingest/registry.ts';
import type { SourcesInput } from './sources.ts';

/** A refused row: its line in the file (header = 1), the destination as written, and why. */
export interface QuarantinedRow {
  line: number;
  destination: string;
  reason: string;
}

export interface SourcesTable {
  input: number;
  accepted: SourcesInput[];
  quarantined: QuarantinedRow[];
}

/** Accepted header names (compared trimmed and in lower case), Chinese and English. */
const COLUMNS = {
  destination: ['destination', 'dest', 'city', 'code', 'name', '目的地', '城市', '地区', '代码'],
  outflow: ['outflow', 'flow', 'outflows', '迁出', '迁出人数', '流出'],
  cases: ['cases', 'confirmed', 'case', '确诊', '病例', '确诊病例', '累计确诊'],
} as const;

/**
 * The file's text: UTF-8 (a byte-order mark dropped) or, when the bytes are not valid UTF-8, GB18030 (a superset
 * of GBK/GB2312, what Excel on a Chinese Windows saves "CSV" as). Node's full ICU decodes it.
 */
export function decodeTable(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  try {
    // ignoreBOM false: the decoder drops a leading byte-order mark (Excel writes one for "CSV UTF-8").
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

/** A count as written: digits, optionally with thousands separators or a decimal part (published figures). */
function parseCount(raw: string): number | null {
  const s = raw.trim().replace(/[,\s_，]/g, '');
  if (!/^\d+(\.\d+)?$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/**
 * The city a destination names: a 6-digit code, or a Chinese (武汉市, 武汉) or English (Wuhan) name. A
 * municipality's province (北京 as 110000) is taken as its one city. Throws a UserError saying why not.
 */
export function resolveCity(div: Divisions, raw: string): Division {
  const s = raw.trim();
  if (!s) throw new UserError('empty destination');
  let d: Division;
  if (/^\d{6}$/.test(s)) d = div.byCode(s);
  else {
    try {
      d = div.byName(s, 'city');
    } catch (e) {
      // Not a city name: maybe a province or county, which gets its own reason below.
      try {
        d = div.byName(s);
      } catch {
        throw e;
      }
    }
  }
  if (d.level === 'city') return d;
  if (d.level === 'province') {
    const cities = div.children(d.code);
    if (cities.length === 1) return cities[0]!;
    throw new UserError(`${d.code} ${d.name} is a province; the table is by destination city`);
  }
  const city = div.parentAt(d.code, 'city');
  throw new UserError(
    `${d.code} ${d.name} is a county (of ${city.code} ${city.name}); the table is by destination city`,
  );
}

function column(header: string[], names: readonly string[]): number {
  return header.findIndex((h) => names.includes(h));
}

/** Parses the table text; `source` names it in messages. Garbage (no usable header) is one UserError line. */
export function parseSourcesTable(text: string, source: string, div = loadDivisions()): SourcesTable {
  let rows: string[][];
  try {
    rows = parse(text, {
      delimiter: [',', '\t', ';'],
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as string[][];
  } catch (e) {
    // The parser quotes the offending field, which for a binary file is a screenful of control characters.
    const why = (e as Error).message.split('\n')[0]!.split(', value is')[0]!.slice(0, 100);
    throw new UserError(`table ${source} is not a readable CSV: ${why.replace(/[^\x20-\x7e]/g, '?')}`);
  }
  const [head, ...body] = rows;
  const header = (head ?? []).map((h) => h.trim().toLowerCase());
  const at = {
    destination: column(header, COLUMNS.destination),
    outflow: column(header, COLUMNS.outflow),
    cases: column(header, COLUMNS.cases),
  };
  const missing = (Object.keys(at) as (keyof typeof at)[]).filter((k) => at[k] < 0);
  if (missing.length) {
    const shown = header
      .join(',')
      .replace(/[^\x20-\x7e\u3000-\u9fff]/g, '?')
      .slice(0, 80);
    throw new UserError(
      `table ${source} needs the columns destination,outflow,cases (missing ${missing.join(', ')}; header '${shown}')`,
    );
  }
  const out: SourcesTable = { input: body.length, accepted: [], quarantined: [] };
  const seen = new Map<string, number>();
  body.forEach((r, i) => {
    const line = i + 2;
    const destination = r[at.destination] ?? '';
    const refuse = (reason: string) => out.quarantined.push({ line, destination, reason });
    let city: Division;
    try {
      city = resolveCity(div, destination);
    } catch (e) {
      if (e instanceof UserError) return refuse(e.message);
      throw e;
    }
    const outflow = parseCount(r[at.outflow] ?? '');
    const cases = parseCount(r[at.cases] ?? '');
    if (outflow === null) return refuse(`bad outflow '${r[at.outflow] ?? ''}' (a number >= 0)`);
    if (cases === null) return refuse(`bad cases '${r[at.cases] ?? ''}' (a number >= 0)`);
    const first = seen.get(city.code);
    if (first !== undefined) return refuse(`duplicate destination ${city.code} ${city.name} (line ${first})`);
    seen.set(city.code, line);
    out.accepted.push({ code: city.code, name: city.name, outflow, cases });
  });
  return out;
}

/** Reads and parses a table file (UTF-8 with or without BOM, CRLF or LF, or GBK/GB18030). */
export function readSourcesTable(file: string): SourcesTable {
  requireReadable(file, 'table');
  return parseSourcesTable(decodeTable(readFileSync(file)), file);
}
