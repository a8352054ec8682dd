import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import { TIME_FORMATS } from './time.ts';
import type { TimeFormat } from './time.ts';

/** Our record fields; a feed's columns map onto them. */
export const FIELDS = ['id', 'time', 'cell', 'lon', 'lat', 'event'] as const;
export type Field = (typeof FIELDS)[number];

/** Which input column holds each field. */
export type ColumnMap = Partial<Record<Field, string>>;

/** Column names used when a field is not mapped: the layout `epitrace synth` writes. */
export const DEFAULT_COLUMNS: Record<Field, string> = {
  id: 'raw_id',
  time: 'ts',
  cell: 'cell_id',
  lon: 'lon',
  lat: 'lat',
  event: 'event',
};

/** Input formats (each may be gzipped, but Parquet). */
export const FORMATS = ['csv', 'parquet', 'ndjson'] as const;
export type Format = (typeof FORMATS)[number];

/** A feed description (`--mapping FILE`): column names and how to read them. */
export interface FeedSpec {
  columns?: ColumnMap;
  format?: Format;
  delimiter?: string;
  timeFormat?: TimeFormat;
  timezone?: string;
}

const feedSchema = z
  .object({
    columns: z.partialRecord(z.enum(FIELDS), z.string().min(1)).optional(),
    format: z.enum(FORMATS).optional(),
    delimiter: z.string().length(1).optional(),
    timeFormat: z.enum(TIME_FORMATS).optional(),
    timezone: z.string().min(1).optional(),
  })
  .strict();

/** Parses `id=msisdn,time=event_time,cell=ci` into a column map. */
export function parseColumns(spec: string): ColumnMap {
  const out: ColumnMap = {};
  for (const part of spec.split(',').filter((p) => p.trim() !== '')) {
    const eq = part.indexOf('=');
    const field = part.slice(0, eq).trim();
    const column = part.slice(eq + 1).trim();
    if (eq < 0 || !column || !(FIELDS as readonly string[]).includes(field)) {
      throw new UserError(
        `--columns: cannot read '${part}': write field=column with a field among ${FIELDS.join(', ')}`,
      );
    }
    out[field as Field] = column;
  }
  return out;
}

/** Reads a JSON feed description, e.g. {"columns": {"id": "msisdn"}, "timezone": "UTC"}. */
export function loadMapping(path: string): FeedSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new UserError(`cannot read mapping file ${path}: ${why}`);
  }
  const r = feedSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new UserError(`mapping file ${path}: ${issue.path.join('.') || 'top level'}: ${issue.message}`);
  }
  return r.data;
}

/** Field -> input column actually read. */
export type ResolvedMap = ColumnMap & { id: string; time: string };

function find(available: string[], name: string): string | undefined {
  if (available.includes(name)) return name;
  const ci = available.filter((a) => a.toLowerCase() === name.toLowerCase());
  return ci.length === 1 ? ci[0] : undefined;
}

/**
 * Resolves the columns of one input: mapped names must exist; unmapped fields fall back to
 * DEFAULT_COLUMNS when present. `available` is null when the format has no fixed columns
 * (NDJSON), where every name is taken as given.
 */
export function resolveColumns(map: ColumnMap, available: string[] | null, file: string): ResolvedMap {
  const out: ColumnMap = {};
  for (const f of FIELDS) {
    const wanted = map[f];
    if (available === null) out[f] = wanted ?? DEFAULT_COLUMNS[f];
    else if (wanted !== undefined) {
      const got = find(available, wanted);
      if (!got) {
        throw new UserError(
          `${file}: no column '${wanted}' (mapped to ${f}); its columns are ${available.join(', ')}`,
        );
      }
      out[f] = got;
    } else {
      const got = find(available, DEFAULT_COLUMNS[f]);
      if (got) out[f] = got;
    }
  }
  const hint = `map them with --columns id=...,time=...,cell=... (or lon=...,lat=...)`;
  if (!out.id || !out.time) {
    const what = [!out.id && 'id', !out.time && 'time'].filter(Boolean).join(' and ');
    throw new UserError(`${file}: no ${what} column among ${(available ?? []).join(', ')}; ${hint}`);
  }
  if (!out.cell && !(out.lon && out.lat)) {
    throw new UserError(`${file}: no cell column and no lon/lat columns; ${hint}`);
  }
  return out as ResolvedMap;
}
