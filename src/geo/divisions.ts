/**
 * The built-in geography of China: 34 provinces, city-level units and 2020-census counties, read once
 * from the committed tables in ./data (built by scripts/build-geo.ts; sources in data/PROVENANCE.md).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { UserError } from '../errors.ts';

export type Level = 'province' | 'city' | 'county';

/** One division. Codes are six-digit GB/T 2260 codes; `parent` is null for provinces. */
export interface Division {
  code: string;
  name: string;
  /**
   * English name (data/names-en.csv, built by scripts/build-names.ts): the conventional name from
   * data/english-names.csv (Lhasa, Urumqi, Inner Mongolia), else pinyin with apostrophes (Xi'an) and the type
   * word (Aksu Prefecture, Chaoyang District); counties from machine pinyin.
   */
  nameEn: string;
  /** Toneless pinyin of the name without its suffix (Lasa, Wulumuqi), kept for search. */
  pinyin: string;
  level: Level;
  parent: string | null;
  province: string;
  /** 2020 census. 0 where the census has no count (Taiwan, Hong Kong, Macau, 350527 金门县): see PROVENANCE. */
  population: number;
  lon?: number;
  lat?: number;
}

/** Lookups over the divisions; every miss throws a `UserError` naming the value and close matches. */
export interface Divisions {
  /** A code shared by a city and its one county (441900 东莞市, 429004 仙桃市) gives the city, unless `level`. */
  byCode(code: string, level?: Level): Division;
  /** Exact Chinese name, name without its suffix (武汉, 湖北, 恩施), or pinyin in any case; higher levels win. */
  byName(name: string, level?: Level): Division;
  children(code: string): readonly Division[];
  list(level: Level): readonly Division[];
  /** The unit at `level` containing `code` (the division itself when it is at that level). */
  parentAt(code: string, level: Level): Division;
}

/** A case's city: its own, else its county's city, else null (no place, or a county the divisions do not know). */
export function cityOfCase(div: Divisions, city: string | null, county: string | null): string | null {
  if (city) return city;
  if (!county) return null;
  try {
    return div.parentAt(county, 'city').code;
  } catch {
    return null;
  }
}

/** CSV texts of the three tables, as written by scripts/build-geo.ts. */
export interface DivisionTables {
  provinces: string;
  cities: string;
  counties: string;
  /** names-en.csv (code,level,pinyin,name_en,source); without it nameEn and pinyin are the tables' name_en. */
  names?: string;
}

const NONE: readonly Division[] = Object.freeze([]);
const LEVELS: readonly Level[] = ['province', 'city', 'county'];
const rank = (level: Level) => LEVELS.indexOf(level);

// Longest first, so 自治区 is removed whole rather than just its 区.
const SUFFIXES = '特别行政区 自治区 自治州 自治县 自治旗 地区 林区 省 市 区 县 盟 旗'.split(' ');
// Minority names that precede 自治区/州/县/旗 (with or without 族), longest first so 土家 beats 土.
const ETHNIC = [
  ...'柯尔克孜 乌孜别克 维吾尔 哈萨克 塔吉克 达斡尔 鄂伦春 鄂温克 俄罗斯 塔塔尔 蒙古 布依 朝鲜 土家'.split(
    ' ',
  ),
  ...'哈尼 傈僳 拉祜 东乡 纳西 景颇 仫佬 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 德昂 保安 裕固 独龙'.split(' '),
  ...'赫哲 门巴 珞巴 基诺 高山'.split(' '),
  ...'回藏苗彝壮满侗瑶白傣黎佤畲水土羌怒京',
];

/** A Chinese name without its administrative suffix and minority names: 恩施土家族苗族自治州 -> 恩施. */
export function nameStem(name: string): string {
  let s = name;
  const suffix = SUFFIXES.find((x) => s.endsWith(x) && s.length > x.length);
  if (!suffix) return name;
  s = s.slice(0, -suffix.length);
  for (let changed = suffix.startsWith('自治'); changed;) {
    changed = false;
    for (const e of ETHNIC) {
      const tail = s.endsWith(`${e}族`) ? `${e}族` : s.endsWith(e) ? e : '';
      // Stems under two characters (西 from 西藏, 内 from 内蒙古) would be part of the place name.
      if (tail && s.length - tail.length >= 2) {
        s = s.slice(0, -tail.length);
        changed = true;
        break;
      }
    }
  }
  return s.length >= 2 ? s : name;
}

/** Pinyin compared without case, tone marks, spaces or apostrophes (Xi'an = xian). */
const normEn = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/** Levenshtein distance; names here are short, so the plain two-row version is enough. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

const sharedStart = (x: string, y: string) => {
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return n;
};
const reverse = (x: string) => [...x].reverse().join('');

/** How far `key` is from `query`: a prefix is half an edit; shared ends break ties (420199 -> 4201xx). */
function distance(query: string, key: string): number {
  if (query.length >= 2 && (key.startsWith(query) || query.startsWith(key))) return 0.5;
  return (
    editDistance(query, key) - (sharedStart(query, key) + sharedStart(reverse(query), reverse(key))) / 100
  );
}

function parseCsv(text: string, table: string, required: readonly string[]): Record<string, string>[] {
  const [head = '', ...lines] = text.split('\n').filter((l) => l.length > 0);
  const keys = head.split(',');
  const missing = required.filter((k) => !keys.includes(k));
  if (missing.length) throw new Error(`${table}.csv lacks column(s) ${missing.join(', ')}; rerun build-geo`);
  return lines.map((line, i) => {
    const cells = line.split(',');
    if (cells.length !== keys.length) {
      throw new Error(`${table}.csv line ${i + 2} has ${cells.length} fields, expected ${keys.length}`);
    }
    return Object.fromEntries(keys.map((k, j) => [k, cells[j] ?? '']));
  });
}

type Names = Map<string, { pinyin: string; nameEn: string }>;

function toDivision(
  r: Record<string, string>,
  level: Level,
  parent: string | null,
  province: string,
  names: Names,
): Division {
  const num = (v: string | undefined) => (v ? Number(v) : undefined);
  const [lon, lat] = [num(r.lon), num(r.lat)];
  const en = names.get(`${level}|${r.code}`);
  return Object.freeze({
    code: r.code ?? '',
    name: r.name ?? '',
    nameEn: en?.nameEn ?? r.name_en ?? '',
    pinyin: en?.pinyin ?? r.name_en ?? '',
    level,
    parent,
    province,
    // The CSV leaves unknown counts empty; 0 keeps the field a number, and callers filter on population > 0.
    population: num(r.population) ?? 0,
    ...(lon !== undefined && lat !== undefined ? { lon, lat } : {}),
  });
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Builds the lookups from the three CSV texts (the loader's pure half, usable on fixtures). */
export function divisionsFromCsv(tables: DivisionTables): Divisions {
  const base = ['code', 'name'];
  // English names may hold commas ("Jishishan Bonan, Dongxiang and Salar Autonomous County"): a real CSV parser.
  const names: Names = new Map(
    tables.names
      ? (parse(tables.names, { columns: true, skip_empty_lines: true }) as Record<string, string>[]).map(
          (r) => [`${r['level']}|${r['code']}`, { pinyin: r['pinyin'] ?? '', nameEn: r['name_en'] ?? '' }],
        )
      : [],
  );
  const byLevel: Record<Level, readonly Division[]> = {
    province: parseCsv(tables.provinces, 'provinces', [...base, 'name_en', 'population']).map((r) =>
      toDivision(r, 'province', null, r.code ?? '', names),
    ),
    city: parseCsv(tables.cities, 'cities', [...base, 'name_en', 'province_code']).map((r) =>
      toDivision(r, 'city', r.province_code ?? '', r.province_code ?? '', names),
    ),
    county: parseCsv(tables.counties, 'counties', [...base, 'city_code', 'province_code']).map((r) =>
      toDivision(r, 'county', r.city_code ?? '', r.province_code ?? '', names),
    ),
  };
  // The cn-atlas pinyin of the tables (Huhehaote) stays a name byName accepts.
  const atlas = new Map<Division, string>();
  for (const [l, text] of [
    ['province', tables.provinces],
    ['city', tables.cities],
  ] as const)
    for (const r of parseCsv(text, l, base)) {
      const d = byLevel[l].find((x) => x.code === r.code);
      if (d && r.name_en) atlas.set(d, r.name_en);
    }
  for (const l of LEVELS) Object.freeze(byLevel[l]);
  const all = LEVELS.flatMap((l) => byLevel[l]);
  const codes = Object.fromEntries(
    LEVELS.map((l) => [l, new Map(byLevel[l].map((d) => [d.code, d]))]),
  ) as Record<Level, Map<string, Division>>;
  const kids = new Map<string, Division[]>();
  const exact = new Map<string, Division[]>();
  const stems = new Map<string, Division[]>();
  const english = new Map<string, Division[]>();
  for (const d of all) {
    // Tables are sorted by code, so every child list comes out sorted too.
    if (d.parent !== null) push(kids, `${d.level === 'city' ? 'province' : 'city'}:${d.parent}`, d);
    push(exact, d.name, d);
    push(stems, nameStem(d.name), d);
    // English (Lhasa), pinyin (Lasa) and the atlas pinyin (Huhehaote), each once.
    const latin = new Set([d.nameEn, d.pinyin, atlas.get(d) ?? ''].map(normEn).filter(Boolean));
    for (const key of latin) push(english, key, d);
  }
  for (const list of kids.values()) Object.freeze(list);

  const label = (d: Division) => {
    const parent = d.parent === null ? undefined : (codes.city.get(d.parent) ?? codes.province.get(d.parent));
    return `${d.code} ${d.name}${d.nameEn ? ` ${d.nameEn}` : ''}${parent ? ` (${parent.name})` : ''}`;
  };
  const listing = (ds: readonly Division[]) => (ds.length ? ds.map(label).join(', ') : 'none');

  /** Up to 5 divisions whose code or name is within a small edit distance (or a prefix) of `query`. */
  const closeMatches = (query: string, keys: (d: Division) => string[], pool: readonly Division[]) => {
    const q = query.trim();
    const limit = Math.max(1, Math.floor(q.length / 2));
    const scored = pool.flatMap((d) => {
      const score = Math.min(...keys(d).map((k) => (k ? distance(q, k) : Infinity)));
      return score <= limit ? [{ d, score }] : [];
    });
    scored.sort(
      (a, b) => a.score - b.score || rank(a.d.level) - rank(b.d.level) || (a.d.code < b.d.code ? -1 : 1),
    );
    return scored.slice(0, 5).map((s) => s.d);
  };

  const byCode = (code: string, level?: Level): Division => {
    for (const l of level ? [level] : LEVELS) {
      const d = codes[l].get(code);
      if (d) return d;
    }
    const pool = level ? byLevel[level] : all;
    const near = closeMatches(code, (d) => [d.code], pool).filter((d) => d.code !== code);
    throw new UserError(
      `Unknown ${level ?? 'division'} code '${code}' (six digits, e.g. 420100 武汉市). ` +
        `Close matches: ${listing(near)}`,
    );
  };

  const byName = (name: string, level?: Level): Division => {
    const q = name.trim();
    const pick = (m: Map<string, Division[]>, key: string) =>
      (m.get(key) ?? []).filter((d) => level === undefined || d.level === level);
    let hits = pick(exact, q);
    if (!hits.length) hits = pick(stems, nameStem(q));
    if (!hits.length && normEn(q)) hits = pick(english, normEn(q));
    if (!hits.length) {
      // Counties' Latin names are machine pinyin of 2,990 short names: as close matches they would crowd out the
      // city the user most likely meant (Wuhna -> 五华区 before 武汉市), so they match exactly only.
      const latinKeys = (d: Division) => (d.level === 'county' ? [] : [normEn(d.nameEn), normEn(d.pinyin)]);
      const keys = (d: Division) => [d.name, nameStem(d.name), ...latinKeys(d)];
      const pool = level ? byLevel[level] : all;
      const latin = normEn(q);
      const near = [
        ...new Set([...closeMatches(q, keys, pool), ...(latin ? closeMatches(latin, keys, pool) : [])]),
      ].slice(0, 5);
      throw new UserError(`Unknown ${level ?? 'division'} name '${name}'. Close matches: ${listing(near)}`);
    }
    const top = Math.min(...hits.map((d) => rank(d.level)));
    const best = hits.filter((d) => rank(d.level) === top);
    const [first] = best;
    if (first && best.length === 1) return first;
    const more = best.length > 8 ? ` and ${best.length - 8} more` : '';
    throw new UserError(
      `Division name '${name}' is ambiguous: ${listing(best.slice(0, 8))}${more}; use the code or a level.`,
    );
  };

  const parentAt = (code: string, level: Level): Division => {
    let d = byCode(code);
    if (rank(level) > rank(d.level)) {
      throw new UserError(`${label(d)} is a ${d.level}; it has no ${level} above it`);
    }
    while (d.level !== level && d.parent !== null) {
      d = byCode(d.parent, LEVELS[rank(d.level) - 1]);
    }
    return d;
  };

  return {
    byCode,
    byName,
    children: (code) => {
      const d = byCode(code);
      return kids.get(`${d.level}:${d.code}`) ?? NONE;
    },
    list: (level) => byLevel[level],
    parentAt,
  };
}

let loaded: Divisions | undefined;

/** The built-in divisions, read from ./data on first use and shared afterwards. */
export function loadDivisions(): Divisions {
  if (!loaded) {
    const dir = new URL('./data/', import.meta.url);
    const read = (table: string) => readFileSync(new URL(`${table}.csv`, dir), 'utf8');
    loaded = divisionsFromCsv({
      provinces: read('provinces'),
      cities: read('cities'),
      counties: read('counties'),
      names: read('names-en'),
    });
  }
  return loaded;
}
