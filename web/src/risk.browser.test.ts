import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/cli/serve.ts';
import { openAppDb } from '../../src/db/sqlite.ts';
import { OUTBREAK, riskSourcesFixture, RISK_SOURCES_K } from '../../src/risk/sources-fixture-workspace.ts';
import { Accounts } from '../../src/server/accounts.ts';
import { exportedCsv, launchChromium } from '../../src/testing/browser.ts';
import { untranslatedChinese, untranslatedWords } from '../../src/testing/untranslated.ts';
import type { Division } from './api.ts';
import { numberText } from './format.ts';
import type { Lang } from './i18n.ts';
import type { RiskAlerts, RiskHeatmap, RiskIndex, RiskLevels, RiskSources } from './risk-api.ts';
import { guardedText, rText, statText } from './risk-format.ts';

const OUT = fileURLToPath(new URL('../../test-output/', import.meta.url));
const PW = 'risk-browser-password';
let browser: Browser;
let url: string;
let close: () => Promise<void>;
let window: { from: string; to: string };

beforeAll(async () => {
  browser = await launchChromium();
  const f = await riskSourcesFixture('risk-browser', { riskTables: true });
  window = { from: f.from, to: f.to };
  const app = openAppDb(f.ws.sqlitePath);
  const acc = new Accounts(app);
  await acc.upsert('analyst', PW, 'analyst');
  await acc.upsert('public', PW, 'public');
  app.close();
  const s = await startServer(f.ws, { host: '127.0.0.1', port: 0, k: RISK_SOURCES_K });
  [url, close] = [s.url, s.close];
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await close?.();
});

async function loginAs(
  username: string,
  lang: Lang = 'en',
  o: { width?: number; height?: number; search?: string } = {},
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: o.width ?? 1280, height: o.height ?? 900 } });
  await page.addInitScript((l) => localStorage.setItem('epitrace.lang', l), lang);
  await page.goto(`${url}${o.search ?? ''}`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', PW);
  await page.click('[data-testid="login-submit"]');
  await page.locator('[data-testid="current-user"]').waitFor();
  return page;
}

/** GET from the page itself, with its session cookie. */
function api<T>(page: Page, path: string): Promise<{ status: number; body: T }> {
  return page.evaluate(async (p) => {
    const r = await fetch(p);
    return { status: r.status, body: await r.json().catch(() => null) };
  }, path);
}

const text = (page: Page, testId: string) => page.textContent(`[data-testid="${testId}"]`);
const codes = (page: Page, list: string) =>
  page.$$eval(`[data-testid="${list}"] li[data-code]`, (lis) =>
    lis.map((li) => li.getAttribute('data-code')),
  );

/** The sources panel's numbers equal the API's, formatted as the view formats them. */
async function checkSources(page: Page, lang: Lang): Promise<RiskSources> {
  await page.locator('[data-testid="sources-n"]').waitFor({ timeout: 60_000 });
  const q = new URLSearchParams({ origin: '420100', ...window, model: 'loglog' });
  const r = await api<RiskSources>(page, `/api/risk/sources?${q}`);
  expect(r.status).toBe(200);
  expect(r.body.n).toBeGreaterThanOrEqual(5);
  expect(await text(page, 'sources-n')).toBe(String(r.body.n));
  expect(await text(page, 'sources-slope')).toBe(statText(r.body.fit!.slope));
  expect(await text(page, 'sources-intercept')).toBe(statText(r.body.fit!.intercept));
  expect(await text(page, 'sources-r')).toBe(rText(r.body.fit!.r));
  expect(await text(page, 'sources-r2')).toBe(rText(r.body.fit!.r2));
  // The fixture's outbreak is flagged, so the list compares something.
  expect(r.body.points.filter((p) => p.flagged).map((p) => p.code)).toEqual([OUTBREAK.city]);
  expect(await codes(page, 'sources-flagged')).toEqual(
    r.body.points.filter((p) => p.flagged).map((p) => p.code),
  );
  const rows = await page.$$eval('[data-testid="sources-table"] tbody tr', (trs) =>
    trs.map((tr) => [tr.getAttribute('data-code'), tr.children[1]?.textContent, tr.children[2]?.textContent]),
  );
  const fitted = [...r.body.points].sort((a, b) => b.outflow - a.outflow);
  expect(rows.slice(0, fitted.length)).toEqual(
    fitted.map((p) => [p.code, numberText(p.outflow, lang), numberText(p.cases, lang)]),
  );
  expect(rows).toHaveLength(r.body.points.length + r.body.excluded.length);
  await page.locator('[data-testid="sources-chart"] canvas').first().waitFor();
  expect(r.body.synthetic).toBe(true);
  await page.locator('[data-testid="sources-synthetic"]').waitFor();
  return r.body;
}

/** Heatmap, levels, alerts and index on screen equal risk-core's routes; returns a summary for the log. */
async function checkCore(page: Page, lang: 'en' | 'zh'): Promise<string> {
  const city = '420100';
  const day = window.to;
  await page.locator('[data-testid="heatmap-total"]').waitFor({ timeout: 60_000 });
  const hour = (await page.getAttribute('[data-testid="heatmap-hour"]', 'data-hour'))!;
  const h = await api<RiskHeatmap>(
    page,
    `/api/risk/heatmap?${new URLSearchParams({ city, hour, kind: 'grid' })}`,
  );
  expect(h.status).toBe(200);
  expect(await text(page, 'heatmap-total')).toBe(guardedText(h.body.total, h.body.k));
  const published = h.body.areas
    .filter((a) => !a.suppressed)
    .sort((a, b) => (b.count ?? 0) - (a.count ?? 0) || a.area.localeCompare(b.area));
  const firstRow = await page.$eval('[data-testid="heatmap-table"] tbody tr', (tr) => [
    tr.getAttribute('data-area'),
    tr.children[1]?.textContent,
  ]);
  if (published[0]) expect(firstRow).toEqual([published[0].area, numberText(published[0].count ?? 0, lang)]);
  await page.locator('[data-testid="heatmap-synthetic"]').waitFor();
  await page.locator('[data-testid="heatmap-map"] canvas').first().waitFor();

  const l = await api<RiskLevels>(
    page,
    `/api/risk/levels?${new URLSearchParams({ city, day, level: 'county' })}`,
  );
  expect(l.status).toBe(200);
  await page.locator('[data-testid="levels-count-high"]').waitFor({ timeout: 30_000 });
  for (const c of ['high', 'medium', 'low'] as const)
    expect(await text(page, `levels-count-${c}`)).toBe(
      String(l.body.areas.filter((a) => a.risk === c).length),
    );
  await page.locator('[data-testid="levels-map"] canvas').first().waitFor();

  const a = await api<RiskAlerts>(page, `/api/risk/alerts?${new URLSearchParams({ city, day })}`);
  expect(a.status).toBe(200);
  const n = a.body.alerts.length;
  await expect.poll(() => text(page, 'alerts-count')).toBe(lang === 'en' ? `${n} alerts` : `${n} 条提示`);
  expect(await codes(page, 'alerts-list')).toEqual(a.body.alerts.map((x) => x.code));

  const ix = await api<RiskIndex>(
    page,
    `/api/risk/index?${new URLSearchParams({ city, day, level: 'county' })}`,
  );
  expect(ix.status).toBe(200);
  await page.locator('[data-testid="index-table"]').waitFor();
  const top = [...ix.body.areas].sort((x, y) => y.index - x.index || x.code.localeCompare(y.code))[0];
  const topRow = await page.$eval('[data-testid="index-table"] tbody tr', (tr) => [
    tr.getAttribute('data-code'),
    tr.children[1]?.textContent,
  ]);
  if (top) expect(topRow).toEqual([top.code, top.index.toFixed(3)]);
  for (const panel of ['levels', 'alerts', 'index'])
    await page.locator(`[data-testid="${panel}-synthetic"]`).waitFor();
  return (
    `heatmap ${hour}: total ${h.body.total}, ${h.body.areas.length} areas (${h.body.suppressedAreas} suppressed); ` +
    `levels ${['high', 'medium', 'low'].map((c) => l.body.areas.filter((x) => x.risk === c).length).join('/')}; ` +
    `${n} alerts; ${ix.body.areas.length} index areas`
  );
}

describe('risk view in a real browser', () => {
  it.each(['en', 'zh'] as const)(
    "shows an analyst the API's numbers (%s), all in the page language, with exports and the data's date",
    async (lang) => {
      const page = await loginAs('analyst', lang);
      await page.click('[data-testid="nav-risk"]');
      expect(await text(page, 'nav-risk')).toBe(lang === 'en' ? 'Risk' : '风险');
      await checkSources(page, lang);
      expect(await text(page, 'sources-synthetic')).toMatch(lang === 'en' ? /^SYNTHETIC DATA/ : /^合成数据/);
      console.log(`risk view (${lang}): ${await checkCore(page, lang)}`);
      await page.locator('[data-testid="as-of"]').waitFor();
      expect(await page.locator('input[type="date"]').count()).toBe(0);

      // The index table's CSV: the API's rows, numbers unformatted.
      const day = window.to;
      const ix = await api<RiskIndex>(
        page,
        `/api/risk/index?${new URLSearchParams({ city: '420100', day, level: 'county' })}`,
      );
      const csv = await exportedCsv(page, 'index-export-csv');
      expect(csv.name).toBe(`SYNTHETIC-epitrace-risk-index-420100-${day}-county.csv`);
      expect(csv.fields[0]).toBe('synthetic');
      expect(csv.rows.every((r) => r['synthetic'] === 'true')).toBe(true);
      const want = [...ix.body.areas].sort((a, b) => b.index - a.index || a.code.localeCompare(b.code));
      expect(csv.rows.map((r) => [r['code'], Number(r['index']), r['warning'], Number(r['cases'])])).toEqual(
        want.map((a) => [a.code, a.index, a.warning, a.components['cases']]),
      );
      // The sources table's CSV: suppressed outflow is an empty field with suppressed = true.
      const src = await exportedCsv(page, 'sources-export-csv');
      const q = new URLSearchParams({ origin: '420100', ...window, model: 'loglog' });
      const sr = (await api<RiskSources>(page, `/api/risk/sources?${q}`)).body;
      expect(src.rows).toHaveLength(sr.points.length + sr.excluded.length);
      for (const e of sr.excluded) {
        const row = src.rows.find((r) => r['code'] === e.code);
        expect(row?.['outflow']).toBe(e.outflow === null ? '' : String(e.outflow));
        expect(row?.['suppressed']).toBe(String(e.outflow === null));
      }

      mkdirSync(OUT, { recursive: true });
      await page.screenshot({ path: `${OUT}risk-${lang}.png`, fullPage: true });
      if (lang === 'zh') expect(await untranslatedWords(page, '[data-testid="risk-view"]')).toEqual([]);
      else {
        const places = (await api<Division[]>(page, '/api/divisions?level=county')).body.map((d) => d.name);
        const cities = (await api<Division[]>(page, '/api/divisions?level=city')).body.map((d) => d.name);
        const index = ix.body.areas.map((a) => a.name);
        expect(
          await untranslatedChinese(page, '[data-testid="risk-view"]', [...places, ...cities, ...index]),
        ).toEqual([]);
      }

      // The linear model: value axes, its own fit, still the API's numbers.
      await page.selectOption('select[name="sources-model"]', 'linear');
      const lq = new URLSearchParams({ origin: '420100', ...window, model: 'linear' });
      const lin = await api<RiskSources>(page, `/api/risk/sources?${lq}`);
      await expect.poll(() => text(page, 'sources-slope')).toBe(statText(lin.body.fit!.slope));
      expect(await text(page, 'sources-r')).toBe(rText(lin.body.fit!.r));
      await page.close();
    },
    180_000,
  );

  it.each(['zh', 'en'] as const)(
    'lays the big screen out at 1920x1080 without scrolling (%s)',
    async (lang) => {
      const page = await loginAs('analyst', lang, { width: 1920, height: 1080, search: '?screen=big' });
      await page.click('[data-testid="nav-risk"]');
      await page.locator('[data-testid="sources-n"]').waitFor({ timeout: 60_000 });
      await page.locator('[data-testid="index-table"]').waitFor({ timeout: 60_000 });
      await page.locator('[data-testid="levels-count-high"]').waitFor({ timeout: 60_000 });
      const size = await page.evaluate(() => ({
        w: document.documentElement.scrollWidth,
        h: document.documentElement.scrollHeight,
      }));
      console.log(`risk big screen (${lang}): document ${size.w} x ${size.h}`);
      expect(size.w).toBeLessThanOrEqual(1920);
      expect(size.h).toBeLessThanOrEqual(1080);
      // Every panel is on screen, none pushed below the fold.
      for (const id of ['risk-sources', 'risk-heatmap', 'risk-levels', 'risk-alerts', 'risk-index']) {
        const box = await page.locator(`[data-testid="${id}"]`).boundingBox();
        expect(box && box.y + box.height).toBeLessThanOrEqual(1080);
        expect(box!.height).toBeGreaterThan(150);
      }
      await page.screenshot({ path: `${OUT}risk-big-${lang}.png` });
      await page.close();
    },
    180_000,
  );

  it('hides the view from a role without aggregates, whose API calls are refused, and asks strangers to log in', async () => {
    const page = await loginAs('public');
    await page.locator('[data-testid="public-only"]').waitFor();
    expect(await page.locator('[data-testid="nav-risk"]').count()).toBe(0);
    expect(await page.locator('[data-testid="risk-view"]').count()).toBe(0);
    const q = new URLSearchParams({ origin: '420100', ...window });
    expect((await api(page, `/api/risk/sources?${q}`)).status).toBe(403);
    await page.click('[data-testid="logout"]');
    await page.locator('input[name="username"]').waitFor();
    expect((await api(page, `/api/risk/sources?${q}`)).status).toBe(401);
    expect(await page.locator('[data-testid="nav-risk"]').count()).toBe(0);
    await page.close();
  });
});
