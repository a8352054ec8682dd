import { describe, expect, it } from 'vitest';
import { areaName, placeName, viewsStrings, wallText } from './views-i18n.ts';

describe('views strings', () => {
  it('has every key in both languages', () => {
    expect(Object.keys(viewsStrings.zh).sort()).toEqual(Object.keys(viewsStrings.en).sort());
  });

  it('writes generated synthetic area names out in the page language and leaves real names alone', () => {
    expect(areaName('硚口区 合成街道 001 (synthetic)', 'zh')).toBe('硚口区 合成街道 001（合成）');
    expect(areaName('江岸区 合成街道 001 社区 004 (synthetic)', 'en', 'Jiang’an')).toBe(
      'Jiang’an synthetic street 001, community 004',
    );
    expect(areaName('江岸区 合成街道 001 社区 004', 'en')).toBe('江岸区 synthetic street 001, community 004');
    expect(areaName('汉阳区', 'en')).toBe('汉阳区');
  });

  it('writes data times and days in the page language', () => {
    expect(wallText('2020-01-10 08:30:00', 'zh')).toBe('2020年1月10日 08:30');
    expect(wallText('2020-01-10 08:30:00', 'en')).toBe('10 Jan 2020 08:30');
    expect(wallText('2020-01-10', 'en')).toBe('10 Jan 2020');
    expect(wallText('not a time', 'en')).toBe('not a time');
    expect(placeName('en', '拉萨市', 'Lhasa')).toBe('Lhasa');
    expect(placeName('en', '某县', '')).toBe('某县');
    expect(placeName('zh', '拉萨市', 'Lhasa')).toBe('拉萨市');
  });
});
