import { feature } from 'topojson-client';
import type { FeatureCollection, Geometry } from 'geojson';
import type { Topology } from 'topojson-specification';
import { echarts } from './echarts.ts';

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

/**
 * A region of a layer as its file names it. `population` only where the file carries one: the synthetic
 * communities (share of their county's census population, uniform density assumed; PROVENANCE.md).
 */
export type Region = { code: string; name: string; population: number | null; synthetic: boolean };

/** A registered ECharts map and its regions in file order. */
export type LoadedLayer = { layer: Layer; mapName: string; regions: Region[] };

type RegionProps = { code: string | number; name: string; population?: number; synthetic?: boolean };

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
  const mapName = `layer-${layer}`;
  echarts.registerMap(mapName, geo as unknown as Parameters<typeof echarts.registerMap>[1]);
  const regions = geo.features.map((f) => ({
    code: String(f.properties.code),
    name: f.properties.name,
    population: typeof f.properties.population === 'number' ? f.properties.population : null,
    synthetic: f.properties.synthetic === true,
  }));
  return { layer, mapName, regions };
}
