import { feature } from 'topojson-client';
import type { FeatureCollection, Geometry } from 'geojson';
import type { Topology } from 'topojson-specification';
import { echarts } from './echarts.ts';

/** Which areas of a city a levels map can draw, and where their boundaries come from. */
type Source = { url: string; object: string; inCity: (code: string, city: string) => boolean };

// Counties of a city share its first four digits (GB/T 2260); the synthetic communities exist for Wuhan only.
const sources: Record<'county' | 'community', Source> = {
  county: {
    url: '/geo/counties.topo.json',
    object: 'counties',
    inCity: (c, city) => c.startsWith(city.slice(0, 4)),
  },
  community: {
    url: '/geo/communities-420100.topo.json',
    object: 'communities',
    inCity: (c, city) => city === '420100' && c.startsWith('4201'),
  },
};

const loaded = new Map<string, Promise<string | null>>();

/**
 * Registers the map of one city's counties (or communities) with ECharts, once per page; resolves to the map's
 * name, or null when there are no boundaries for that city at that level (the view then shows the table only).
 */
export function loadCityAreas(city: string, level: string): Promise<string | null> {
  const key = `${level}:${city}`;
  let p = loaded.get(key);
  if (!p) {
    p =
      level === 'county' || level === 'community'
        ? fetchCityAreas(city, sources[level], key)
        : Promise.resolve(null);
    loaded.set(key, p);
    p.catch(() => loaded.delete(key));
  }
  return p;
}

async function fetchCityAreas(city: string, s: Source, key: string): Promise<string | null> {
  const res = await fetch(s.url);
  if (!res.ok) throw new Error(`${s.url}: ${res.status} ${res.statusText}`);
  const topo = (await res.json()) as Topology;
  const object = topo.objects[s.object];
  if (!object) throw new Error(`${s.url} has no "${s.object}" object`);
  const geo = feature(topo, object) as FeatureCollection<Geometry, { code: string | number; name: string }>;
  const features = geo.features.filter((f) => s.inCity(String(f.properties.code), city));
  if (features.length === 0) return null;
  for (const f of features) f.properties.code = String(f.properties.code);
  const name = `risk-${key}`;
  echarts.registerMap(name, { type: 'FeatureCollection', features } as unknown as Parameters<
    typeof echarts.registerMap
  >[1]);
  return name;
}
