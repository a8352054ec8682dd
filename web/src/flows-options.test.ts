// The flows charts' options from given answers: states on the map, classes in people, gaps for suppressed days.
import { describe, expect, it } from 'vitest';
import type { DayRow, FlowsAnswer, ProvinceRow } from './flows-api.ts';
import { dailyOption } from './flows-daily.tsx';
import { pieces, stateValues } from './flows-geo.ts';
import { flowsStrings } from './flows-i18n.ts';
import { mapFocus, mapOption, provinceValue } from './flows-map.tsx';

const t = flowsStrings.en;
const pub = (count: number, value?: number) => ({
  count,
  suppressed: false,
  suppressedCells: 0,
  expanded: value === undefined ? null : { value, lo: value - 1, hi: value + 1 },
});
const sup = { count: null, suppressed: true, suppressedCells: 2, expanded: null };

describe('map values', () => {
  it('keeps suppressed, zero, no data and the queried province apart, and people in the chosen unit', () => {
    expect(provinceValue('420000', { ...sup }, false, 'sample')).toBe(stateValues.suppressed);
    expect(provinceValue('430000', undefined, false, 'sample')).toBe(0);
    expect(provinceValue('710000', pub(40), false, 'sample')).toBe(stateValues.noData);
    expect(provinceValue('420000', pub(40), true, 'sample')).toBe(stateValues.self);
    expect(provinceValue('440000', pub(40, 9000), false, 'sample')).toBe(40);
    expect(provinceValue('440000', pub(40, 9000), false, 'expanded')).toBe(9000);
    expect(provinceValue('440000', pub(40), false, 'expanded')).toBe(stateValues.unavailable);
  });

  it('classes in whole people on the 1-2-5 series, covering every value, never a square root', () => {
    const c = pieces([15, 42, 707, -1, 0, -2]);
    expect(c[0]!.gte).toBe(15);
    expect(c[c.length - 1]!.lte).toBe(707);
    for (const v of [15, 42, 707]) expect(c.filter((p) => v >= p.gte && v <= p.lte)).toHaveLength(1);
    for (let i = 1; i < c.length; i++) expect(c[i]!.gte).toBe(c[i - 1]!.lte + 1);
    expect(c.length).toBeLessThanOrEqual(5);
    expect(pieces([0, -1])).toEqual([]);
  });

  it('puts the real counts on the map and one legend entry for each state', () => {
    const byProvince: ProvinceRow[] = [
      { code: '420000', name: '湖北省', ...pub(707, 12_000_000) },
      { code: '110000', name: '北京市', ...sup },
    ];
    const answer = {
      direction: 'out',
      region: { code: '420100', name: '武汉市', level: 'city' },
      cities: [{ code: '420900', name: '孝感市', province: '420000', provinceName: '湖北省', ...pub(300) }],
      byProvince,
      total: pub(707),
      daily: [],
      k: 15,
    } as unknown as FlowsAnswer;
    const names = new Map([
      ['420000', '湖北省'],
      ['110000', '北京市'],
      ['710000', '台湾省'],
      ['430000', '湖南省'],
    ]);
    const o = mapOption({
      answer,
      level: 'city',
      groupBy: 'city',
      unit: 'sample',
      nameOf: (c) => c,
      big: false,
      testId: 'm',
      names,
      centroids: { provinces: {}, cities: { '420100': [114.3, 30.6], '420900': [113.9, 31.0] } },
      t,
      lang: 'en',
    });
    const series = o.series as { type: string; data: { name?: string; value?: unknown }[] }[];
    expect(series[0]!.data).toEqual([
      { name: '420000', value: 707 },
      { name: '110000', value: -1 },
      { name: '710000', value: -2 },
      { name: '430000', value: 0 },
    ]);
    const labels = (o.visualMap as { pieces: { label: string }[] }).pieces.map((p) => p.label);
    expect(labels).toEqual(
      expect.arrayContaining(['707', t.legendSuppressed(15), t.legendZero, t.legendNoData]),
    );
    expect(series.find((s) => s.type === 'lines')!.data).toHaveLength(1);
  });
});

describe('daily chart', () => {
  it('draws a suppressed day as a gap with a band, a day without data as a gap with a hatched band (not 0), 0 as 0', () => {
    const daily: DayRow[] = [
      { date: '2020-01-16', ...pub(30) },
      { date: '2020-01-17', ...sup },
      { date: '2020-01-18', ...pub(0) },
      { date: '2020-01-19', count: 0, suppressed: false, suppressedCells: 0 },
    ];
    const o = dailyOption({
      daily,
      dataDays: new Set(['2020-01-16', '2020-01-17', '2020-01-18']),
      k: 15,
      unit: 'sample',
      bars: false,
      big: false,
      slider: true,
      from: '2020-01-17',
      to: '2020-01-18',
      t,
      lang: 'en',
    });
    const s = (o.series as { data: unknown[]; markArea: { data: { xAxis: string }[][] } }[])[0]!;
    expect(s.data).toEqual([30, '-', 0, '-']);
    expect(s.markArea.data.map((band) => band.map((b) => b.xAxis))).toEqual([
      ['2020-01-17', '2020-01-17'],
      ['2020-01-19', '2020-01-19'],
    ]);
    expect((o.dataZoom as { startValue: number; endValue: number }[])[0]).toMatchObject({
      startValue: 1,
      endValue: 2,
    });
  });
});

describe('where the map opens', () => {
  const wuhan: [number, number] = [114.3, 30.6];
  const line = (to: [number, number]) => ({ coords: [wuhan, to] });

  it('on short lines (Wuhan to Xiaogan and Huanggang) with the neighbouring provinces around them', () => {
    const f = mapFocus({ data: [line([113.9, 31.0]), line([114.9, 30.5])], origin: wuhan });
    expect(f.center![0]).toBeCloseTo(114.4, 1);
    expect(f.center![1]).toBeCloseTo(30.75, 1);
    // 62 degrees of China over at least 12 shown.
    expect(f.zoom).toBe(5.2);
  });

  it('on the whole country when the lines span it, or when there is none', () => {
    expect(
      mapFocus({ data: [line([116.4, 39.9]), line([87.6, 43.8]), line([113.3, 23.1])], origin: wuhan }),
    ).toEqual({});
    expect(mapFocus({ data: [], origin: wuhan })).toEqual({});
  });
});
