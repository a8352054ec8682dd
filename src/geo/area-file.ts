/**
 * Reads a boundary file for `epitrace geo import`: GeoJSON (FeatureCollection or Feature) or TopoJSON
 * (Topology), UTF-8 with or without a byte-order mark. Anything else is one-line UserError.
 */
import { readFileSync } from 'node:fs';
import { feature } from 'topojson-client';
import type { Topology } from 'topojson-specification';
import { UserError } from '../errors.ts';
import type { AreaLevel } from './areas.ts';

/** A feature as read, not yet checked: geometry and properties are whatever the file holds. */
export interface RawFeature {
  type?: unknown;
  geometry?: unknown;
  properties?: Record<string, unknown> | null;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The TopoJSON object to read: the only one, or the one named after the level ('streets' / 'communities'). */
function topoObject(topo: Topology, level: AreaLevel, file: string): string {
  const names = Object.keys(isObject(topo.objects) ? topo.objects : {});
  const wanted = level === 'street' ? 'streets' : 'communities';
  if (names.includes(wanted)) return wanted;
  if (names.length === 1) return names[0]!;
  throw new UserError(
    `${file}: TopoJSON has ${names.length ? `objects ${names.join(', ')}` : 'no objects'}; name the one to import '${wanted}'`,
  );
}

/** Parses JSON text (BOM stripped) into the features it holds. */
export function parseAreaText(text: string, level: AreaLevel, file: string): RawFeature[] {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new UserError(`${file} is not JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isObject(json)) throw new UserError(`${file}: expected a GeoJSON or TopoJSON object`);
  if (json.type === 'Topology') {
    const topo = json as unknown as Topology;
    const name = topoObject(topo, level, file);
    try {
      const out = feature(topo, topo.objects[name]!) as unknown;
      json = out;
    } catch (e) {
      throw new UserError(`${file}: not valid TopoJSON (object '${name}': ${(e as Error).message})`);
    }
  }
  if (!isObject(json)) throw new UserError(`${file}: expected a GeoJSON or TopoJSON object`);
  if (json.type === 'FeatureCollection') {
    if (!Array.isArray(json.features))
      throw new UserError(`${file}: FeatureCollection without a features array`);
    return json.features.map((f) => (isObject(f) ? (f as RawFeature) : { type: typeof f }));
  }
  if (json.type === 'Feature') return [json as RawFeature];
  throw new UserError(
    `${file}: expected a GeoJSON FeatureCollection or Feature, or a TopoJSON Topology; got type ${JSON.stringify(json.type ?? null)}`,
  );
}

/** Reads and parses a boundary file. */
export function readAreaFile(file: string, level: AreaLevel): RawFeature[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(
      `cannot read boundary file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    );
  }
  const features = parseAreaText(text, level, file);
  if (features.length === 0) throw new UserError(`${file} holds no features`);
  return features;
}

/** Property names read as the code, first present wins (adcode: DataV / AMap exports). */
export const CODE_KEYS = ['code', 'adcode', 'gb_code', '区划代码'] as const;
/** Property names read as the name. */
export const NAME_KEYS = ['name', 'name_zh', '名称'] as const;

/** The first present of `keys` as a trimmed string (integers written as numbers too), or null. */
export function pick(
  props: Record<string, unknown> | null | undefined,
  keys: readonly string[],
): string | null {
  for (const k of keys) {
    const v = props?.[k];
    if (typeof v === 'string' && v.trim()) return v.trim();
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  }
  return null;
}
