import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'papaparse';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/cli/serve.ts';
import { openAppDb } from '../../src/db/sqlite.ts';
import { Accounts } from '../../src/server/accounts.ts';
import { launchChromium } from '../../src/testing/browser.ts';
import { forecastFixture } from '../../src/testing/forecast-fixture.ts';
import { untranslatedChinese, untranslatedWords } from '../../src/testing/untranslated.ts';
import type { Division } from './api.ts';
import { numberText } from './format.ts';
import type { Lang } from './i18n.ts';
import type { ForecastParams, ForecastRuns, ForecastSeries } from './forecast-api.ts';
import { bandText, paramText, SUMMARY_HORIZONS } from './forecast-format.ts';

// The forecast view (issue 13) in Chromium on a demo-sized synthetic workspace with a stored run: every number
// on screen equals the API's, formatted as the view formats it, in English and in Chinese; every panel says
// the data are synthetic. Screenshots in test-output/.

const OUT = fileURLToPath(new URL('../../test-output/', import.meta.url));
const PW = 'forecast-browser-password';
const QUANTITIES = ['confirmed', 'deaths', 'contacts', 'suspected'] as const;
let browser: Browser;
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  browser = await launchChromium();
  const f = await forecastFixture('forecast-browser');
  const app = openAppDb(f.ws.sqlitePath);
  await new Accounts(app).upsert('analyst', PW, 'analyst');
  app.close();
  const s = await startServer(f.ws, { host: '127.0.0.1', port: 0 });
  [url, close] = [s.url, s.close];
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await close?.();
});

async function login(lang: 'en' | 'zh'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 2400 } });
  await page.addInitScript((l) => localStorage.setItem('epitrace.lang', l), lang);
  await page.goto(url);
  await page.fill('input[name="username"]', 'analyst');
  await page.fill('input[name="password"]', PW);
  await page.click('[data-testid="login-submit"]');
  await page.locator('[data-testid="current-user"]').waitFor();
  await page.click('[data-testid="nav-forecast"]');
  return page;
}

/** GET from the page itself, with its session cookie. */
function api<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (p) => (await fetch(p)).json(), path) as Promise<T>;
}

const text = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).textContent();

/** Every number of the view for `region` under `scenario` equals the API's. */
async function checkNumbers(page: Page, region: string, scenario: string, lang: Lang): Promise<void> {
  for (const q of QUANTITIES) {
    await page.locator(`[data-testid="fan-${q}-h30"]`).waitFor({ timeout: 60_000 });
    const s = await api<ForecastSeries>(
      page,
      `/api/forecast?${new URLSearchParams({ run: '1', region, quantity: q, scenario })}`,
    );
    expect(s.synthetic).toBe(true);
    for (const h of SUMMARY_HORIZONS) {
      const p = s.forecast.find((f) => f.horizon === h)!;
      expect(await text(page, `fan-${q}-h${h}`)).toBe(bandText(p.median, p.q05, p.q95, lang));
    }
    expect(await page.locator(`[data-testid="fan-${q}-synthetic"]`).isVisible()).toBe(true);
    if (q === 'confirmed') {
      const last = s.observed.at(-1)!;
      expect(await text(page, 'fan-confirmed-observed')).toContain(
        last.count === null ? `< ${s.k}` : `: ${numberText(last.count, lang)}`,
      );
    }
  }
}

async function checkScenariosAndParams(page: Page, region: string, lang: Lang): Promise<void> {
  const runs = await api<ForecastRuns>(page, '/api/forecast/runs');
  for (const sc of runs.runs[0]!.scenarios) {
    const s = await api<ForecastSeries>(
      page,
      `/api/forecast?${new URLSearchParams({ run: '1', region, quantity: 'confirmed', scenario: sc.name })}`,
    );
    for (const h of SUMMARY_HORIZONS) {
      const p = s.forecast.find((f) => f.horizon === h)!;
      await page.locator(`[data-testid="scenario-${sc.name}-h${h}"]`).waitFor({ timeout: 60_000 });
      expect(await text(page, `scenario-${sc.name}-h${h}`)).toBe(bandText(p.median, p.q05, p.q95, lang));
    }
  }
  const params = await api<ForecastParams>(page, '/api/forecast/params?run=1');
  for (const name of ['Rt', 'alpha', 'latentDays', 'infectiousDays']) {
    await page.locator(`[data-testid="param-${name}"]`).waitFor({ timeout: 60_000 });
    expect(await text(page, `param-${name}`)).toBe(paramText(params.params[name]!.at(-1)!));
  }
  for (const id of ['forecast-synthetic', 'forecast-scenarios-synthetic', 'forecast-params-synthetic'])
    expect(await page.locator(`[data-testid="${id}"]`).isVisible()).toBe(true);
}

/** The confirmed fan's CSV equals the API's series; "data as of" is shown; no text left in the other language. */
async function checkExportAndLanguage(
  page: Page,
  region: string,
  scenario: string,
  lang: Lang,
): Promise<void> {
  const s = await api<ForecastSeries>(
    page,
    `/api/forecast?${new URLSearchParams({ run: '1', region, quantity: 'confirmed', scenario })}`,
  );
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('[data-testid="fan-confirmed-export-csv"]'),
  ]);
  expect(download.suggestedFilename()).toBe(
    `SYNTHETIC-epitrace-forecast-1-${region}-confirmed-${scenario}.csv`,
  );
  const csv = readFileSync((await download.path())!, 'utf8');
  const rows = parse<Record<string, string>>(csv.slice(1), { header: true, skipEmptyLines: true }).data;
  expect(rows.every((r) => r['synthetic'] === 'true')).toBe(true);
  expect(rows.map((r) => [r['target'], Number(r['median']), Number(r['q05']), Number(r['q95'])])).toEqual(
    s.forecast.map((p) => [p.target, p.median, p.q05, p.q95]),
  );
  await page.locator('[data-testid="as-of"]').waitFor();
  if (lang === 'zh') expect(await untranslatedWords(page, '[data-testid="forecast-view"]')).toEqual([]);
  else {
    const names = [
      ...(await api<Division[]>(page, '/api/divisions?level=city')).map((d) => d.name),
      ...(await api<Division[]>(page, '/api/divisions?level=province')).map((d) => d.name),
    ];
    expect(await untranslatedChinese(page, '[data-testid="forecast-view"]', names)).toEqual([]);
  }
}

describe('forecast view', { timeout: 300_000 }, () => {
  it('English: the province group by default, then Wuhan under the 90% cut; numbers equal the API', async () => {
    const page = await login('en');
    await page.locator('[data-testid="forecast-view"]').waitFor();
    expect(await page.textContent('[data-testid="nav-forecast"]')).toBe('Forecast');
    expect(await text(page, 'forecast-synthetic')).toContain('SYNTHETIC');
    expect(await page.inputValue('select[name="forecast-region"]')).toBe('420000');
    await checkNumbers(page, '420000', 'baseline', 'en');
    await checkScenariosAndParams(page, '420000', 'en');
    await page.selectOption('select[name="forecast-region"]', '420100');
    await page.selectOption('select[name="forecast-scenario"]', 'outflow-420100-cut-90');
    await checkNumbers(page, '420100', 'outflow-420100-cut-90', 'en');
    await checkScenariosAndParams(page, '420100', 'en');
    await checkExportAndLanguage(page, '420100', 'outflow-420100-cut-90', 'en');
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: `${OUT}forecast-en.png`, fullPage: true });
    await page.close();
  });

  it('Chinese: 预测 tab, Chinese labels, the same numbers as the API', async () => {
    const page = await login('zh');
    await page.locator('[data-testid="forecast-view"]').waitFor();
    expect(await page.textContent('[data-testid="nav-forecast"]')).toBe('预测');
    expect(await page.textContent('[data-testid="forecast-view"] h2')).toBe('预测：每日新增，未来 30 天');
    expect(await text(page, 'forecast-synthetic')).toContain('合成数据');
    expect(await page.textContent('[data-testid="fan-contacts"] h3')).toBe('密切接触者');
    await checkNumbers(page, '420000', 'baseline', 'zh');
    await checkScenariosAndParams(page, '420000', 'zh');
    await checkExportAndLanguage(page, '420000', 'baseline', 'zh');
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: `${OUT}forecast-zh.png`, fullPage: true });
    await page.close();
  });
});
