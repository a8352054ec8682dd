import { describe, expect, it } from 'vitest';
import { chineseIn, englishIn } from './untranslated.ts';

describe('untranslated text checks', () => {
  it('flags English words in Chinese text but not codes, pseudonyms or allowed words', () => {
    expect(englishIn(['风险指数 420100', '导出 CSV', 'R0 = 2.2', '化名 3fa85f64c1', 'EpiTrace'])).toEqual([]);
    expect(englishIn(['风险 hazard 指数', 'Weights: 0.5'])).toEqual([
      'hazard in "风险 hazard 指数"',
      'Weights in "Weights: 0.5"',
    ]);
    expect(englishIn(['cases 病例'], ['cases'])).toEqual([]);
  });

  it('flags Chinese runs in English text once place names are taken out', () => {
    expect(chineseIn(['Wuhan 武汉市: 12 people'], ['武汉市'])).toEqual([]);
    expect(chineseIn(['湖北省 Hubei', '风险 level'], ['湖北', '湖北省'])).toEqual(['风险 in "风险 level"']);
  });
});
