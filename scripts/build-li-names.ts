/**
 * Builds src/epi/data/li2020-city-names.csv: the English city names of Li et al. (Science 368, 489-493,
 * 2020; github SenPei-CU/COVID-19, city_coordinates.csv, Apache-2.0) that our divisions' pinyin does not
 * resolve to the same city, with the city code each stands for (Li's code, mapped to our 2020 codes as
 * src/synth/travel-data.ts does). Names and codes are facts; the raw file is not committed.
 * Run: npx tsx scripts/build-li-names.ts [../shared/data]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { loadDivisions } from '../src/geo/divisions.ts';
import { LI_CODE_TO_OURS } from '../src/synth/travel-data.ts';

const dir = process.argv[2] ?? '../shared/data';
const div = loadDivisions();
const rows = parse(readFileSync(join(dir, 'epi/li2020-375-cities/city_coordinates.csv'), 'utf8'), {
  columns: true,
  skip_empty_lines: true,
  trim: true,
}) as Record<string, string>[];
const out: string[] = [];
for (const r of rows) {
  const code = LI_CODE_TO_OURS[r.Code!] ?? r.Code!;
  let ours: string | undefined;
  try {
    ours = div.parentAt(div.byCode(code).code, 'city').code;
  } catch {
    continue; // not one of our cities
  }
  let byPinyin: string | undefined;
  try {
    const d = div.byName(r.Name!.replace(/\s*\(.*\)$/, ''));
    // Jilin and Hainan stay the provinces: a file naming a province must not become a city.
    if (d.level === 'province') continue;
    byPinyin = div.parentAt(d.code, 'city').code;
  } catch {
    byPinyin = undefined;
  }
  if (byPinyin !== ours && !/\(/.test(r.Name!))
    out.push(`${r.Name!.includes(',') ? `"${r.Name}"` : r.Name},${ours}`);
}
const head = [
  '# Li et al., Science 368, 489-493 (2020), github SenPei-CU/COVID-19 city_coordinates.csv (Apache-2.0):',
  '# English names our pinyin does not resolve to the same city, with our 2020 city code. Built by scripts/build-li-names.ts.',
  'name_en,code',
];
writeFileSync('src/epi/data/li2020-city-names.csv', [...head, ...out].join('\n') + '\n');
console.log(`${rows.length} Li names, ${out.length} aliases written`);
