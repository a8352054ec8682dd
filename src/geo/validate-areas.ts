/**
 * Checks imported street / community boundaries (`epitrace geo import`). Per feature, a failure
 * quarantines it with its reason: geometry not a (Multi)Polygon, coordinates not lon/lat, a ring with
 * fewer than 4 points or not closed, a self-intersecting ring (@turf/kinks), a code missing, of the wrong
 * length or outside the city, no name, a duplicate code. Across the accepted areas, overlaps and the
 * gaps they leave in the city and its counties are measured (@turf/area, m²) and reported as warnings.
 */
import { readFileSync } from 'node:fs';
import { area } from '@turf/area';
import { kinks } from '@turf/kinks';
import Flatbush from 'flatbush';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import polygonClipping from 'polygon-clipping';
import type { Geom } from 'polygon-clipping';
import { merge } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { UserError } from '../errors.ts';
import type { AreaFeature, AreaLevel } from './areas.ts';
import { CODE_DIGITS } from './areas.ts';
import type { RawFeature } from './area-file.ts';
import { CODE_KEYS, NAME_KEYS, pick } from './area-file.ts';
import type { Divisions } from './divisions.ts';

/**
 * Overlaps are reported above 100 m² (a 10 m square) and 0.1% of the smaller area: boundaries digitised or
 * reprojected separately disagree by up to a metre or so along shared edges (the demo's own synthetic
 * streets, clipped in the Albers plane, show slivers of up to 2,700 m² along county borders, at most 0.01% of
 * a street), and that is not a real overlap. Our choice, not an external figure.
 */
export const OVERLAP_TOLERANCE_M2 = 100;
export const OVERLAP_TOLERANCE_SHARE = 0.001;
/** Gaps (and area outside the city) below 0.1% of the city's or county's area are not warned about. */
export const GAP_TOLERANCE_SHARE = 0.001;

/** A feature set aside, with why. */
export interface Quarantined {
  /** Position in the file, from 1. */
  index: number;
  code: string | null;
  reason: string;
  feature: RawFeature;
}

/** Two accepted areas that overlap by more than the tolerance. */
export interface Overlap {
  a: string;
  b: string;
  m2: number;
  /** Overlap as a share of the smaller of the two areas. */
  share: number;
}

/** Area of a city or county that no accepted area covers. */
export interface Gap {
  code: string;
  level: 'city' | 'county';
  m2: number;
  share: number;
}

/** The result of checking one file. */
export interface Validation {
  input: number;
  accepted: AreaFeature[];
  quarantined: Quarantined[];
  overlaps: Overlap[];
  /** Overlaps below the tolerance (slivers along shared edges): how many, and their total area. */
  slivers: { count: number; m2: number };
  /** The city's uncovered area (always), then each county with an accepted area and a gap above tolerance. */
  gaps: Gap[];
  /** Accepted area lying outside the city. */
  outside: { m2: number; share: number };
}

type Checked = { ok: true; geometry: Polygon | MultiPolygon } | { ok: false; reason: string };

const same = (a: Position | undefined, b: Position | undefined) =>
  !!a && !!b && a[0] === b[0] && a[1] === b[1];

/** Geometry checks of one feature; the first failure is the reason. */
function checkGeometry(g: unknown): Checked {
  const geom = g as { type?: unknown; coordinates?: unknown } | null | undefined;
  if (!geom || (geom.type !== 'Polygon' && geom.type !== 'MultiPolygon')) {
    return {
      ok: false,
      reason: `geometry is ${geom ? String(geom.type) : 'missing'}, need Polygon or MultiPolygon`,
    };
  }
  const parts = (geom.type === 'Polygon' ? [geom.coordinates] : geom.coordinates) as unknown;
  if (!Array.isArray(parts) || parts.length === 0)
    return { ok: false, reason: 'geometry has no coordinates' };
  for (const [p, rings] of parts.entries()) {
    if (!Array.isArray(rings) || rings.length === 0)
      return { ok: false, reason: `part ${p + 1} has no rings` };
    for (const [r, ring] of (rings as unknown[]).entries()) {
      const where = `ring ${r + 1} of part ${p + 1}`;
      if (!Array.isArray(ring)) return { ok: false, reason: `${where} is not an array of positions` };
      for (const pos of ring as unknown[]) {
        const [lon, lat] = Array.isArray(pos) ? (pos as unknown[]) : [];
        if (
          typeof lon !== 'number' ||
          typeof lat !== 'number' ||
          !(Math.abs(lon) <= 180 && Math.abs(lat) <= 90)
        ) {
          return {
            ok: false,
            reason: `${where}: position ${JSON.stringify(pos)} is not lon/lat in degrees (WGS84)`,
          };
        }
      }
      const positions = ring as Position[];
      if (positions.length < 4)
        return { ok: false, reason: `${where} has ${positions.length} points, need at least 4` };
      if (!same(positions[0], positions.at(-1))) {
        return {
          ok: false,
          reason: `${where} is not closed (first point ${JSON.stringify(positions[0])} ≠ last)`,
        };
      }
    }
  }
  // Repeated consecutive points are harmless but would read as self-touching: drop them before kinks.
  const clean = (ring: Position[]) => ring.filter((q, i) => i === 0 || !same(q, ring[i - 1]));
  const cleaned: Polygon | MultiPolygon =
    geom.type === 'Polygon'
      ? { type: 'Polygon', coordinates: (geom.coordinates as Position[][]).map(clean) }
      : {
          type: 'MultiPolygon',
          coordinates: (geom.coordinates as Position[][][]).map((rs) => rs.map(clean)),
        };
  const rings = cleaned.type === 'Polygon' ? cleaned.coordinates : cleaned.coordinates.flat();
  const short = rings.findIndex((ring) => ring.length < 4);
  if (short >= 0) return { ok: false, reason: `ring ${short + 1} has fewer than 3 distinct points` };
  const crossings = kinks(cleaned).features;
  if (crossings.length > 0) {
    const at = crossings[0]!.geometry.coordinates.map((v) => Math.round(v * 1e6) / 1e6);
    return {
      ok: false,
      reason: `self-intersecting ring (${crossings.length} crossing(s), first at ${at.join(', ')})`,
    };
  }
  return { ok: true, geometry: cleaned };
}

/** The city of a county code, or null when it is no county (a city or province code, or unknown). */
export function countyCity(divisions: Divisions, county: string): string | null {
  try {
    divisions.byCode(county, 'county');
    return divisions.parentAt(county, 'city').code;
  } catch {
    return null;
  }
}

/** Per-feature checks: accepted areas and quarantined features, in file order. */
function checkFeatures(
  raw: readonly RawFeature[],
  o: { level: AreaLevel; city: string; divisions: Divisions },
): { accepted: AreaFeature[]; quarantined: Quarantined[] } {
  const digits = CODE_DIGITS[o.level];
  const seen = new Map<string, number>();
  const accepted: AreaFeature[] = [];
  const quarantined: Quarantined[] = [];
  raw.forEach((f, i) => {
    const code = pick(f.properties, CODE_KEYS);
    const name = pick(f.properties, NAME_KEYS);
    const reject = (reason: string) => quarantined.push({ index: i + 1, code, reason, feature: f });
    if (!code) return reject(`no code (property ${CODE_KEYS.join(' / ')})`);
    if (!new RegExp(`^\\d{${digits}}$`).test(code)) {
      return reject(
        `code '${code}' is not ${digits} digits (${o.level} = ${o.level === 'street' ? 'county' : 'street'} code + 3 digits)`,
      );
    }
    const county = code.slice(0, 6);
    const city = countyCity(o.divisions, county);
    if (!city) return reject(`code '${code}': ${county} is not a county code`);
    if (city !== o.city) return reject(`code '${code}': county ${county} is in city ${city}, not ${o.city}`);
    if (!name) return reject(`no name (property ${NAME_KEYS.join(' / ')})`);
    const first = seen.get(code);
    if (first !== undefined) return reject(`duplicate code '${code}' (first at feature ${first})`);
    const g = checkGeometry(f.geometry);
    if (!g.ok) return reject(g.reason);
    seen.set(code, i + 1);
    accepted.push({
      type: 'Feature',
      geometry: g.geometry,
      properties: { code, name, parent: code.slice(0, -3), synthetic: false },
    });
  });
  return { accepted, quarantined };
}

const asGeom = (g: Polygon | MultiPolygon) => g.coordinates as Geom;
const areaOf = (g: Geom) => area({ type: 'MultiPolygon', coordinates: polygonClipping.union(g) });

/** Pairs of accepted areas whose intersection exceeds the tolerance (boxes narrow the pairs first). */
function overlaps(accepted: readonly AreaFeature[]): Pick<Validation, 'overlaps' | 'slivers'> {
  const slivers = { count: 0, m2: 0 };
  if (accepted.length < 2) return { overlaps: [], slivers };
  const tree = new Flatbush(accepted.length);
  const boxes = accepted.map((f) => {
    const pts = (
      f.geometry.type === 'Polygon' ? f.geometry.coordinates : f.geometry.coordinates.flat()
    ).flat();
    const xs = pts.map((p) => p[0]!);
    const ys = pts.map((p) => p[1]!);
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)] as const;
  });
  for (const b of boxes) tree.add(...b);
  tree.finish();
  const sizes = accepted.map((f) => area(f.geometry));
  const out: Overlap[] = [];
  accepted.forEach((f, i) => {
    for (const j of tree.search(...boxes[i]!)) {
      if (j <= i) continue;
      const g = accepted[j]!;
      const common = polygonClipping.intersection(asGeom(f.geometry), asGeom(g.geometry));
      if (common.length === 0) continue;
      const m2 = area({ type: 'MultiPolygon', coordinates: common });
      const share = m2 / Math.min(sizes[i]!, sizes[j]!);
      if (m2 > OVERLAP_TOLERANCE_M2 && share > OVERLAP_TOLERANCE_SHARE) {
        out.push({ a: f.properties.code, b: g.properties.code, m2, share });
      } else {
        slivers.count++;
        slivers.m2 += m2;
      }
    }
  });
  return { overlaps: out, slivers };
}

let countyTopo: Topology | undefined;
/** The county polygons of a city from data/counties.topo.json (the ones regions.ts locates in). */
function countyShapes(city: string, divisions: Divisions): { code: string; geometry: MultiPolygon }[] {
  countyTopo ??= JSON.parse(
    readFileSync(new URL('./data/counties.topo.json', import.meta.url), 'utf8'),
  ) as Topology;
  const object = countyTopo.objects.counties as GeometryCollection<{ code: string }>;
  const members = new Set(divisions.children(city).map((d) => d.code));
  const topo = countyTopo;
  return object.geometries.flatMap((g) => {
    const code = (g.properties as { code?: string } | undefined)?.code ?? '';
    return members.has(code) ? [{ code, geometry: merge(topo, [g as never]) }] : [];
  });
}

/** Uncovered share of the city and of each county holding an accepted area; accepted area outside the city. */
function gaps(
  accepted: readonly AreaFeature[],
  city: string,
  divisions: Divisions,
): Pick<Validation, 'gaps' | 'outside'> {
  const counties = countyShapes(city, divisions);
  if (counties.length === 0)
    throw new UserError(`city ${city} has no county boundaries to check the areas against`);
  const covered = polygonClipping.union([], ...accepted.map((f) => asGeom(f.geometry)));
  const cityGeom = polygonClipping.union([], ...counties.map((c) => asGeom(c.geometry)));
  const coveredM2 = covered.length ? area({ type: 'MultiPolygon', coordinates: covered }) : 0;
  const inside = covered.length ? areaOf(polygonClipping.intersection(covered, cityGeom)) : 0;
  const gap = (code: string, level: Gap['level'], geom: Geom): Gap => {
    const total = areaOf(geom);
    const left = polygonClipping.difference(geom, covered);
    const m2 = left.length ? area({ type: 'MultiPolygon', coordinates: left }) : 0;
    return { code, level, m2, share: total > 0 ? m2 / total : 0 };
  };
  const used = new Set(accepted.map((f) => f.properties.code.slice(0, 6)));
  const countyGaps = counties
    .filter((c) => used.has(c.code))
    .map((c) => gap(c.code, 'county', asGeom(c.geometry)))
    .filter((g) => g.share > GAP_TOLERANCE_SHARE);
  return {
    gaps: [gap(city, 'city', cityGeom), ...countyGaps],
    outside: {
      m2: Math.max(0, coveredM2 - inside),
      share: coveredM2 > 0 ? Math.max(0, coveredM2 - inside) / coveredM2 : 0,
    },
  };
}

/** Checks every feature, then overlaps and gaps among the accepted ones. */
export function validateAreas(
  raw: readonly RawFeature[],
  o: { level: AreaLevel; city: string; divisions: Divisions },
): Validation {
  const { accepted, quarantined } = checkFeatures(raw, o);
  const shape = accepted.length
    ? gaps(accepted, o.city, o.divisions)
    : { gaps: [], outside: { m2: 0, share: 0 } };
  return { input: raw.length, accepted, quarantined, ...overlaps(accepted), ...shape };
}
