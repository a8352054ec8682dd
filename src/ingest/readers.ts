import { parse } from 'csv-parse/sync';
import { statSync } from 'node:fs';
import type { Duck } from '../db/duck.ts';
import { quotedIdentifier, quotedString } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import type { InputFile } from './inputs.ts';
import { loadLines } from './lines.ts';
import { FIELDS, resolveColumns } from './mapping.ts';
import type { ColumnMap, Field, ResolvedMap } from './mapping.ts';
import { pseudonymSql } from './pseudonymise.ts';
import type { Named } from './sql.ts';

/** One input opened for validation. */
export interface Source {
  /** A relation: row_no, malformed, and one column per field (id, time, cell, lon, lat, event). */
  fields: string;
  /** DuckDB type of each mapped field's column. */
  types: Partial<Record<Field, string>>;
  map: ResolvedMap;
  /** Text is parsed once into a table; Parquet is cheaper to scan again than to copy. */
  materialise: boolean;
  /** Records read: lines (less a CSV header) or Parquet rows. */
  read: number;
  /** (row_no, original) for the rows listed in table `q`, the identifier replaced by its pseudonym. */
  originals(q: string): string;
  /** Named values its SQL uses (besides $ipad and $opad). */
  values: Named;
}

/** Options that shape how a file is read. */
export interface ReadOptions {
  columns: ColumnMap;
  delimiter?: string;
}

const CANDIDATE_DELIMITERS = [',', '\t', ';', '|'];

/** The delimiter that splits a header line most often (a comma when none does). */
export function sniffDelimiter(header: string): string {
  const unquoted = header.replace(/"[^"]*"/g, '');
  const count = (d: string) => unquoted.split(d).length - 1;
  return CANDIDATE_DELIMITERS.reduce((best, d) => (count(d) > count(best) ? d : best), ',');
}

function fieldList(map: ResolvedMap, expr: (column: string) => string): string {
  return FIELDS.map((f) => `${map[f] === undefined ? 'NULL' : expr(map[f])} AS ${f}`).join(', ');
}

async function parquetSource(db: Duck, file: InputFile, o: ReadOptions): Promise<Source> {
  const path = quotedString(file.path);
  const cols = await db.all<{ column_name: string; column_type: string }>(
    `DESCRIBE SELECT * FROM read_parquet(${path})`,
  );
  const map = resolveColumns(
    o.columns,
    cols.map((c) => c.column_name),
    file.name,
  );
  const types: Partial<Record<Field, string>> = {};
  for (const f of FIELDS) types[f] = cols.find((c) => c.column_name === map[f])?.column_type;
  const read = await db.one<{ n: number }>(`SELECT count(*)::BIGINT AS n FROM read_parquet(${path})`);
  const src = `read_parquet(${path}, file_row_number = true)`;
  const id = `nullif(trim(r.${quotedIdentifier(map.id)}::VARCHAR), '')`;
  return {
    fields: `(SELECT file_row_number + 1 AS row_no, false AS malformed,
                     ${fieldList(map, (c) => `r.${quotedIdentifier(c)}`)} FROM ${src} r)`,
    types,
    map,
    materialise: false,
    read: Number(read?.n ?? 0),
    // A Parquet row has no line: its original is the row as JSON.
    originals: (q) => `
      SELECT row_no, CASE WHEN id IS NULL THEN js ELSE json_merge_patch(js, json_object($id_key, ${pseudonymSql('id')})) END AS original
      FROM (SELECT file_row_number + 1 AS row_no, ${id} AS id,
                   json_merge_patch(to_json(r), '{"file_row_number": null}') AS js
            FROM ${src} r WHERE file_row_number + 1 IN (SELECT row_no FROM ${q}))`,
    values: { id_key: map.id },
  };
}

/** Regex pieces for one CSV field, `d` being the delimiter as a character class. */
function csvPatterns(delim: string) {
  const d = `[${delim.replace(/[\\\]^-]/g, '\\$&')}]`;
  const nd = `[^${delim.replace(/[\\\]^-]/g, '\\$&')}"]`;
  const field = `("(?:[^"]|"")*"|${nd}*)`;
  return { field: `${d}${field}`, line: `${field}(${d}${field})*` };
}

async function csvSource(db: Duck, file: InputFile, o: ReadOptions): Promise<Source> {
  const read = await loadLines(db, file);
  const first = await db.one<{ row_no: number; line: string; rejected: boolean }>(
    `SELECT row_no::INTEGER AS row_no, line, rejected FROM ingest_text ORDER BY row_no LIMIT 1`,
  );
  if (!first || first.rejected) {
    throw new UserError(`cannot read ${file.name} as ${formatName(file)}: no readable header line`);
  }
  const delim = o.delimiter ?? (/\.tsv(\.gz)?$/i.test(file.name) ? '\t' : sniffDelimiter(first.line));
  let header: string[];
  try {
    header = (parse(first.line, { delimiter: delim }) as string[][])[0]!.map((h) => h.trim());
  } catch (e) {
    throw new UserError(`${file.name}: cannot read the header line: ${(e as Error).message}`);
  }
  const map = resolveColumns(o.columns, header, file.name);
  const p = csvPatterns(delim);
  const at = (c: string) => header.indexOf(c) + 1;
  // Quoted lines take the slower regex split; most feeds never quote.
  const fields = `(
    SELECT row_no, rejected OR len(f) <> ${header.length} OR (q AND NOT regexp_full_match(line, ${quotedString(p.line)})) AS malformed,
           ${fieldList(map, (c) => `CASE WHEN q AND starts_with(f[${at(c)}], '"') THEN replace(f[${at(c)}][2:-2], '""', '"') ELSE f[${at(c)}] END`)}
    FROM (SELECT row_no, line, rejected, contains(line, '"') AS q,
                 CASE WHEN contains(line, '"') THEN regexp_extract_all($delim || line, ${quotedString(p.field)}, 1)
                      ELSE string_split(line, $delim) END AS f
          FROM ingest_text WHERE row_no <> ${first.row_no}))`;
  const token = `trim(CASE WHEN starts_with(s[$id_at], '"') THEN replace(s[$id_at][2:-2], '""', '"') ELSE s[$id_at] END)`;
  return {
    fields,
    types: {},
    map,
    materialise: true,
    read: read - 1,
    // Split naively on the delimiter: joining back gives the line unchanged but for the id field.
    originals: (q) => `
      SELECT row_no, CASE WHEN len(s) >= $id_at AND ${token} <> ''
        THEN array_to_string(list_concat(s[:$id_at - 1], [${pseudonymSql(token)}], s[$id_at + 1:]), $delim)
        ELSE line END AS original
      FROM (SELECT row_no, line, string_split(line, $delim) AS s FROM ingest_text
            WHERE row_no IN (SELECT row_no FROM ${q}))`,
    values: { delim, id_at: at(map.id) },
  };
}

async function ndjsonSource(db: Duck, file: InputFile, o: ReadOptions): Promise<Source> {
  const read = await loadLines(db, file);
  if (read === 0) throw new UserError(`cannot read ${file.name} as ${formatName(file)}: it holds no line`);
  // A file without one JSON line is not NDJSON (binary, another format): refused whole rather
  // than quarantined line by line. Stops at the first good line, so costs nothing on a real feed.
  const any = await db.one(`SELECT 1 AS ok FROM ingest_text WHERE NOT rejected AND json_valid(line) LIMIT 1`);
  if (!any) throw new UserError(`cannot read ${file.name} as ${formatName(file)}: no line is JSON`);
  const map = resolveColumns(o.columns, null, file.name);
  const keys = FIELDS.map((f) => map[f]).filter((k): k is string => k !== undefined);
  const bad = keys.find((k) => k.includes('"'));
  if (bad) throw new UserError(`NDJSON key ${bad} cannot be mapped: it contains a double quote`);
  const path = (k: string) => quotedString(`$."${k}"`);
  const idx = (k: string) => keys.indexOf(k) + 1;
  const idRe = `("${map.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:\\s*)("((?:[^"\\\\]|\\\\.)*)"|[^,}\\s]*)`;
  return {
    fields: `(
      SELECT row_no, rejected OR NOT coalesce(CASE WHEN json_valid(line) THEN json_type(line) = 'OBJECT' END, false) AS malformed,
             ${fieldList(map, (k) => `v[${idx(k)}]`)}
      FROM (SELECT row_no, line, rejected,
                   CASE WHEN json_valid(line) THEN json_extract_string(line, [${keys.map(path).join(', ')}]) END AS v
            FROM ingest_text))`,
    types: {},
    map,
    materialise: true,
    read,
    // The id value is replaced where it stands, so even a broken line keeps its other bytes.
    originals: (q) => `
      SELECT row_no, CASE WHEN tok IS NULL THEN line
        ELSE regexp_replace(line, ${quotedString(idRe)}, '\\1"' || ${pseudonymSql('tok')} || '"') END AS original
      FROM (SELECT row_no, line,
                   CASE WHEN json_valid(line) THEN nullif(trim(json_extract_string(line, ${path(map.id)})), '')
                        ELSE coalesce(nullif(regexp_extract(line, ${quotedString(idRe)}, 3), ''),
                                      nullif(regexp_extract(line, ${quotedString(idRe)}, 2), '')) END AS tok
            FROM ingest_text WHERE row_no IN (SELECT row_no FROM ${q}))`,
    values: {},
  };
}

/** The format of an input as messages name it: 'csv', 'ndjson (gzip)', ... */
export function formatName(file: InputFile): string {
  return `${file.format}${file.gzip ? ' (gzip)' : ''}`;
}

/** Opens an input for validation; text inputs are read into `ingest_text` first. */
export async function openSource(db: Duck, file: InputFile, o: ReadOptions): Promise<Source> {
  if (statSync(file.path).size === 0)
    throw new UserError(`cannot read ${file.name} as ${file.format}: the file is empty`);
  if (file.format === 'parquet') return parquetSource(db, file, o);
  if (file.format === 'csv') return csvSource(db, file, o);
  return ndjsonSource(db, file, o);
}

/**
 * Runs a step that reads an input, turning the engine's complaint about unreadable bytes
 * (garbage, an empty or truncated Parquet file, broken gzip) into one clear line.
 */
export async function readable<T>(file: InputFile, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof UserError) throw e;
    const msg = (e as Error).message ?? String(e);
    // DuckDB prefixes errors with their kind; these kinds come from the bytes read, not from us.
    const m = /^(Invalid Input|IO|Conversion) Error: ([^\n]*)/.exec(msg);
    // A statement given wrong values is our bug, whatever its kind says.
    if (!m || /prepared statement|parameter/i.test(msg)) throw e;
    // File names in the engine's text are dropped: the message names the file once, as given.
    const reason = m[2]!
      .replace(/ *(".*?"|'.*?') */g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 160);
    // The CSV scanner's wording for bytes that are not lines of text says little to a reader.
    const why = /CSV Parser state machine/.test(reason)
      ? 'not lines of text (binary or corrupt bytes)'
      : reason;
    throw new UserError(`cannot read ${file.name} as ${formatName(file)}: ${why}`);
  }
}
