import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import type { Division, Level } from './divisions.ts';
import { cityOfCase, loadDivisions, nameStem } from './divisions.ts';

/** 7th census (2020) county total, as documented in data/PROVENANCE.md and the shared data README. */
const CENSUS_TOTAL = 1_409_878_724;
const censusFile = new URL('../../../shared/data/geo/county-population-census2020.csv', import.meta.url);
const haveShared = existsSync(censusFile);

const div = loadDivisions();
const total = (level: Level) => div.list(level).reduce((s, d) => s + d.population, 0);

/** The UserError message `fn` throws (fails the test when it throws anything else). */
function userError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as UserError).message;
  }
  throw new Error('expected a UserError');
}

function km(a: Division, b: Division): number {
  const rad = Math.PI / 180;
  const dx = ((a.lon ?? 0) - (b.lon ?? 0)) * Math.cos((b.lat ?? 0) * rad);
  return Math.hypot(dx, (a.lat ?? 0) - (b.lat ?? 0)) * 111.2;
}

describe('tables', () => {
  it('has 34 provinces, ~367 city-level units and every census county', () => {
    expect(div.list('province')).toHaveLength(34);
    expect(div.list('city').length).toBeGreaterThanOrEqual(333);
    expect(div.list('city').length).toBeLessThanOrEqual(380);
    expect(div.list('county')).toHaveLength(2990);
  });

  it('sums counties, cities and provinces to the documented census total within 0.1%', () => {
    expect(Math.abs(total('county') - CENSUS_TOTAL)).toBeLessThanOrEqual(CENSUS_TOTAL * 0.001);
    expect(total('city')).toBe(total('county'));
    expect(total('province')).toBe(total('county'));
  });

  it.skipIf(!haveShared)(
    `matches the census file's own total${haveShared ? '' : ' (shared data absent)'}`,
    () => {
      const [head = '', ...rows] = readFileSync(censusFile, 'utf8')
        .replace(/^\uFEFF/, '')
        .trim()
        .split(/\r?\n/);
      const col = head.split(',').indexOf('POPU');
      const census = rows.reduce((s, r) => s + Number(r.split(',')[col] ?? 0), 0);
      expect(census).toBe(CENSUS_TOTAL);
      expect(Math.abs(total('county') - census)).toBeLessThanOrEqual(census * 0.001);
    },
  );

  it('gives every county a parent city and every city a province that exist', () => {
    for (const c of div.list('county')) {
      const city = div.byCode(c.parent ?? '', 'city');
      expect(city.province).toBe(c.province);
      expect(div.byCode(c.province, 'province').level).toBe('province');
    }
    for (const c of div.list('city')) {
      expect(div.byCode(c.parent ?? '', 'province').code).toBe(c.province);
      expect(div.children(c.code).length).toBeGreaterThan(0);
    }
    // Chongqing's 5002xx counties belong to the one municipal unit.
    expect(div.parentAt('500229', 'city').code).toBe('500100');
  });

  it('has no duplicate codes within a level, and shares codes across levels only city = its county', () => {
    const seen = new Map<string, Division>();
    for (const level of ['province', 'city', 'county'] as const) {
      const codes = div.list(level).map((d) => d.code);
      expect(new Set(codes).size).toBe(codes.length);
      for (const d of div.list(level)) {
        const other = seen.get(d.code);
        if (other) expect([other.level, d.level, other.name]).toEqual(['city', 'county', d.name]);
        seen.set(d.code, d);
      }
    }
  });

  it('is sorted by code and has coordinates for every city and county', () => {
    for (const level of ['province', 'city', 'county'] as const) {
      const codes = div.list(level).map((d) => d.code);
      expect(codes).toEqual([...codes].sort());
    }
    for (const d of [...div.list('city'), ...div.list('county')]) {
      expect(d.lon).toBeGreaterThan(73);
      expect(d.lon).toBeLessThan(136);
      expect(d.lat).toBeGreaterThan(3);
      expect(d.lat).toBeLessThan(54);
    }
  });

  it('places counties (Albers inverted) near their city', () => {
    const wuhan = div.byCode('420100');
    expect(wuhan.lon).toBeCloseTo(114.3, 0);
    expect(wuhan.lat).toBeCloseTo(30.6, 0);
    expect(km(div.byCode('420102'), wuhan)).toBeLessThan(30);
    const distances = div
      .list('county')
      .map((c) => km(c, div.byCode(c.parent ?? '', 'city')))
      .sort((a, b) => a - b);
    expect(distances[distances.length >> 1]).toBeLessThan(60);
  });
});

describe('lookups', () => {
  it('finds Wuhan by code, Chinese name, stem and pinyin', () => {
    const wuhan = div.byCode('420100');
    expect(wuhan).toMatchObject({ name: '武汉市', nameEn: 'Wuhan', level: 'city', parent: '420000' });
    for (const name of ['武汉市', '武汉', 'Wuhan', 'WUHAN', ' wuhan ']) expect(div.byName(name)).toBe(wuhan);
    expect(div.byName('湖北').code).toBe('420000');
    expect(div.byName("Xi'an").code).toBe('610100');
  });

  it('prefers the higher level and honours an explicit level', () => {
    expect(div.byName('北京市').code).toBe('110000');
    expect(div.byName('北京市', 'city').code).toBe('110100');
    expect(div.byName('吉林').level).toBe('province');
    expect(div.byName('吉林市').code).toBe('220200');
    expect(div.byCode('441900').level).toBe('city');
    expect(div.byCode('441900', 'county').parent).toBe('441900');
    expect(div.byName('恩施').code).toBe('422800');
  });

  it('walks the hierarchy', () => {
    expect(div.parentAt('420102', 'city').code).toBe('420100');
    expect(div.parentAt('420102', 'province').code).toBe('420000');
    expect(div.parentAt('420100', 'city').code).toBe('420100');
    const hubei = div.children('420000').map((d) => d.code);
    expect(hubei).toContain('420100');
    expect(hubei).toContain('429004');
    expect(div.children('110000').map((d) => d.code)).toEqual(['110100']);
    expect(div.children('420102')).toEqual([]);
  });

  it('strips suffixes and minority names', () => {
    expect(nameStem('恩施土家族苗族自治州')).toBe('恩施');
    expect(nameStem('新疆维吾尔自治区')).toBe('新疆');
    expect(nameStem('内蒙古自治区')).toBe('内蒙古');
    expect(nameStem('西藏自治区')).toBe('西藏');
    expect(nameStem('香港特别行政区')).toBe('香港');
    expect(nameStem('沛县')).toBe('沛县');
  });

  it('throws UserError naming the bad value and close matches', () => {
    const code = userError(() => div.byCode('420199'));
    expect(code).toContain("'420199'");
    expect(code).toMatch(/Close matches: 4201\d\d/);
    expect(userError(() => div.byName('五汉市'))).toMatch(/'五汉市'.*420100 武汉市/);
    expect(userError(() => div.byName('Wuhna'))).toContain('420100 武汉市');
    expect(userError(() => div.byName('Nowhere'))).toContain("'Nowhere'");
    expect(userError(() => div.byName('鼓楼区'))).toMatch(/ambiguous.*320106 鼓楼区.*\(南京市\)/);
    expect(userError(() => div.byName('Suzhou'))).toMatch(/320500.*341300/);
    expect(userError(() => div.parentAt('420000', 'city'))).toContain('420000 湖北省');
  });
});

describe('cityOfCase', () => {
  it("gives a case's own city, else its county's city, else null for no place or an unknown county", () => {
    expect(cityOfCase(div, '420100', '110101')).toBe('420100');
    expect(cityOfCase(div, null, '420102')).toBe('420100');
    expect(cityOfCase(div, null, '999999')).toBeNull();
    expect(cityOfCase(div, null, null)).toBeNull();
  });
});
