import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { englishName, romanise } from '../../scripts/build-names.ts';
import { loadDivisions } from './divisions.ts';

/** English place names (issue 16): the committed table, the built names-en.csv and what divisions serve. */

const div = loadDivisions();
const read = (file: string): Record<string, string>[] =>
  parse(readFileSync(new URL(`./data/${file}`, import.meta.url), 'utf8'), { columns: true });
const table = read('english-names.csv');
const atlas = new Map(
  [...read('provinces.csv'), ...read('cities.csv')].map((r) => [r['code']!, r['name_en']!]),
);

describe('English place names', () => {
  it('gives the conventional names of the issue', () => {
    const en = (code: string) => div.byCode(code).nameEn;
    expect(en('540100')).toBe('Lhasa');
    expect(en('650100')).toBe('Urumqi');
    expect(en('150100')).toBe('Hohhot');
    expect(en('341500')).toBe("Lu'an");
    expect(en('610100')).toBe("Xi'an");
    expect(en('230100')).toBe('Harbin');
    expect(en('150000')).toBe('Inner Mongolia');
    expect(en('610000')).toBe('Shaanxi');
    expect(en('140000')).toBe('Shanxi');
    expect(en('810000')).toBe('Hong Kong');
    expect(en('420100')).toBe('Wuhan');
    expect(en('422800')).toBe('Enshi Tujia and Miao Autonomous Prefecture');
    expect(div.byCode('540100').pinyin).toBe('Lasa');
    expect(div.byCode('650100').pinyin).toBe('Wulumuqi');
  });

  it('names its source on every table row; about 40 rows, provinces and cities only', () => {
    expect(table.length).toBeGreaterThanOrEqual(40);
    for (const r of table) {
      expect(r['source'], r['code']).toMatch(/\w{8,}/);
      expect(['province', 'city'], r['code']).toContain(div.byCode(r['code']!).level);
    }
  });

  it("never serves a city's raw pinyin as its English name where the table has an entry", () => {
    for (const r of table) {
      const d = div.byCode(r['code']!);
      expect(d.nameEn, d.code).toBe(r['name_en']);
      if (d.level !== 'city') continue;
      expect(d.nameEn.toLowerCase(), d.code).not.toBe(atlas.get(d.code)?.toLowerCase());
      expect(d.nameEn.toLowerCase(), d.code).not.toBe(d.pinyin.toLowerCase());
    }
  });

  it('gives every province, city and county a non-empty English name and pinyin', () => {
    for (const level of ['province', 'city', 'county'] as const)
      for (const d of div.list(level)) {
        expect(d.nameEn, d.code).toMatch(/^[A-Z]/);
        expect(d.pinyin, d.code).toMatch(/^[A-Z][a-zü]+$/);
      }
    expect(div.byCode('110105', 'county').nameEn).toBe('Chaoyang District');
    expect(div.byCode('152529', 'county').nameEn).toBe('Zhengxiangbai Banner');
  });

  it('writes apostrophes by GB/T 16159-2012 (before a syllable starting with a, o or e) and type words', () => {
    expect(romanise('西安')).toBe("Xi'an");
    expect(romanise('延安')).toBe("Yan'an");
    expect(romanise('淮安')).toBe("Huai'an");
    expect(romanise('泰安')).toBe("Tai'an");
    expect(romanise('吉安')).toBe("Ji'an");
    expect(romanise('雅安')).toBe("Ya'an");
    expect(romanise('东阿')).toBe("Dong'e");
    expect(romanise('武汉')).toBe('Wuhan');
    expect(englishName('西安市', 'city')).toBe("Xi'an");
    expect(englishName('长安区', 'county')).toBe("Chang'an District");
    expect(englishName('阿克苏地区', 'city')).toBe('Aksu Prefecture'.replace('Aksu', romanise('阿克苏')));
    expect(englishName('积石山保安族东乡族撒拉族自治县', 'county')).toBe(
      'Jishishan Bonan, Dongxiang and Salar Autonomous County',
    );
  });

  it('accepts pinyin, English and the atlas spelling by name', () => {
    expect(div.byName('Lasa').code).toBe('540100');
    expect(div.byName('Lhasa').code).toBe('540100');
    expect(div.byName('Huhehaote').code).toBe('150100');
    expect(div.byName("Xi'an").code).toBe('610100');
    expect(div.byName('Inner Mongolia').code).toBe('150000');
    // 陕西 is spelled Shaanxi, in pinyin too, so that Shanxi stays 山西 alone (the Baidu shares say Shanxi for 山西).
    expect(div.byName('Shanxi').code).toBe('140000');
    expect(div.byName('Shaanxi').code).toBe('610000');
    expect(div.byName('Xizang').code).toBe('540000');
  });

  it("keeps every city's code under its province's two digits (flows' province filter relies on it)", () => {
    for (const c of div.list('city')) expect(c.code.slice(0, 2), c.code).toBe(c.province.slice(0, 2));
  });

  it('rebuilds names-en.csv to the same bytes from the committed tables alone', () => {
    const before = readFileSync(new URL('./data/names-en.csv', import.meta.url), 'utf8');
    execFileSync('npx', ['tsx', 'scripts/build-names.ts'], { cwd: new URL('../../', import.meta.url) });
    expect(readFileSync(new URL('./data/names-en.csv', import.meta.url), 'utf8')).toBe(before);
  }, 60_000);
});
