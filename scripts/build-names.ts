/**
 * Builds src/geo/data/names-en.csv: for every province, city and county its toneless pinyin (kept for search)
 * and its English name. English names: the conventional name from src/geo/data/english-names.csv where it
 * has one, else the pinyin of the name without its administrative suffix, written by the Chinese phonetic
 * alphabet orthography rule GB/T 16159-2012 (syllables of one place name joined; an apostrophe before a
 * syllable beginning with a, o or e: Xi'an, Lu'an), followed by the English type word of the suffix
 * (District, County, Banner, Autonomous Prefecture...). Pinyin comes from the pinyin-pro library (machine
 * pinyin: a polyphone can be read wrongly). Reads only our committed tables, so it runs without ../shared.
 *
 *   npx tsx scripts/build-names.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { customPinyin, pinyin } from 'pinyin-pro';
import { nameStem } from '../src/geo/divisions.ts';

const DIR = new URL('../src/geo/data/', import.meta.url);
const read = (file: string): Record<string, string>[] =>
  parse(readFileSync(new URL(file, DIR), 'utf8'), { columns: true, skip_empty_lines: true });

/** English names of the 55 recognised minorities as used in the official English names of autonomous areas. */
const ETHNIC_EN: Record<string, string> = {
  蒙古: 'Mongol',
  回: 'Hui',
  藏: 'Tibetan',
  维吾尔: 'Uyghur',
  苗: 'Miao',
  彝: 'Yi',
  壮: 'Zhuang',
  布依: 'Bouyei',
  朝鲜: 'Korean',
  满: 'Manchu',
  侗: 'Dong',
  瑶: 'Yao',
  白: 'Bai',
  土家: 'Tujia',
  哈尼: 'Hani',
  哈萨克: 'Kazakh',
  傣: 'Dai',
  黎: 'Li',
  傈僳: 'Lisu',
  佤: 'Va',
  畲: 'She',
  高山: 'Gaoshan',
  拉祜: 'Lahu',
  水: 'Sui',
  东乡: 'Dongxiang',
  纳西: 'Naxi',
  景颇: 'Jingpo',
  柯尔克孜: 'Kyrgyz',
  土: 'Tu',
  达斡尔: 'Daur',
  仫佬: 'Mulao',
  羌: 'Qiang',
  布朗: 'Blang',
  撒拉: 'Salar',
  毛南: 'Maonan',
  仡佬: 'Gelao',
  锡伯: 'Xibe',
  阿昌: 'Achang',
  普米: 'Pumi',
  塔吉克: 'Tajik',
  怒: 'Nu',
  乌孜别克: 'Uzbek',
  俄罗斯: 'Russian',
  鄂温克: 'Evenki',
  德昂: "De'ang",
  保安: 'Bonan',
  裕固: 'Yugur',
  京: 'Gin',
  塔塔尔: 'Tatar',
  独龙: 'Derung',
  鄂伦春: 'Oroqen',
  赫哲: 'Hezhen',
  门巴: 'Monba',
  珞巴: 'Lhoba',
  基诺: 'Jino',
};

/** Type words by Chinese suffix, longest first; cities (市) and provinces take none, as in English usage. */
const TYPES: [suffix: string, county: string, city: string][] = [
  ['经济技术开发区', 'Economic and Technological Development Zone', ''],
  ['高新技术产业开发区', 'High-tech Industrial Development Zone', ''],
  ['经济开发区', 'Economic Development Zone', ''],
  ['开发区', 'Development Zone', ''],
  ['自治县', 'Autonomous County', 'Autonomous County'],
  ['自治旗', 'Autonomous Banner', 'Autonomous Banner'],
  ['自治州', 'Autonomous Prefecture', 'Autonomous Prefecture'],
  ['林区', 'Forestry District', 'Forestry District'],
  ['特区', 'Special District', 'Special District'],
  ['新区', 'New Area', 'New Area'],
  ['地区', 'Prefecture', 'Prefecture'],
  ['区', 'District', 'District'],
  ['县', 'County', 'County'],
  ['旗', 'Banner', 'Banner'],
  ['盟', 'League', 'League'],
  ['市', 'City', ''],
];

// Readings pinyin-pro gets wrong in place names (checked against the cn-atlas pinyin of the city table).
customPinyin({ 昌都: 'chāng dū', 喀什: 'kā shí' });

// 陕西's pinyin is spelled Shaanxi (the doubled a marks its tone), so that it differs from 山西 Shanxi; plain
// toneless pinyin would make the two one name, and a search or a data file's "Shanxi" ambiguous.
const PINYIN_SPELLING: Record<string, string> = { '610000': 'Shaanxi' };

const syllables = (zh: string): string[] =>
  (pinyin(zh, { toneType: 'none', type: 'array' }) as string[]).filter((s) => /^[a-zü]+$/.test(s));
const cap = (s: string): string => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/** GB/T 16159-2012: one place name's syllables written together, an apostrophe before a, o, e. */
export function romanise(zh: string): string {
  return cap(syllables(zh).reduce((w, s, i) => w + (i > 0 && /^[aoe]/.test(s) ? `'${s}` : s), ''));
}

/** Ethnic names in the part between stem and 自治X, in order: 恩施土家族苗族 -> Tujia and Miao. */
function ethnicOf(middle: string): string {
  const found: string[] = [];
  let rest = middle.replace(/族/g, '');
  const keys = Object.keys(ETHNIC_EN).sort((a, b) => b.length - a.length);
  while (rest) {
    const k = keys.find((e) => rest.startsWith(e));
    if (!k) return '';
    found.push(ETHNIC_EN[k]!);
    rest = rest.slice(k.length);
  }
  return found.length <= 2 ? found.join(' and ') : `${found.slice(0, -1).join(', ')} and ${found.at(-1)}`;
}

/** The machine English name of a division from its Chinese name. */
export function englishName(name: string, level: 'province' | 'city' | 'county'): string {
  const type = TYPES.find(([suffix]) => name.endsWith(suffix) && name.length > suffix.length);
  if (level === 'province' || !type) return romanise(nameStem(name));
  const [suffix, county, city] = type;
  const word = level === 'county' ? county : city;
  if (suffix.endsWith('开发区')) return `${romanise(name.slice(0, -suffix.length))} ${word}`;
  const stem = nameStem(name);
  if (suffix.startsWith('自治')) {
    const ethnic = ethnicOf(name.slice(stem.length, -suffix.length));
    return [romanise(stem), ethnic, word].filter(Boolean).join(' ');
  }
  return [romanise(stem), word].filter(Boolean).join(' ');
}

function main(): void {
  const table = new Map(read('english-names.csv').map((r) => [r['code']!, r]));
  const rows: string[][] = [];
  const levels = [
    ['province', 'provinces.csv'],
    ['city', 'cities.csv'],
    ['county', 'counties.csv'],
  ] as const;
  let fromTable = 0;
  for (const [level, file] of levels)
    for (const r of read(file)) {
      const code = r['code']!;
      const name = r['name']!;
      const pin = PINYIN_SPELLING[code] ?? cap(syllables(nameStem(name)).join(''));
      const t = level === 'county' ? undefined : table.get(code);
      if (t) fromTable++;
      rows.push([
        code,
        level,
        pin,
        t ? t['name_en']! : englishName(name, level),
        t ? 'table' : level === 'county' ? 'machine pinyin + type word' : 'pinyin + type word',
      ]);
    }
  const unused = [...table.keys()].filter((c) => !rows.some((r) => r[0] === c && r[1] !== 'county'));
  if (unused.length) throw new Error(`english-names.csv codes not in the divisions: ${unused.join(', ')}`);
  writeFileSync(
    new URL('names-en.csv', DIR),
    stringify(rows, { header: true, columns: ['code', 'level', 'pinyin', 'name_en', 'source'] }),
  );
  console.log(`names-en.csv: ${rows.length} rows, ${fromTable} from english-names.csv`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
