/**
 * Reads the two real sources the travel model is fitted to, mapped onto the built-in cities:
 * - Li R. et al., Science 2020 ("Substantial undocumented infection facilitates the rapid dissemination of
 *   novel coronavirus (SARS-CoV-2)"), github SenPei-CU/COVID-19, Apache-2.0: Mobility.csv, daily mobility
 *   index between 375 cities, 2020-01-10..23 (day 1..14), listing only each origin's top destinations;
 * - Kraemer et al., Science 2020, github Emergent-Epidemics/covid19_npi_china, MIT:
 *   human_mobility_from_wuhan.csv, Baidu's share of Wuhan's outflow going to each province, per day.
 * Read from ../shared/data at fit and test time only; nothing of them is committed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { loadDivisions } from '../geo/divisions.ts';
import { builtinGeo } from './cities.ts';
import type { FitInput } from './travel-fit.ts';
import { provinceOf } from './travel.ts';
import type { TravelCity } from './travel.ts';

/** Li's codes that are not our 2020 city codes, and the city that holds each place today. */
export const LI_CODE_TO_OURS: Readonly<Record<string, string>> = {
  // Municipalities carry their province code in Li's table.
  '110000': '110100',
  '120000': '120100',
  '310000': '310100',
  '500000': '500100',
  // Prefectures that became prefecture-level cities (new codes): Danzhou 2015, Tibet 2014-2018,
  // Haidong 2013, Turpan 2015, Hami 2016.
  '469003': '460400',
  '542100': '540300',
  '542200': '540500',
  '542300': '540200',
  '542400': '540600',
  '542600': '540400',
  '632100': '630200',
  '652100': '650400',
  '652200': '650500',
  // Places inside one of our cities: Chaohu (part of Hefei since 2011), Laiwu (part of Jinan since 2019),
  // Li's 9000xx entries: Hotan county, Moyu and Yutian (Hotan prefecture) and Gejiu (Honghe prefecture).
  '341400': '340100',
  '371200': '370100',
  '900001': '653200',
  '900002': '653200',
  '900003': '653200',
  '900004': '532500',
};

/** Baidu's English province names that differ from our pinyin ones. */
const BAIDU_PROVINCE: Readonly<Record<string, string>> = { 'Inner Mongolia': '15', Tibet: '54' };

/** One origin on one day of Li's table: the listed destinations (our city indices) and their index. */
export interface OriginDay {
  day: number;
  origin: number;
  dests: number[];
  index: number[];
}

/** Li's table mapped onto our cities. */
export interface LiMobility {
  originDays: OriginDay[];
  /** How Li's 375 entries matched: same code, renamed code, merged into a containing city, not simulated. */
  matched: { same: number; renamed: number; merged: number; unmatched: string[] };
}

/** Baidu's shares of Wuhan's outflow by province (2-digit prefix), fractions, per date. */
export type BaiduShares = Map<string, Map<string, number>>;

const rows = (file: string): Record<string, string>[] =>
  parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as Record<
    string,
    string
  >[];

/** Reads Li's Mobility.csv and city_coordinates.csv from `dir`, mapped onto `cities`. */
export function readLiMobility(dir: string, cities: readonly TravelCity[]): LiMobility {
  const ours = new Map(cities.map((c, i) => [c.code, i]));
  const matched = { same: 0, renamed: 0, merged: 0, unmatched: [] as string[] };
  const cityOfName = new Map<string, number>();
  const liCodeOfName = new Map<string, string>();
  const merging = new Set(['341400', '371200', '900001', '900002', '900003', '900004']);
  for (const r of rows(join(dir, 'city_coordinates.csv'))) {
    const code = r.Code!;
    const target = ours.has(code) ? code : LI_CODE_TO_OURS[code];
    if (target === undefined || !ours.has(target)) {
      matched.unmatched.push(`${code} ${r.Name}`);
      continue;
    }
    if (target === code) matched.same++;
    else if (merging.has(code)) matched.merged++;
    else matched.renamed++;
    cityOfName.set(r.Name!, ours.get(target)!);
    liCodeOfName.set(r.Name!, code);
  }
  // Li lists 659004 three times (Wujiaqu, Wujiaqushi, Beitun) with identical rows: keep one per Li code pair.
  const seen = new Set<string>();
  const byOriginDay = new Map<string, Map<number, number>>();
  for (const r of rows(join(dir, 'Mobility.csv'))) {
    const o = cityOfName.get(r.Origin!);
    const d = cityOfName.get(r.Destination!);
    if (o === undefined || d === undefined || o === d) continue;
    const key = `${r.Day}|${liCodeOfName.get(r.Origin!)}|${liCodeOfName.get(r.Destination!)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const od = `${r.Day}|${o}`;
    const m = byOriginDay.get(od) ?? new Map<number, number>();
    byOriginDay.set(od, m);
    m.set(d, (m.get(d) ?? 0) + Number(r['Mobility Index']));
  }
  const originDays = [...byOriginDay].map(([k, m]) => {
    const [day, origin] = k.split('|').map(Number) as [number, number];
    return { day, origin, dests: [...m.keys()], index: [...m.values()] };
  });
  return { originDays, matched };
}

/** Reads Baidu's daily province shares of Wuhan's outflow (human_mobility_from_wuhan.csv) from `dir`. */
export function readBaiduShares(dir: string, provinceByName: (name: string) => string): BaiduShares {
  const out: BaiduShares = new Map();
  for (const r of rows(join(dir, 'human_mobility_from_wuhan.csv'))) {
    const prov = BAIDU_PROVINCE[r.province!] ?? provinceByName(r.province!);
    const day = out.get(r.date!) ?? new Map<string, number>();
    out.set(r.date!, day);
    day.set(prov, (day.get(prov) ?? 0) + Number(r.percentage) / 100);
  }
  return out;
}

/** Mean of the daily shares over `dates` (a province missing on a day counts 0 that day). */
export function meanShares(baidu: BaiduShares, dates: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const date of dates) {
    const day = baidu.get(date);
    if (!day) throw new Error(`no Baidu shares for ${date}`);
    for (const [p, s] of day) out.set(p, (out.get(p) ?? 0) + s / dates.length);
  }
  return out;
}

/** Baidu dates the fit uses: 2020-01-10..22, the days Li's table covers before Wuhan's lockdown of Jan 23. */
export const FIT_DATES = Array.from({ length: 13 }, (_, i) => `2020-01-${String(10 + i).padStart(2, '0')}`);

/** Li's day numbers for FIT_DATES (day 1 = 2020-01-10). */
export const FIT_LI_DAYS = FIT_DATES.map((_, i) => i + 1);

/** The fit's input from the shared data folder (`dir` holds epi/li2020-375-cities and epi/wuhan-baidu-2020). */
export function loadFitInput(dir: string): {
  input: FitInput;
  matched: LiMobility['matched'];
  baiduDaily: BaiduShares;
} {
  const { cities } = builtinGeo();
  const div = loadDivisions();
  const li = readLiMobility(join(dir, 'epi/li2020-375-cities'), cities);
  const baiduDaily = readBaiduShares(join(dir, 'epi/wuhan-baidu-2020'), (name) =>
    provinceOf(div.byName(name, 'province').code),
  );
  const days = new Set(FIT_LI_DAYS);
  const wuhan = cities.findIndex((c) => c.code === '420100');
  return {
    input: {
      cities,
      originDays: li.originDays.filter((od) => days.has(od.day)),
      wuhan,
      baidu: meanShares(baiduDaily, FIT_DATES),
    },
    matched: li.matched,
    baiduDaily,
  };
}
