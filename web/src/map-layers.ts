import { feature, neighbors } from 'topojson-client';
import type { FeatureCollection, Geometry } from 'geojson';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { echarts } from './echarts.ts';
import { colourRegions, palette } from './region-colours.ts';

/** The boundary layers the dashboard can draw, coarsest first. */
export const layers = ['province', 'city', 'county', 'community'] as const;
export type Layer = (typeof layers)[number];

/** True for the values of `layers` (e.g. a <select>'s value). */
export function isLayer(value: string): value is Layer {
  return (layers as readonly string[]).includes(value);
}

/** Where each layer's TopoJSON is served and the name of its object inside. */
const sources: Record<Layer, { url: string; object: string }> = {
  province: { url: '/geo/provinces.topo.json', object: 'provinces' },
  city: { url: '/geo/cities.topo.json', object: 'cities' },
  county: { url: '/geo/counties.topo.json', object: 'counties' },
  // Synthetic Voronoi communities of Wuhan (420100), not real boundaries.
  community: { url: '/geo/communities-420100.topo.json', object: 'communities' },
};

export type Region = { code: string; name: string; colour: string };

/** A registered ECharts map and its regions in file order. */
export type LoadedLayer = { layer: Layer; mapName: string; regions: Region[] };

type RegionProps = { code: string | number; name: string };

const loading = new Map<Layer, Promise<LoadedLayer>>();

/** Fetches a layer and registers it with ECharts, once per page; later calls share the first load. */
export function loadLayer(layer: Layer): Promise<LoadedLayer> {
  let p = loading.get(layer);
  if (!p) {
    p = fetchLayer(layer);
    loading.set(layer, p);
    p.catch(() => loading.delete(layer)); // let a later render retry
  }
  return p;
}

async function fetchLayer(layer: Layer): Promise<LoadedLayer> {
  const { url, object: name } = sources[layer];
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${res.statusText}`);
  const topo = (await res.json()) as Topology;
  const object = topo.objects[name];
  if (object?.type !== 'GeometryCollection') throw new Error(`${url} has no "${name}" geometry collection`);
  const geo = feature(topo, object) as FeatureCollection<Geometry, RegionProps>;
  // Codes as strings: the map's regions are named by code (nameProperty) and looked up by it.
  for (const f of geo.features) f.properties.code = String(f.properties.code);
  const codes = geo.features.map((f) => String(f.properties.code));
  const colours = colourRegions(neighbors((object as GeometryCollection<RegionProps>).geometries), codes);
  const mapName = `layer-${layer}`;
  echarts.registerMap(mapName, geo as unknown as Parameters<typeof echarts.registerMap>[1]);
  const regions = geo.features.map((f, i) => ({
    code: codes[i] ?? '',
    name: f.properties.name,
    colour: palette[colours[i] ?? 0] ?? palette[0],
  }));
  return { layer, mapName, regions };
}
