import { describe, expect, it } from 'vitest';
import { fold, matchRegions, regionLabel, stripSuffix } from './region-match.ts';
import type { PickerRegion } from './region-match.ts';

const R: PickerRegion[] = [
  { code: '420100', name: '武汉市', nameEn: 'Wuhan', pinyin: 'Wuhan' },
  { code: '420000', name: '湖北省', nameEn: 'Hubei', pinyin: 'Hubei', level: 'province' },
  { code: '540100', name: '拉萨市', nameEn: 'Lhasa', pinyin: 'Lasa' },
  { code: '650100', name: '乌鲁木齐市', nameEn: 'Urumqi', pinyin: 'Wulumuqi' },
  { code: '341500', name: '六安市', nameEn: "Lu'an", pinyin: 'Liuan' },
  { code: '610100', name: '西安市', nameEn: "Xi'an", pinyin: "Xi'an" },
  { code: '422800', name: '恩施土家族苗族自治州', nameEn: 'Enshi', pinyin: 'Enshi' },
  { code: '150000', name: '内蒙古自治区', nameEn: 'Inner Mongolia', pinyin: 'Neimenggu', level: 'province' },
  { code: '420200', name: '黄石市', nameEn: 'Huangshi', pinyin: 'Huangshi' },
];

const codes = (q: string) => matchRegions(R, q).map((r) => r.code);

describe('matchRegions', () => {
  it('finds by Chinese name, with or without the suffix', () => {
    expect(codes('武汉市')).toEqual(['420100']);
    expect(codes('武汉')).toEqual(['420100']);
    expect(codes('恩施州')).toEqual(['422800']);
    expect(codes('恩施')).toEqual(['422800']);
    expect(codes('内蒙古')).toEqual(['150000']);
  });

  it('finds by pinyin in any case, with or without spaces', () => {
    expect(codes('wuhan')).toEqual(['420100']);
    expect(codes('WU HAN')).toEqual(['420100']);
    expect(codes('wu lu mu qi')).toEqual(['650100']);
    expect(codes('lasa')).toEqual(['540100']);
    expect(codes('xian')).toEqual(['610100']);
  });

  it('finds by English name, apostrophes and spaces optional', () => {
    expect(codes('Lhasa')).toEqual(['540100']);
    expect(codes('urumqi')).toEqual(['650100']);
    expect(codes("lu'an")).toEqual(['341500']);
    expect(codes('luan')).toEqual(['341500']);
    expect(codes('inner mongolia')).toEqual(['150000']);
  });

  it('finds by code prefix, in code order', () => {
    expect(codes('42')).toEqual(['420000', '420100', '420200', '422800']);
    expect(codes('4201')).toEqual(['420100']);
    expect(codes('420100')).toEqual(['420100']);
    expect(codes('9')).toEqual([]);
  });

  it('puts exact and prefix matches before contained ones', () => {
    // 'en' starts Enshi and is inside Neimenggu: Enshi first although its code is greater.
    expect(codes('en')).toEqual(['422800', '150000']);
    expect(codes('hu')).toEqual(['420000', '420200']);
  });

  it('lists at most the limit, and the first by code for an empty query', () => {
    const many: PickerRegion[] = Array.from({ length: 120 }, (_, i) => ({
      code: String(100000 + i),
      name: `城${i}市`,
      nameEn: `City ${i}`,
      pinyin: `Cheng ${i}`,
    }));
    expect(matchRegions(many, 'city')).toHaveLength(50);
    expect(matchRegions(many, '', 10).map((r) => r.code)).toEqual(many.slice(0, 10).map((r) => r.code));
    expect(matchRegions(many, 'nothing like it')).toEqual([]);
  });
});

describe('helpers', () => {
  it('folds case, spaces, apostrophes and tone marks', () => {
    expect(fold("Lu'an")).toBe('luan');
    expect(fold(' Wū Hàn ')).toBe('wuhan');
  });

  it('strips one administrative suffix, never the whole name', () => {
    expect(stripSuffix('武汉市')).toBe('武汉');
    expect(stripSuffix('湖北省')).toBe('湖北');
    expect(stripSuffix('新疆维吾尔自治区')).toBe('新疆');
    expect(stripSuffix('广州')).toBe('广州');
  });

  it('labels a region as name, English name and code', () => {
    expect(regionLabel(R[0]!)).toBe('武汉市 Wuhan 420100');
  });
});
