// The dashboard kit in a real browser (issue 16): the region picker by keyboard and mouse, the day range in the
// page language, the data-as-of line, and the CSV and Excel downloads (Excel's library loaded only on demand).
// The kit's harness page (web/src/kit-harness/) is built here with Vite's API, apart from the dashboard.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import ExcelJS from 'exceljs';
import { parse } from 'papaparse';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../src/testing/browser.ts';
import { tempDir } from '../../src/testing/fixture.ts';

const HARNESS = fileURLToPath(new URL('./kit-harness/', import.meta.url));
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html' };
let browser: Browser;
let server: Server;
let base: string;

beforeAll(async () => {
  const out = tempDir('kit-harness');
  await build({
    root: HARNESS,
    configFile: false,
    logLevel: 'silent',
    plugins: [react()],
    build: { outDir: out, emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  });
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = join(out, path === '/' ? 'index.html' : path);
    if (!file.startsWith(out) || !existsSync(file)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((ok) => server?.close(ok));
});

async function open(lang: 'en' | 'zh'): Promise<{ page: Page; scripts: string[] }> {
  const page = await browser.newPage({ acceptDownloads: true });
  const scripts: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.js')) scripts.push(r.url().split('/').pop()!);
  });
  await page.goto(`${base}?lang=${lang}`);
  await page.locator('[data-testid="picker"]').waitFor();
  return { page, scripts };
}

const chosen = async (page: Page) => (await page.textContent('[data-testid="chosen"]')) ?? '';

describe('the kit in a real browser', () => {
  it('picker: shows name, English name and code; finds by pinyin with spaces; arrows and Enter choose', async () => {
    const { page } = await open('zh');
    expect(await page.inputValue('[data-testid="picker"]')).toBe('武汉市 Wuhan 420100');
    await page.click('[data-testid="picker"]');
    // The click selects the shown text, so typing replaces it.
    await page.keyboard.type('wu lu');
    expect(await page.$$eval('[role="option"]', (o) => o.map((x) => x.textContent))).toEqual([
      '乌鲁木齐市 Urumqi 650100',
    ]);
    await page.keyboard.press('Enter');
    expect(await chosen(page)).toMatch(/^650100 /);
    expect(await page.inputValue('[data-testid="picker"]')).toBe('乌鲁木齐市 Urumqi 650100');
    expect(await page.locator('[role="listbox"]').count()).toBe(0);
    // Code prefix: two Hubei cities; ArrowDown moves to the second, Enter takes it.
    await page.click('[data-testid="picker"]');
    await page.keyboard.type('42');
    expect(await page.locator('[role="option"]').count()).toBe(2);
    await page.keyboard.press('ArrowDown');
    expect(await page.getAttribute('[data-testid="picker-option-420200"]', 'aria-selected')).toBe('true');
    await page.keyboard.press('Enter');
    expect(await chosen(page)).toMatch(/^420200 /);
    // Escape closes without changing; a click on an option chooses it.
    await page.click('[data-testid="picker"]');
    await page.keyboard.type('Lhasa');
    await page.keyboard.press('Escape');
    expect(await chosen(page)).toMatch(/^420200 /);
    await page.click('[data-testid="picker"]');
    await page.keyboard.type('拉萨');
    await page.click('[data-testid="picker-option-540100"]');
    expect(await chosen(page)).toMatch(/^540100 /);
    await page.close();
  }, 60_000);

  for (const lang of ['zh', 'en'] as const) {
    it(`day range and data-as-of in the page language (${lang})`, async () => {
      const { page } = await open(lang);
      const labels = await page.$$eval('[data-testid="range-from"] option', (o) =>
        o.map((x) => x.textContent),
      );
      expect(labels).toEqual(
        lang === 'zh'
          ? ['2020年1月16日', '2020年1月17日', '2020年1月18日']
          : ['16 Jan 2020', '17 Jan 2020', '18 Jan 2020'],
      );
      await page.selectOption('[data-testid="range-to"]', '2020-01-17');
      expect(await chosen(page)).toBe('420100 2020-01-16 2020-01-17');
      // A from after the to moves the to along, and a to before the from moves the from.
      await page.selectOption('[data-testid="range-from"]', '2020-01-18');
      expect(await chosen(page)).toBe('420100 2020-01-18 2020-01-18');
      await page.selectOption('[data-testid="range-to"]', '2020-01-16');
      expect(await chosen(page)).toBe('420100 2020-01-16 2020-01-16');
      expect(await page.textContent('[data-testid="as-of"]')).toBe(
        lang === 'zh'
          ? '数据截至 2020年1月23日（快照 3，发布于 2026年12月2日 07:40 北京时间）'
          : 'Data as of 23 Jan 2020 (snapshot 3, published 2 Dec 2026, 07:40 UTC+8)',
      );
      await page.close();
    }, 60_000);
  }

  it('downloads the rows as CSV (BOM, keys, unformatted) and Excel, loading exceljs only for Excel', async () => {
    const { page, scripts } = await open('en');
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid="harness-table-csv"]'),
    ]);
    // Synthetic rows: the name says so first, and every row carries `synthetic` (first column).
    expect(csv.suggestedFilename()).toBe('SYNTHETIC-epitrace-harness-table.csv');
    const text = readFileSync((await csv.path())!, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(parse<string[]>(text.slice(1)).data).toEqual([
      ['synthetic', 'code', 'name', 'count', 'suppressed'],
      ['true', '420100', '武汉市', '1234567', 'false'],
      ['true', '540100', 'Lhasa, "the city"', '', 'true'],
    ]);
    expect(scripts.some((s) => s.startsWith('exceljs'))).toBe(false);
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid="harness-table-xlsx"]'),
    ]);
    expect(xlsx.suggestedFilename()).toBe('SYNTHETIC-epitrace-harness-table.xlsx');
    expect(scripts.some((s) => s.startsWith('exceljs'))).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile((await xlsx.path())!);
    const sheet = wb.worksheets[0]!;
    expect(sheet.name).toBe('harness-table');
    // Rows and cells are 1-based sparse arrays; an empty cell (null written) reads back as a hole.
    const rows = (sheet.getSheetValues().slice(1) as unknown[][]).map((r) =>
      Array.from({ length: 5 }, (_, i) => r[i + 1] ?? null),
    );
    expect(rows).toEqual([
      ['Synthetic data', '代码', '名称', '人数', '已抑制'],
      [true, '420100', '武汉市', 1234567, false],
      [true, '540100', 'Lhasa, "the city"', null, true],
    ]);
    await page.close();
  }, 60_000);
});
