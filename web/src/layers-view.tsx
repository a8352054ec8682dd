import { useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { getDivisions } from './api.ts';
import type { Division } from './api.ts';
import { echarts } from './echarts.ts';
import { ExportButtons } from './export.tsx';
import type { ExportColumn } from './export.tsx';
import type { ChartOption } from './echarts.ts';
import { dayText, numberText } from './format.ts';
import { LangContext, useStrings } from './i18n.ts';
import type { Lang } from './i18n.ts';
import { classIndex, noDataColour, populationClasses } from './layers-scale.ts';
import type { PopulationClass } from './layers-scale.ts';
import { isLayer, layers, loadLayer } from './map-layers.ts';
import type { Layer, LoadedLayer } from './map-layers.ts';
import { useChart } from './use-chart.ts';
import { areaName, placeName, useViewsStrings, viewsStrings } from './views-i18n.ts';
import type { ViewsStrings } from './views-i18n.ts';
import './views.css';

/** The 7th census's reference moment (国家统计局: 2020年11月1日零时). */
const CENSUS_DAY = '2020-11-01';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** One region as the map shows it: names in both languages and its population (null: no data). */
export type ShadedRegion = { code: string; name: string; nameEn: string; population: number | null };

/** The divisions a layer's figures come from: its own level, or the counties whose names the communities use. */
function divisionLevel(layer: Layer): 'province' | 'city' | 'county' {
  return layer === 'community' ? 'county' : layer;
}

/**
 * The layer's regions with their figures: census population from /api/divisions for provinces, cities and
 * counties (0 there means no census count, shown as no data); the synthetic communities' own population.
 */
export function shadeRegions(loaded: LoadedLayer, divisions: Division[]): ShadedRegion[] {
  const byCode = new Map(divisions.map((d) => [d.code, d]));
  // Wuhan's counties by name: the synthetic communities name their county in Chinese.
  const wuhan = new Map(divisions.filter((d) => d.code.startsWith('4201')).map((d) => [d.name, d]));
  return loaded.regions.map((r) => {
    if (loaded.layer === 'community') {
      // '汉阳区 合成街道 001 社区 001 (synthetic)': written out in each language, the county's English name in English.
      const county = wuhan.get(r.name.split(' ')[0] ?? '');
      return {
        code: r.code,
        name: areaName(r.name, 'zh'),
        nameEn: areaName(r.name, 'en', county?.nameEn),
        population: r.population !== null && r.population > 0 ? r.population : null,
      };
    }
    const d = byCode.get(r.code);
    return {
      code: r.code,
      name: d?.name ?? r.name,
      nameEn: d?.nameEn ?? '',
      population: d && d.population > 0 ? d.population : null,
    };
  });
}

/** Boundaries of one chosen layer coloured by population, with a legend in people and region names. */
export function LayersView() {
  const t = useStrings();
  const v = useViewsStrings();
  const lang = useContext(LangContext);
  const [layer, setLayer] = useState<Layer>('province');
  const [loaded, setLoaded] = useState<LoadedLayer | null>(null);
  const [divisions, setDivisions] = useState<{ level: string; rows: Division[] } | null>(null);
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
    const level = divisionLevel(layer);
    const ctl = new AbortController();
    getDivisions(level, ctl.signal).then(
      (rows) => live && setDivisions({ level, rows }),
      (err: unknown) => live && !ctl.signal.aborted && setError(message(err)),
    );
    return () => {
      live = false;
      ctl.abort();
    };
  }, [layer]);

  const ready0 = loaded?.layer === layer && divisions?.level === divisionLevel(layer);
  const regions = useMemo(
    () => (ready0 && loaded && divisions ? shadeRegions(loaded, divisions.rows) : null),
    [ready0, loaded, divisions],
  );
  const classes = useMemo(
    () => (regions ? populationClasses(regions.map((r) => r.population ?? 0)) : []),
    [regions],
  );
  const option = useMemo(
    () => (loaded && regions ? layersOption(loaded, regions, classes, lang) : null),
    [loaded, regions, classes, lang],
  );
  const onRendered = useCallback(() => setDrawn(loaded?.layer ?? null), [loaded]);
  const ref = useChart(option, onRendered);
  const ready = !error && regions !== null && loaded?.layer === layer && drawn === layer;
  const noData = regions?.filter((r) => r.population === null).length ?? 0;

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
          {ready && regions ? t.regions(regions.length) : ''}
        </span>
      </div>
      {layer === 'community' && (
        <p className="synthetic-note" role="note" data-testid="layers-synthetic">
          {t.communitiesSynthetic} {v.layersSyntheticSource}
        </p>
      )}
      <div className="layers-body">
        <div className="panel map-wrap">
          <div ref={ref} className="chart chart-layers" data-testid="layers-map" />
          {error && (
            <p className="chart-overlay error" role="alert">
              {t.layerUnavailable}: {error}
            </p>
          )}
          {!ready && !error && <p className="chart-overlay">{t.loading}</p>}
        </div>
        {ready && regions && (
          <aside className="panel layers-legend" data-testid="layers-legend">
            <h3>{layer === 'community' ? v.layersLegendSynthetic : v.layersLegendCensus}</h3>
            {classes.length === 0 && <p className="muted">{v.layersNoFigures}</p>}
            <ul>
              {[...classes].reverse().map((c) => (
                <li key={c.lo} data-lo={c.lo} data-hi={c.hi} data-regions={c.regions}>
                  <span className="swatch" style={{ background: c.colour }} />
                  <span className="legend-range">
                    {numberText(c.lo, lang)} – {numberText(c.hi, lang)}
                  </span>
                  <span className="muted small">{v.layersClassRegions(c.regions)}</span>
                </li>
              ))}
              {noData > 0 && (
                <li data-testid="layers-legend-nodata" data-regions={noData}>
                  <span className="swatch swatch-nodata" style={{ backgroundColor: noDataColour }} />
                  <span className="legend-range">{v.layersNoData}</span>
                  <span className="muted small">{v.layersClassRegions(noData)}</span>
                </li>
              )}
            </ul>
            {noData > 0 && layer !== 'community' && <p className="muted small">{v.layersNoDataWhere}</p>}
            <p className="muted small" data-testid="layers-labels-note">
              {v.layersLabels[layer]}
            </p>
            <ExportButtons
              name={`population-${layer}`}
              rows={regions}
              synthetic={loaded?.regions.some((r) => r.synthetic) ?? false}
              columns={exportColumns(v)}
              testId="layers-export"
            />
            <p className="muted small" data-testid="layers-source">
              {layer === 'community' ? v.layersSyntheticSource : v.layersSource(dayText(CENSUS_DAY, lang))}
            </p>
          </aside>
        )}
      </div>
    </section>
  );
}

/** The export of a layer's regions: code, both names, population (empty: no data). */
function exportColumns(v: ViewsStrings): ExportColumn<ShadedRegion>[] {
  return [
    { key: 'code', header: v.layersCode, value: (r) => r.code },
    { key: 'name', header: v.colNameZh, value: (r) => r.name },
    { key: 'nameEn', header: v.colNameEn, value: (r) => r.nameEn },
    { key: 'population', header: v.layersPopulation, value: (r) => r.population },
  ];
}

/**
 * The layer's map: regions filled by population class (grey: no data); province names always shown, names of
 * the most populous cities where they do not overlap, every name on hover; the
 * tooltip gives both names, the code and the population.
 */
export function layersOption(
  { layer, mapName }: LoadedLayer,
  regions: ShadedRegion[],
  classes: PopulationClass[],
  lang: Lang,
): ChartOption {
  const byCode = new Map(regions.map((r) => [r.code, r]));
  const v = viewsStrings[lang];
  const encode = echarts.format.encodeHTML;
  const shown = (code: string) => {
    const r = byCode.get(code);
    return r ? placeName(lang, r.name, r.nameEn) : code;
  };
  return {
    animation: false,
    tooltip: {
      trigger: 'item',
      formatter: (params) => {
        const code = (params as { name: string }).name;
        const r = byCode.get(code);
        if (!r) return encode(code);
        const main = placeName(lang, r.name, r.nameEn);
        const other = lang === 'en' ? r.name : r.nameEn;
        const pop = r.population === null ? v.layersNoData : v.layersPeople(numberText(r.population, lang));
        // Tooltips are HTML: names come from data files, so escape them.
        return [
          `<strong>${encode(main)}</strong>${other && other !== main ? ` ${encode(other)}` : ''}`,
          `${encode(v.layersCode)}: ${encode(code)}`,
          `${encode(v.layersPopulation)}: ${encode(pop)}`,
        ].join('<br/>');
      },
    },
    series: [
      {
        type: 'map',
        map: mapName,
        nameProperty: 'code',
        roam: true,
        scaleLimit: { min: 0.8, max: 40 },
        selectedMode: false,
        // Centre and size rather than four edges: with all four set ECharts stretches the map to the box.
        layoutCenter: ['50%', '50%'],
        layoutSize: '96%',
        // Thinner borders where regions are small, or the county map turns white.
        itemStyle: {
          areaColor: noDataColour,
          borderColor: '#ffffff',
          borderWidth: layer === 'county' || layer === 'community' ? 0.25 : 0.6,
        },
        label: {
          show: false,
          fontSize: layer === 'province' ? 11 : 9,
          color: '#111827',
          textBorderColor: '#ffffff',
          textBorderWidth: 2,
          formatter: (p: { name: string }) => shown(p.name),
        },
        // Overlapping labels are hidden; zooming in spreads the regions and brings them back.
        labelLayout: { hideOverlap: layer !== 'province' },
        emphasis: {
          label: { show: true, formatter: (p: { name: string }) => shown(p.name) },
          itemStyle: { areaColor: '#c2410c' },
        },
        data: regions.map((r) => {
          const i = classIndex(classes, r.population);
          const c = classes[i];
          // Cities: only the two most populous classes carry a name (more would cover the map); hover for any.
          const named = layer === 'province' || (layer === 'city' && i >= classes.length - 2);
          return {
            name: r.code,
            value: r.population ?? NaN,
            itemStyle: { areaColor: c?.colour ?? noDataColour },
            label: { show: named },
          };
        }),
      },
    ],
  };
}
