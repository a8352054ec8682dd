/** County boundaries in lon/lat (scripts/build-geo.ts): the Albers county file inverted, simplified, quantized. */
import type { Position } from 'geojson';
import { filter, presimplify } from 'topojson-simplify';
import type { GeometryCollection, Objects, Topology } from 'topojson-specification';
import { UserError } from '../src/errors.ts';
import type { Unit } from './geo-common.ts';

/** The county object of a lon/lat topology whose arcs still carry simplification weights. */
export interface WeightedCounties {
  topology: Topology<Objects>;
  /** What was done about county codes of the boundary file that are not rows of counties.csv. */
  notes: string[];
}

/**
 * Keeps the `county` object of the pre-projected file with properties {code, name} from counties.csv,
 * weights every arc point by the triangle area it spans in the equal-area plane (so simplification
 * removes the least area wherever it is), then maps every point to lon/lat with `toLonLat`.
 */
export function lonLatCounties(
  src: Topology,
  toLonLat: (p: Position) => Position,
  counties: readonly Unit[],
): WeightedCounties {
  const object = src.objects.county as GeometryCollection | undefined;
  if (!object) throw new UserError("county boundary file has no object 'county'");
  const props = (g: (typeof object.geometries)[number]) =>
    (g.properties ?? {}) as { CODE?: number; NAME?: string };
  const byCode = new Map(counties.map((c) => [c.code, c]));
  const byName = new Map<string, Unit[]>();
  for (const c of counties) byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
  const remapped: string[] = [];
  const dropped: string[] = [];
  const fileCodes = new Set(object.geometries.map((g) => String(props(g).CODE ?? '')));
  const seen = new Set<string>();
  const geometries = object.geometries.flatMap((g) => {
    const code = String(props(g).CODE ?? '');
    const name = String(props(g).NAME ?? '');
    // A code the census lacks goes to the one same-named county of its province that has no boundary of
    // its own (a renumbered county); anything else is dropped and listed.
    let unit = byCode.get(code);
    if (!unit) {
      const same = (byName.get(name) ?? []).filter(
        (c) => c.province.slice(0, 2) === code.slice(0, 2) && !fileCodes.has(c.code),
      );
      unit = same.length === 1 ? same[0] : undefined;
      if (unit) remapped.push(`${code} ${name} -> ${unit.code} ${unit.name}`);
    }
    if (!unit || seen.has(unit.code)) {
      dropped.push(`${code} ${name}`);
      return [];
    }
    seen.add(unit.code);
    return [{ ...g, properties: { code: unit.code, name: unit.name } }];
  });
  const missing = counties.filter((c) => !seen.has(c.code)).map((c) => `${c.code} ${c.name}`);
  // filter() keeping every ring prunes the arcs only the other objects (provinces, dash line) used.
  const own = filter(
    {
      type: 'Topology',
      ...(src.transform ? { transform: src.transform } : {}),
      arcs: src.arcs,
      objects: { counties: { type: 'GeometryCollection', geometries } },
    },
    () => true,
  );
  const weighted = presimplify(own);
  const arcs = weighted.arcs.map((arc) =>
    arc.map(([x = NaN, y = NaN, w = 0]) => {
      const [lon = NaN, lat = NaN] = toLonLat([x, y]);
      return [lon, lat, w];
    }),
  );
  if (arcs.some((arc) => arc.some(([lon = NaN, lat = NaN]) => !Number.isFinite(lon + lat)))) {
    throw new Error('county boundary point maps to a non-finite lon/lat');
  }
  // No bbox: quantize() must measure the lon/lat extent, not reuse the file's Albers one.
  const topology: Topology<Objects> = {
    type: 'Topology',
    objects: weighted.objects as Objects,
    arcs: arcs as Topology['arcs'],
  };
  const notes = [
    `County boundary codes not in counties.csv: ${dropped.length ? `${dropped.join(', ')} (dropped)` : 'none'}` +
      `${remapped.length ? `; matched by name: ${remapped.join(', ')}` : ''}.`,
    `Counties in counties.csv without a boundary (never located): ${missing.join(', ') || 'none'}.`,
  ];
  return { topology, notes };
}
