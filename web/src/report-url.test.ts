import { describe, expect, it } from 'vitest';
import { reportStrings } from './report-i18n.ts';
import { attachmentName, reportUrl } from './report-url.ts';

describe('report addresses', () => {
  it("carry the format, the page language and the panel's parameters", () => {
    const url = reportUrl('outflow', 'pdf', 'zh', { origin: '420100', from: '2020-01-14', to: '2020-01-27' });
    const u = new URL(url, 'http://x');
    expect(u.pathname).toBe('/api/reports/outflow');
    expect(Object.fromEntries(u.searchParams)).toEqual({
      format: 'pdf',
      lang: 'zh',
      origin: '420100',
      from: '2020-01-14',
      to: '2020-01-27',
    });
  });

  it("keep the server's file name", () => {
    expect(attachmentName('attachment; filename="SYNTHETIC-epitrace-risk-420100-2020-01-27.pdf"')).toBe(
      'SYNTHETIC-epitrace-risk-420100-2020-01-27.pdf',
    );
    expect(attachmentName(null)).toBeNull();
  });

  it('has every string in both languages', () => {
    expect(Object.keys(reportStrings.zh).sort()).toEqual(Object.keys(reportStrings.en).sort());
    expect(Object.keys(reportStrings.zh.kinds).sort()).toEqual(Object.keys(reportStrings.en.kinds).sort());
  });
});
