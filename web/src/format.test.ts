import { describe, expect, it } from 'vitest';
import { clockText, dateTimeText, daysBetween, dayText, numberText } from './format.ts';

describe('dayText', () => {
  it('writes a data day the way each language does', () => {
    expect(dayText('2020-01-23', 'zh')).toBe('2020年1月23日');
    expect(dayText('2020-01-23', 'en')).toBe('23 Jan 2020');
    expect(dayText('2020-09-03', 'en')).toBe('3 Sep 2020');
    expect(dayText('2020-12-31', 'zh')).toBe('2020年12月31日');
  });

  it('keeps the calendar day whatever the zone (no shift to the day before)', () => {
    // TZ=UTC in the tests; the parsing is by parts, so a zone west of UTC cannot move it either.
    expect(dayText('2020-01-01', 'en')).toBe('1 Jan 2020');
  });

  it('returns text that is not a day unchanged', () => {
    expect(dayText('', 'zh')).toBe('');
    expect(dayText('2020-1-3', 'en')).toBe('2020-1-3');
  });
});

describe('dateTimeText', () => {
  it('shows an instant in China Standard Time, to the minute', () => {
    // 23:40 UTC is 07:40 the next day in UTC+8.
    expect(dateTimeText('2026-12-01T23:40:05Z', 'zh')).toBe('2026年12月2日 07:40');
    expect(dateTimeText('2026-12-01T23:40:05Z', 'en')).toBe('2 Dec 2026, 07:40');
    expect(dateTimeText('2026-12-01T23:40:05Z', 'en', { seconds: true })).toBe('2 Dec 2026, 07:40:05');
    expect(dateTimeText('2026-12-01T16:00:00Z', 'en')).toBe('2 Dec 2026, 00:00');
  });

  it('returns unparseable text unchanged', () => {
    expect(dateTimeText('soon', 'zh')).toBe('soon');
  });
});

describe('clockText and numberText', () => {
  it('clock in UTC+8 with seconds', () => {
    expect(clockText(new Date('2026-12-01T23:40:05Z'))).toBe('07:40:05');
  });

  it('groups thousands, with fixed decimals when asked', () => {
    expect(numberText(1234567, 'zh')).toBe('1,234,567');
    expect(numberText(1234567, 'en')).toBe('1,234,567');
    expect(numberText(12.345, 'en', 1)).toBe('12.3');
    expect(numberText(100, 'zh', 1)).toBe('100.0');
    expect(numberText(0, 'en')).toBe('0');
  });
});

describe('daysBetween', () => {
  it('lists every day, across a month end, inclusive', () => {
    expect(daysBetween('2020-01-30', '2020-02-02')).toEqual([
      '2020-01-30',
      '2020-01-31',
      '2020-02-01',
      '2020-02-02',
    ]);
    expect(daysBetween('2020-01-30', '2020-01-30')).toEqual(['2020-01-30']);
    expect(daysBetween('2020-02-02', '2020-01-30')).toEqual([]);
  });
});
