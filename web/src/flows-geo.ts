// Province maps of the flows view: the whole country (for the South China Sea inset) and the mainland view
// without the islands far south (so the main map is not shrunk to make room for them); colour classes in people.
import { feature } from 'topojson-client';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Position } from 'geojson';
import type { Topology } from 'topojson-specification';
import { echarts } from './echarts.ts';

export const fullMap = 'flows-china';
export const mainMap = 'flows-china-main';

/** Below this latitude only the South China Sea islands lie; the inset shows them, the main map leaves them out. */
export const insetLatitude = 17.5;

/** The inset's view (lon/lat): the islands region, lon 105-125 E, lat 3-25 N. */
export const insetBounds: [[number, number], [number, number]] = [
  [105, 25],
  [125, 3],
];

/** Taiwan, Hong Kong and Macao: no census or operator data (contract decision 3). */
export const noDataProvinces = new Set(['710000', '810000', '820000']);

type Props = { code: string | number; name: string };

let loading: Promise<Map<string, string>> | null = null;

function maxLat(ring: Position[][]): number {
  return Math.max(...ring.flat().map((p) => p[1] ?? -90));
}

/** Keeps the polygons of a feature that reach north of `insetLatitude`. */
function mainland(f: Feature<Geometry, Props>): Feature<Geometry, Props> {
  if (f.geometry.type !== 'MultiPolygon') return f;
  const coordinates = f.geometry.coordinates.filter((poly) => maxLat(poly) > insetLatitude);
  const geometry: MultiPolygon = { type: 'MultiPolygon', coordinates };
  return { ...f, geometry };
}

/** Registers both province maps once per page; resolves to province names by code. */
export function loadFlowsMaps(): Promise<Map<string, string>> {
  loading ??= (async () => {
    const res = await fetch('/geo/provinces.topo.json');
    if (!res.ok) throw new Error(`/geo/provinces.topo.json: ${res.status} ${res.statusText}`);
    const topo = (await res.json()) as Topology;
    const object = topo.objects['provinces'];
    if (!object) throw new Error('/geo/provinces.topo.json has no "provinces" object');
    const geo = feature(topo, object) as FeatureCollection<Geometry, Props>;
    for (const f of geo.features) f.properties.code = String(f.properties.code);
    type MapInput = Parameters<typeof echarts.registerMap>[1];
    echarts.registerMap(fullMap, geo as unknown as MapInput);
    const main = { ...geo, features: geo.features.map(mainland) };
    echarts.registerMap(mainMap, main as unknown as MapInput);
    return new Map(geo.features.map((f) => [String(f.properties.code), f.properties.name]));
  })();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

/** A colour class in people: [gte, lte] inclusive, whole people. */
export type Piece = { gte: number; lte: number };

/**
 * Up to five classes covering the positive values, with bounds on the 1-2-5 series so that the legend reads as
 * round numbers of people (a linear split would put nearly every province in the lowest class).
 */
export function pieces(values: number[]): Piece[] {
  const pos = values.filter((v) => v > 0);
  if (pos.length === 0) return [];
  const min = Math.floor(Math.min(...pos));
  const max = Math.ceil(Math.max(...pos));
  const steps: number[] = [];
  for (let e = 0; 10 ** e <= max; e++) for (const m of [1, 2, 5]) steps.push(m * 10 ** e);
  let cuts = steps.filter((s) => s > min && s <= max);
  while (cuts.length > 4) cuts = cuts.filter((_, i) => i % 2 === 1);
  const edges = [min, ...cuts];
  return edges.map((lo, i) => {
    const next = edges[i + 1];
    return { gte: lo, lte: next === undefined ? max : next - 1 };
  });
}

/**
 * Sequential oranges, light to dark, one per class: ColorBrewer "Oranges" 6 classes without its lightest, so that
 * the lowest class stays apart from the white of zero.
 */
export const ramp = ['#fdd0a2', '#fdae6b', '#fd8d3c', '#e6550d', '#a63603'];

/** The colour of a value's class. */
export function colourOf(value: number, classes: Piece[]): string {
  const i = classes.findIndex((p) => value >= p.gte && value <= p.lte);
  return ramp[Math.max(0, i === -1 ? classes.length - 1 : i)] ?? ramp[0]!;
}

/** Special states on the map (decision 3), each its own colour and legend entry. */
export const stateColours = {
  suppressed: '#7b8794',
  zero: '#ffffff',
  noData: '#e8dcc0',
  self: '#2563eb',
  // No expansion factor for a region (fewer than k sample residents): its own colour, not no data's.
  unavailable: '#d8c8f0',
};

/** Sentinel values the map's data carries for the states (people counts are never negative). */
export const stateValues = { suppressed: -1, noData: -2, self: -3, unavailable: -4 } as const;
