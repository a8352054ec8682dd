import { describe, expect, it } from 'vitest';
import { HOSTILE_NAME, reportFixture } from '../testing/report-fixture.ts';
import { renderReportHtml, reportPrintOptions } from './render.ts';
import { formatCell, formatDay, formatTime } from './render-format.ts';

describe('renderReportHtml', () => {
  const zh = renderReportHtml(reportFixture(), 'zh');
  const en = renderReportHtml(reportFixture(), 'en');

  it('escapes every text from data: a <script> name is shown, never run', () => {
    for (const html of [zh, en]) {
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toContain('<b>');
      // The table cell and the chart legend (ECharts' SVG text) both show the name as text.
      expect(html.split('&lt;script&gt;alert(1)&lt;/script&gt;').length - 1).toBeGreaterThanOrEqual(2);
      expect(html).toContain('&amp; &quot;Co&quot;');
    }
    expect(HOSTILE_NAME).toContain('<script>');
  });

  it('is self-contained: no script, link, import or URL to fetch; a CSP forbids any', () => {
    for (const html of [zh, en]) {
      expect(html).not.toMatch(/<link|<img|<iframe|@import|url\((?!#)|src=|href=/i);
      expect(html).toContain(`content="default-src 'none'`);
      // The font list must not close ECharts' style="..." attributes early.
      expect(html).not.toContain('font-family:"');
      expect(html.match(/<svg/g)?.length).toBe(2);
    }
  });

  it('shows a suppressed count as "< k", never 0, and null as "-"', () => {
    expect(formatCell({ lt: 3 }, 'en')).toBe('< 3');
    expect(formatCell(null, 'zh')).toBe('-');
    expect(formatCell(0, 'en')).toBe('0');
    // Province 6: arrivals { lt: 3 }, expanded null; Province 8: cases { lt: 3 }.
    expect(en).toMatch(/省份6<\/td><td class="num lt">&lt; 3<\/td><td class="num">-<\/td>/);
    expect(en).toMatch(/省份8<\/td>(<td[^>]*>[^<]*<\/td>){2}<td class="num lt">&lt; 3<\/td>/);
    expect(en).toContain('<div class="fvalue">&lt; 3</div>');
  });

  it('writes dates, numbers and words in the report language', () => {
    expect(zh).toContain('<html lang="zh-CN">');
    expect(zh).toContain('2020年1月24日 02:05 UTC');
    expect(zh).toContain('数据截至</dt><dd>2020年1月23日');
    expect(zh).toContain('武汉市外流人员按省份分布');
    expect(zh).not.toContain('Outflow from Wuhan');
    expect(zh).toContain('每万名到达者病例数 · 口径: 推算');
    expect(en).toContain('24 Jan 2020 02:05 UTC');
    expect(en).toContain('Data as of</dt><dd>23 Jan 2020');
    expect(en).toContain('cases per 10,000 arrivals · basis: derived');
    expect(en).not.toContain('武汉市外流');
    for (const html of [zh, en]) {
      expect(html).toContain('4,567,890');
      expect(html).toContain('987,654');
      expect(html).toContain('>0.612<');
      expect(html).toContain('origin = 420100');
    }
    expect(formatDay('2020-12-01', 'en')).toBe('1 Dec 2020');
    expect(formatTime('2020-01-23T23:59:00+08:00', 'zh')).toBe('2020年1月23日 15:59 UTC');
  });

  it('keeps the sections in order, then definitions, sources and privacy', () => {
    const order = [
      'id="headline"',
      'id="provinces"',
      'id="daily"',
      'id="fit"',
      'id="note"',
      'Definitions',
      'Sources',
    ];
    const at = order.map((s) => en.indexOf(s));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(en).toContain('publication threshold k = 3');
    expect(en).toContain('<p>First paragraph.</p><p>Second &lt;b&gt;not bold&lt;/b&gt;.</p>');
  });

  it('says SYNTHETIC when the data are, and only then', () => {
    expect(en).toContain('class="synthetic">SYNTHETIC DATA');
    expect(zh).toContain('class="synthetic">合成数据');
    expect(reportPrintOptions(reportFixture(), 'en').header).toMatch(/^SYNTHETIC DATA/);
    const real = reportFixture({ synthetic: false });
    expect(renderReportHtml(real, 'en')).not.toMatch(/SYNTHETIC|class="synthetic"/);
    expect(reportPrintOptions(real, 'zh')).toEqual({
      footer: '武汉市外流人员按省份分布 · 数据截至 2020年1月23日',
    });
  });
});
