/**
 * Builds the committed geography of China from the public files in ../shared/data/geo:
 * src/geo/data/{provinces,cities,counties}.csv, counties.topo.json, communities-<focal>.topo.json and
 * PROVENANCE.md; web/public/geo/{provinces,cities,counties,communities-<focal>}.topo.json.
 * Run: `npx tsx scripts/build-geo.ts [--data DIR] [--focal CODE]` (DIR relative to the repo root, default
 * ../shared/data; CODE the city whose SYNTHETIC communities are built, default 420100 Wuhan).
 * Output is deterministic: same input files, same bytes.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Topology } from 'topojson-specification';
import { UserError } from '../src/errors.ts';
import { DEFAULT_VORONOI } from '../src/geo/community-voronoi.ts';
import { FOCAL_CITY } from '../src/geo/communities.ts';
import { polygonIndex } from '../src/geo/polygon-index.ts';
import { byCode, bytes, csv, fmt, pop, thousands } from './geo-common.ts';
import { communityFiles } from './geo-communities.ts';
import { lonLatCounties } from './geo-counties.ts';
import type { Built } from './geo-provenance.ts';
import { provenance } from './geo-provenance.ts';
import { fitBudget, polygons, webTopology } from './geo-shapes.ts';
import { atlasCity, buildTables, inputFiles } from './geo-tables.ts';
import type { Tables } from './geo-tables.ts';

const REPO = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const OUT_DATA = path.join(REPO, 'src/geo/data');
const OUT_WEB = path.join(REPO, 'web/public/geo');

/**
 * Byte budgets of the browser files (issue: provinces ~300 KB, cities ~800 KB, counties at most ~2 MB,
 * all of web/public/geo at most ~3.5 MB); we aim under each. Counties take ~40% of their points at this
 * size, plenty for a zoomable county layer.
 */
const BUDGET = {
  provinces: 280_000,
  cities: 760_000,
  counties: 1_300_000,
  communities: 150_000,
  web: 3_500_000,
};
/** Server copy: full detail, 1e6 steps across China (~6 m), finer than the source's ~50 m grid. */
const SERVER_QUANTIZATION = 1e6;
const SERVER_BUDGET = 3_000_000;

/**
 * Checks each county's centroid against the cn-atlas polygon of its own city (an independent test of the
 * fit) and against its own converted polygon (concave, ring-shaped and island counties fail that).
 */
function centroidCheck(t: Tables, serverCounties: string): Built['centroidCheck'] {
  const atlas = polygonIndex(
    t.prefectureShapes.map((f) => ({ geometry: f.geometry, value: atlasCity(String(f.properties.id)) })),
  );
  const own = polygonIndex(
    polygons(JSON.parse(serverCounties) as Topology, 'counties').map((f) => ({
      geometry: f.geometry,
      value: String(f.properties.code),
    })),
  );
  const located = t.counties.filter((c) => c.lon !== undefined && c.lat !== undefined);
  const elsewhere = located.filter((c) => atlas.find(c.lon ?? NaN, c.lat ?? NaN) !== c.parent);
  return {
    inside: located.length - elsewhere.length,
    total: t.counties.length,
    elsewhere: elsewhere.map((c) => `${c.code} ${c.name}`),
    outsideOwn: located.filter((c) => own.find(c.lon ?? NaN, c.lat ?? NaN) !== c.code).length,
  };
}

function build(dataDir: string, focal: string): Built {
  const files = inputFiles(dataDir);
  const t = buildTables(files);
  const named = (code: string, name: string) => ({ code, name });
  const webProvinces = webTopology(
    'provinces',
    t.provinceShapes
      .map((f) => ({ ...f, properties: named(String(f.properties.id), String(f.properties['地名'])) }))
      .sort((a, b) => byCode(a.properties, b.properties)),
    BUDGET.provinces,
  );
  const webCities = webTopology(
    'cities',
    t.prefectureShapes
      .map((f) => {
        const code = atlasCity(String(f.properties.id));
        return { ...f, properties: named(code, t.cityName.get(code) ?? String(f.properties['地名'])) };
      })
      .sort((a, b) => byCode(a.properties, b.properties)),
    BUDGET.cities,
  );
  const counties = lonLatCounties(t.countyTopo, t.toLonLat, t.counties);
  const serverCounties = fitBudget(counties.topology, SERVER_BUDGET, SERVER_QUANTIZATION);
  const webCounties = fitBudget(counties.topology, BUDGET.counties);
  const community = communityFiles(
    serverCounties.json,
    t.counties,
    focal,
    BUDGET.communities,
    DEFAULT_VORONOI,
  );
  const web = { provinces: webProvinces, cities: webCities, counties: webCounties };
  const webTotal = [...Object.values(web).map((w) => w.json), community.web.json].reduce(
    (s, json) => s + bytes(json),
    0,
  );
  if (webTotal > BUDGET.web) throw new Error(`web/public/geo would hold ${webTotal} bytes > ${BUDGET.web}`);
  return {
    ...t,
    ...{ files, web, budget: BUDGET, serverCounties, serverQuantization: SERVER_QUANTIZATION, community },
    ...{
      voronoi: DEFAULT_VORONOI,
      countyNotes: counties.notes,
      centroidCheck: centroidCheck(t, serverCounties.json),
      webTotal,
    },
  };
}

function write(r: Built, dataDir: string) {
  mkdirSync(OUT_DATA, { recursive: true });
  mkdirSync(OUT_WEB, { recursive: true });
  const out = (dir: string, file: string, text: string) => writeFileSync(path.join(dir, file), text);
  out(
    OUT_DATA,
    'provinces.csv',
    csv(
      ['code', 'name', 'name_en', 'population', 'lon', 'lat'],
      r.provinces.map((u) => [u.code, u.name, u.nameEn, pop(u.population), fmt(u.lon), fmt(u.lat)]),
    ),
  );
  out(
    OUT_DATA,
    'cities.csv',
    csv(
      ['code', 'name', 'name_en', 'province_code', 'population', 'lon', 'lat'],
      r.cities.map((u) => [u.code, u.name, u.nameEn, u.province, pop(u.population), fmt(u.lon), fmt(u.lat)]),
    ),
  );
  out(
    OUT_DATA,
    'counties.csv',
    csv(
      ['code', 'name', 'city_code', 'province_code', 'population', 'lon', 'lat'],
      r.counties.map((u) => [
        u.code,
        u.name,
        u.parent,
        u.province,
        pop(u.population),
        fmt(u.lon),
        fmt(u.lat),
      ]),
    ),
  );
  const communities = `communities-${r.community.city}.topo.json`;
  out(OUT_DATA, 'counties.topo.json', r.serverCounties.json);
  out(OUT_DATA, communities, r.community.server);
  out(OUT_DATA, 'PROVENANCE.md', provenance(r, dataDir));
  out(OUT_WEB, 'provinces.topo.json', r.web.provinces.json);
  out(OUT_WEB, 'cities.topo.json', r.web.cities.json);
  out(OUT_WEB, 'counties.topo.json', r.web.counties.json);
  out(OUT_WEB, communities, r.community.web.json);
}

const started = performance.now();
try {
  const { values } = parseArgs({
    options: {
      data: { type: 'string', default: '../shared/data' },
      focal: { type: 'string', default: FOCAL_CITY },
    },
  });
  const dataDir = path.resolve(REPO, values.data);
  if (!existsSync(dataDir)) throw new UserError(`data folder ${dataDir} not found; pass --data DIR`);
  if (!/^\d{6}$/.test(values.focal))
    throw new UserError(`--focal ${values.focal}: need a six-digit city code`);
  const r = build(dataDir, values.focal);
  write(r, dataDir);
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `build-geo: ${r.provinces.length} provinces, ${r.cities.length} cities, ${r.counties.length} counties ` +
      `(population ${thousands(r.total)}), Albers median residual ${r.fit.medianKm.toFixed(2)} km, ` +
      `${r.community.communities} synthetic communities in ${r.community.streets} streets of ${r.community.city}, ` +
      `web/public/geo ${thousands(r.webTotal)} bytes, ${secs} s`,
  );
} catch (err) {
  if (!(err instanceof UserError)) throw err;
  console.error(`build-geo: ${err.message}`);
  process.exitCode = err.exitCode;
}
