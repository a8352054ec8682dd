import { describe, expect, it } from 'vitest';
import { acceptLanguage, ApiError, errorText, publishedDays } from './api.ts';
import type { Meta } from './api.ts';
import { strings } from './i18n.ts';

describe('the API client helpers', () => {
  it('asks for zh-CN or en', () => {
    expect(acceptLanguage('zh')).toBe('zh-CN');
    expect(acceptLanguage('en')).toBe('en');
  });

  it("shows the server's message as sent, the page's own words when the server was not reached", () => {
    expect(errorText(new ApiError('用户名或密码错误', 401), strings.zh)).toBe('用户名或密码错误');
    // fetch rejects with a TypeError ("Failed to fetch") in the browser's English.
    expect(errorText(new TypeError('Failed to fetch'), strings.zh)).toBe(strings.zh.networkError);
    expect(errorText(new TypeError('Failed to fetch'), strings.en)).toBe(strings.en.networkError);
    expect(errorText('odd', strings.en)).toBe('odd');
  });

  it("lists the snapshot's days first to last, none before any day was run", () => {
    const meta = (days: Meta['snapshot']['days']) =>
      ({ snapshot: { id: 1, publishedAt: '2026-12-01T00:00:00Z', days } }) as Meta;
    expect(publishedDays(meta({ first: '2020-01-30', last: '2020-02-01', count: 3 }))).toEqual([
      '2020-01-30',
      '2020-01-31',
      '2020-02-01',
    ]);
    expect(publishedDays(meta(null))).toEqual([]);
  });
});
