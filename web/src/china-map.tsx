import { useEffect, useMemo, useState } from 'react';
import { feature } from 'topojson-client';
import type { FeatureCollection, Geometry } from 'geojson';
import type { Topology } from 'topojson-specification';
import type { ProvinceCount } from './api.ts';
import { echarts } from './echarts.ts';
import type { ChartOption } from './echarts.ts';
import { useStrings } from './i18n.ts';
import type { Strings } from './i18n.ts';
import { countText } from './format.ts';
import { useChart } from './use-chart.ts';

const mapName = 'china-provinces';
const suppressedColour = '#b8bec8';

type ProvinceProps = { code: string | number; name: string };

let loading: Promise<Map<string, string>> | null = null;

/** Registers the province map once per page; resolves to province names by code. */
function loadProvinces(): Promise<Map<string, string>> {
  loading ??= (async () => {
    const res = await fetch('/geo/provinces.topo.json');
    if (!res.ok) throw new Error(`/geo/provinces.topo.json: ${res.status} ${res.statusText}`);
    const topo = (await res.json()) as Topology;
    const object = topo.objects['provinces'];
    if (!object) throw new Error('/geo/provinces.topo.json has no "provinces" object');
    const geo = feature(topo, object) as FeatureCollection<Geometry, ProvinceProps>;
    // Codes as strings so that they match the API's codes whatever type the file stores.
    for (const f of geo.features) f.properties.code = String(f.properties.code);
    echarts.registerMap(mapName, geo as unknown as Parameters<typeof echarts.registerMap>[1]);
    return new Map(geo.features.map((f) => [String(f.properties.code), f.properties.name]));
  })();
  loading.catch(() => {
    loading = null; // let a later render retry
  });
  return loading;
}

type Props = { byProvince: ProvinceCount[]; k: number; testId: string };

/** Provinces of China coloured by the number of people who went there. */
export function ChinaMap({ byProvince, k, testId }: Props) {
  const t = useStrings();
  const [names, setNames] = useState<Map<string, string> | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    loadProvinces().then(
      (m) => live && setNames(m),
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
  }, []);

  const option = useMemo(
    () => (names ? mapOption(byProvince, names, k, t) : null),
    [names, byProvince, k, t],
  );

  const ref = useChart(option);
  return (
    <div className="map-wrap">
      <div ref={ref} className="chart chart-map" data-testid={testId} />
      {error && (
        <p className="chart-overlay error">
          {t.mapUnavailable}: {error}
        </p>
      )}
      {!names && !error && <p className="chart-overlay">{t.loading}</p>}
      <p className="map-legend">
        <span className="swatch" style={{ background: suppressedColour }} /> {t.suppressed(k)}
      </p>
    </div>
  );
}

/** The map's option; `names` gives province names by code for the tooltip. */
export function mapOption(
  byProvince: ProvinceCount[],
  names: Map<string, string>,
  k: number,
  t: Strings,
): ChartOption {
  const byCode = new Map(byProvince.map((p) => [p.code, p]));
  const max = Math.max(1, ...byProvince.map((p) => p.count ?? 0));
  // Colour by the square root: the origin's own province would otherwise wash out all others.
  // The tooltip and the scale's end labels show real counts.
  const shade = (count: number) => Math.sqrt(count);
  return {
    animation: false,
    tooltip: {
      trigger: 'item',
      formatter: (params) => {
        const code = (params as { name: string }).name;
        const p = byCode.get(code);
        const name = names.get(code) ?? p?.name ?? code;
        // Tooltips are HTML: escape names and the "<" of "< k".
        return echarts.format.encodeHTML(`${name}: ${p ? countText(p, k, t) : t.noFlows}`);
      },
    },
    visualMap: {
      type: 'continuous',
      min: 0,
      max: shade(max),
      left: 8,
      bottom: 8,
      itemHeight: 100,
      text: [String(max), '0'],
      calculable: false,
      inRange: { color: ['#fde7d3', '#f08a4b', '#b1361e', '#6b1a0c'] },
      seriesIndex: 0,
    },
    series: [
      {
        type: 'map',
        map: mapName,
        nameProperty: 'code',
        roam: false,
        selectedMode: false,
        // Room on the left for the colour scale.
        left: 64,
        right: 8,
        top: 8,
        bottom: 8,
        itemStyle: { areaColor: '#eef0f3', borderColor: '#ffffff', borderWidth: 0.6 },
        emphasis: { label: { show: false }, itemStyle: { areaColor: '#facc15' } },
        data: byProvince.map((p) =>
          p.count === null
            ? // '-' keeps a suppressed province off the colour scale; its own grey says "< k".
              { name: p.code, value: '-', itemStyle: { areaColor: suppressedColour } }
            : { name: p.code, value: shade(p.count) },
        ),
      },
    ],
  };
}
