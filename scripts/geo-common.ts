/** Shared helpers of scripts/build-geo.ts: the division unit type, CSV in and out, number formatting. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { UserError } from '../src/errors.ts';

/** Beijing, Tianjin, Shanghai, Chongqing: one city-level unit xx0100 each (Chongqing's 5002xx too). */
export const MUNICIPALITIES = new Set(['11', '12', '31', '50']);

/** One row of provinces/cities/counties.csv while it is being built. */
export interface Unit {
  code: string;
  name: string;
  nameEn: string;
  parent: string;
  province: string;
  population: number | null;
  lon?: number;
  lat?: number;
  lonLatSource?: string;
}

/** Reads a small CSV with no quoting; refuses quoted files because a plain split would misread them. */
export function readCsv(file: string): Record<string, string>[] {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  if (text.includes('"')) throw new UserError(`${file} contains quotes; build-geo expects unquoted CSV`);
  const [head = '', ...lines] = text.split(/\r?\n/).filter((l) => l.length > 0);
  const keys = head.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [keys[i] ?? `_${i}`, v])));
}

/** The value, or a bug report naming what was missing. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`missing ${what}`);
  return value;
}

/** City-level parent of a census county code (see MUNICIPALITIES; xx90xx units are their own city). */
export function cityOf(county: string): string {
  const prov = county.slice(0, 2);
  if (MUNICIPALITIES.has(prov)) return `${prov}0100`;
  if (county.slice(2, 4) === '90') return county;
  return `${county.slice(0, 4)}00`;
}

/** The median; NaN for an empty list. */
export function median(values: number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

/** Four decimals (about 10 m in lon/lat), empty when unknown. */
export const fmt = (v: number | undefined) => (v === undefined ? '' : v.toFixed(4));
/** A population cell: empty when the census has no count. */
export const pop = (v: number | null) => (v === null ? '' : String(v));
/** Sum that stays null when every value is unknown. */
export const sum = (values: (number | null)[]) =>
  values.some((v) => v !== null) ? values.reduce<number>((s, v) => s + (v ?? 0), 0) : null;
/** Sort order by code. */
export const byCode = (a: { code: string }, b: { code: string }) =>
  a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
/** First 16 hex digits of a file's sha256, for PROVENANCE. */
export const sha = (file: string) =>
  createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
/** A signed number with a spaced sign, for the fit equations in PROVENANCE. */
export const signed = (v: number) => `${v < 0 ? '−' : '+'} ${Math.abs(v).toFixed(1)}`;
/** 1,234,567. */
export const thousands = (n: number) => n.toLocaleString('en-US');
/** UTF-8 length of a text, as written to disk. */
export const bytes = (text: string) => Buffer.byteLength(text);

/** Comma-joined CSV; refuses values that need quoting, because divisions.ts splits on commas. */
export function csv(header: string[], rows: (string | number)[][]): string {
  for (const row of rows) {
    for (const cell of row) {
      if (/[,"\r\n]/.test(String(cell))) throw new Error(`unsafe CSV value ${JSON.stringify(cell)}`);
    }
  }
  return [header, ...rows].map((r) => r.join(',')).join('\n') + '\n';
}
