import { describe, expect, it } from 'vitest';
import { regionResolver } from './region-names.ts';

const code = (r: ReturnType<ReturnType<typeof regionResolver>>) => ('error' in r ? r.error : r.region.code);

describe('region names', () => {
  it('resolves codes, Chinese names with or without suffix, pinyin and Li et al. spellings, at either level', () => {
    const city = regionResolver('city');
    const prov = regionResolver('province');
    for (const name of ['420100', '武汉市', '武汉', 'Wuhan', 'WUHAN', ' wuhan '])
      expect(code(city(name))).toBe('420100');
    for (const name of ['420100', '武汉', 'Hubei', '湖北省', '420102'])
      expect(code(prov(name))).toBe('420000');
    expect(code(city("Xi'an"))).toBe('610100');
    expect(code(city('Jinzhou (Liaoning)'))).toBe('210700');
    expect(code(city('Urumuqi'))).toBe('650100'); // Li et al.'s spelling of Ürümqi
    expect(code(city('420102'))).toBe('420100'); // a district counts toward its city
    expect(code(city('北京'))).toBe('110100'); // a municipality becomes its one city
    // Li et al. use Jilin and Hainan for cities; here they stay the provinces.
    expect(code(prov('Jilin'))).toBe('220000');
    expect(code(prov('Hainan'))).toBe('460000');
    expect(code(city('湖北'))).toBe(
      '420000 湖北省 is a province; city-level regions need city rows (or use --regions province)',
    );
    expect(code(city('Atlantis'))).toBe("unknown region 'Atlantis'");
    expect(code(city(''))).toBe('empty region');
    expect(code(prov('澳门'))).toBe('820000 澳门特别行政区 has no census population (the model needs one)');
  });
});
