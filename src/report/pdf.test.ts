import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { pdfInk, pdfTextPages } from '../testing/pdf.ts';
import { reportFixture } from '../testing/report-fixture.ts';
import {
  closePdfBrowser,
  pdfBrowserOpen,
  pdfMostRunning,
  pdfPageCount,
  pdfQueueLength,
  printPdf,
} from './pdf.ts';
import { renderReportHtml, reportPrintOptions } from './render.ts';

afterAll(() => closePdfBrowser());

describe('printPdf (headless Chromium)', () => {
  it('refuses a missing browser with a UserError naming the fix, and prints once it is there', async () => {
    const saved = process.env.EPITRACE_CHROMIUM;
    process.env.EPITRACE_CHROMIUM = '/nonexistent/chromium';
    try {
      await closePdfBrowser();
      const e = await printPdf('<p>x</p>').catch((err: unknown) => err);
      expect(e).toBeInstanceOf(UserError);
      expect((e as Error).message).toMatch(
        /no Chromium at \/nonexistent\/chromium: install chromium .* EPITRACE_CHROMIUM/,
      );
    } finally {
      if (saved === undefined) delete process.env.EPITRACE_CHROMIUM;
      else process.env.EPITRACE_CHROMIUM = saved;
    }
    // The failed print does not block the queue.
    expect(pdfPageCount(await printPdf('<p>x</p>'))).toBe(1);
  }, 60_000);

  it('prints the report in both languages: pages not blank, the numbers and SYNTHETIC on them', async () => {
    const r = reportFixture();
    for (const lang of ['en', 'zh'] as const) {
      const pdf = await printPdf(renderReportHtml(r, lang), reportPrintOptions(r, lang));
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const ink = pdfInk(pdf);
      const pages = pdfTextPages(pdf);
      // 40 table rows, two charts and the closing sections: three A4 pages, as pdfPageCount counts them.
      expect(ink.length, lang).toBe(3);
      expect(pages.length).toBe(3);
      expect(pdfPageCount(pdf)).toBe(3);
      // A page of text and tables inks a few percent at 40 dpi; a blank page ~0.
      for (const f of ink) expect(f, lang).toBeGreaterThan(0.01);
      pages.forEach((p, i) => {
        expect(p, `${lang} page ${i + 1}`).toContain(lang === 'en' ? 'SYNTHETIC DATA' : '合成数据');
        expect(p).toMatch(new RegExp(`${i + 1} ?/ ?3`));
      });
      const text = pages.join('\n');
      // Table numbers on their rows (pdftotext -layout keeps a row on one line).
      expect(text).toMatch(/110000 +省份1 +12,345 +987,654 +40 +0\.41/);
      expect(text).toMatch(/160000 +省份6 +< ?3 +- +45 +-/);
      expect(text).toContain('4,567,890');
      expect(text).toContain('<script>alert(1)</script>');
      if (lang === 'en') {
        expect(text).toContain('cases per 10,000 arrivals');
        expect(text).toContain('24 Jan 2020 02:05 UTC');
      } else {
        expect(text).toContain('每万名到达者病例数');
        expect(text).toContain('2020年1月24日 02:05 UTC');
      }
    }
  }, 120_000);

  it('is offline: the page fetches nothing, even when the HTML asks', async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.end('x');
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const html =
        `<link rel="stylesheet" href="${url}/a.css"><p>offline</p><img src="${url}/b.png">` +
        `<iframe src="${url}/c"></iframe><style>@import "${url}/d.css"; body{background:url(${url}/e.png)}</style>`;
      const pdf = await printPdf(html);
      expect(pdfTextPages(pdf).join('')).toContain('offline');
      expect(hits).toBe(0);
    } finally {
      server.close();
    }
  }, 60_000);

  it('prints one at a time: concurrent prints queue and all complete', async () => {
    const jobs = [1, 2, 3].map((i) => printPdf(`<h1>print ${i}</h1>`));
    expect(pdfQueueLength()).toBe(3);
    const pdfs = await Promise.all(jobs);
    expect(pdfQueueLength()).toBe(0);
    pdfs.forEach((p, i) => expect(pdfTextPages(p)[0]).toContain(`print ${i + 1}`));
    // Queued is not enough: they ran one at a time (prints run in parallel would also all complete).
    expect(pdfMostRunning()).toBe(1);
  }, 60_000);

  it('gives a hung print up after its timeout, closes the browser, and the next print works', async () => {
    const e = await printPdf('<p>x</p>', { timeoutMs: 1 }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).toBe(
      'cannot print PDF: the print took longer than 0.001 s and was given up; retry',
    );
    expect(pdfQueueLength()).toBe(0);
    expect(pdfPageCount(await printPdf('<p>after</p>'))).toBe(1);
  }, 60_000);

  it('closePdfBrowser waits for a print queued meanwhile before closing (no browser left open)', async () => {
    const first = printPdf('<p>1</p>');
    const closing = closePdfBrowser();
    const second = printPdf('<p>2</p>');
    await closing;
    // The close waited for both prints and ended the browser they used: none is left open.
    expect(pdfBrowserOpen()).toBe(false);
    expect(pdfPageCount(await first)).toBe(1);
    expect(pdfPageCount(await second)).toBe(1);
    expect(pdfPageCount(await printPdf('<p>3</p>'))).toBe(1);
  }, 60_000);
});
