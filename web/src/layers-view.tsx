import { useCallback, useEffect, useMemo, useState } from 'react';
import { echarts } from './echarts.ts';
import type { ChartOption } from './echarts.ts';
import { useStrings } from './i18n.ts';
import { isLayer, layers, loadLayer } from './map-layers.ts';
import type { Layer, LoadedLayer } from './map-layers.ts';
import { useChart } from './use-chart.ts';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Boundaries of one chosen layer (province, city, county, synthetic Wuhan communities), each region coloured. */
export function LayersView() {
  const t = useStrings();
  const [layer, setLayer] = useState<Layer>('province');
  const [loaded, setLoaded] = useState<LoadedLayer | null>(null);
  // The layer ECharts last finished drawing: the count is shown only once its regions are on screen.
  const [drawn, setDrawn] = useState<Layer | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setError(null);
    loadLayer(layer).then(
      (l) => live && setLoaded(l),
      (err: unknown) => live && setError(message(err)),
    );
    return () => {
      live = false;
    };
  }, [layer]);

  const option = useMemo(() => (loaded ? layersOption(loaded) : null), [loaded]);
  const onRendered = useCallback(() => setDrawn(loaded?.layer ?? null), [loaded]);
  const ref = useChart(option, onRendered);
  const ready = !error && loaded?.layer === layer && drawn === layer;

  return (
    <section className="layers" data-testid="layers-view">
      <div className="toolbar">
        <h2>{t.layersTitle}</h2>
        <label>
          {t.layer}
          <select
            name="layer"
            data-testid="layer-select"
            value={layer}
            onChange={(e) => isLayer(e.target.value) && setLayer(e.target.value)}
          >
            {layers.map((l) => (
              <option key={l} value={l}>
                {t.layerNames[l]}
              </option>
            ))}
          </select>
        </label>
        <span className="layers-count" data-testid="layers-count">
          {ready ? t.regions(loaded.regions.length) : ''}
        </span>
      </div>
      {layer === 'community' && (
        <p className="synthetic-note" role="note" data-testid="layers-synthetic">
          {t.communitiesSynthetic}
        </p>
      )}
      <div className="panel map-wrap">
        <div ref={ref} className="chart chart-layers" data-testid="layers-map" />
        {error && (
          <p className="chart-overlay error" role="alert">
            {t.layerUnavailable}: {error}
          </p>
        )}
        {!ready && !error && <p className="chart-overlay">{t.loading}</p>}
      </div>
    </section>
  );
}

/** The layer's map: every region filled with its own colour, code and name in the tooltip. */
export function layersOption({ layer, mapName, regions }: LoadedLayer): ChartOption {
  const byCode = new Map(regions.map((r) => [r.code, r]));
  const encode = echarts.format.encodeHTML;
  return {
    animation: false,
    tooltip: {
      trigger: 'item',
      formatter: (params) => {
        const code = (params as { name: string }).name;
        // Tooltips are HTML: names come from a data file, so escape them.
        return `${encode(byCode.get(code)?.name ?? code)}<br/>${encode(code)}`;
      },
    },
    series: [
      {
        type: 'map',
        map: mapName,
        nameProperty: 'code',
        roam: true,
        selectedMode: false,
        // Centre and size rather than four edges: with all four set ECharts stretches the map to the box.
        layoutCenter: ['50%', '50%'],
        layoutSize: '96%',
        // Thinner borders where regions are small, or the county map turns white.
        itemStyle: { borderColor: '#ffffff', borderWidth: layer === 'county' ? 0.25 : 0.6 },
        emphasis: { label: { show: false }, itemStyle: { areaColor: '#c2410c' } },
        data: regions.map((r) => ({ name: r.code, itemStyle: { areaColor: r.colour } })),
      },
    ],
  };
}
