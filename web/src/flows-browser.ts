// The flows view's browser tests (flows.browser.test.ts, flows-big.browser.test.ts): fixture, login, and the
// page's numbers as the API's answers would read on screen.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, serveWithAccount } from '../../src/testing/browser.ts';
import { pipelineFixture } from '../../src/testing/fixture.ts';
import type { Figure } from './flows-api.ts';
import { flowsStrings } from './flows-i18n.ts';
import type { Lang } from './i18n.ts';

export const OUT = fileURLToPath(new URL('../../test-output/', import.meta.url));

/** A served test workspace, a browser, and the default selection's query (epicentre, every data day). */
export type Served = {
  browser: Browser;
  url: string;
  close: () => Promise<void>;
  q: { origin: string; from: string; to: string };
};

/** Builds the test workspace and serves it with an analyst account. */
export async function serveFlows(prefix: string): Promise<Served> {
  const browser = await launchChromium();
  // More people leave the epicentre than in the demo, so that some region-day cells reach k and are published.
  const f = await pipelineFixture(prefix, {
    outflowProfile: 'linear',
    outflowFirstDay: 0.2,
    outflowLastDay: 0.4,
  });
  const q = { origin: f.params.epicentre, from: f.params.start, to: f.ws.info().scenario!.to };
  const { url, close } = await serveWithAccount(f.ws, 'analyst', 'browser-test-password');
  mkdirSync(OUT, { recursive: true });
  return { browser, url, close, q };
}

/** A page logged in as the analyst with the language set before the app reads it (decision 4). */
export async function open(
  s: Served,
  lang: Lang,
  viewport: { width: number; height: number },
  path = '/',
): Promise<Page> {
  const page = await s.browser.newPage({ viewport, acceptDownloads: true });
  await page.addInitScript((l) => localStorage.setItem('epitrace.lang', l), lang);
  await page.goto(new URL(path, s.url).toString());
  await page.fill('input[name="username"]', 'analyst');
  await page.fill('input[name="password"]', 'browser-test-password');
  await page.click('[data-testid="login-submit"]');
  await page.locator('[data-testid="flows-total-sample"]').waitFor({ timeout: 30_000 });
  return page;
}

/** The API's answer for `path`, fetched in the page with its session (and its language header). */
export async function api<T>(page: Page, path: string): Promise<T> {
  return (await page.evaluate(async (p) => (await fetch(p)).json(), path)) as T;
}

/** Numbers as the page shows them: grouped by the page language (the Kit's numberText). */
export function num(n: number, lang: Lang, digits?: number): string {
  const opts = digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  return new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en', opts).format(n);
}

/** A figure's sample count as shown: in tables (`short`) a suppressed one reads "< k". */
export function sample(f: Figure, k: number, lang: Lang, short = false): string {
  const t = flowsStrings[lang];
  return f.count === null ? (short ? t.suppressedShort(k) : t.suppressed(k)) : num(f.count, lang);
}

export function expanded(f: Figure, k: number, lang: Lang, short = false): string {
  const t = flowsStrings[lang];
  if (f.count === null) return short ? t.suppressedShort(k) : t.suppressed(k);
  return f.expanded ? num(f.expanded.value, lang) : t.notAvailable;
}

export type ChartState = {
  series: { type: string; data: unknown[] }[];
  visualMap?: { pieces?: { label?: string }[] }[];
  dataZoom?: { startValue?: number; endValue?: number }[];
};

/** What a chart of the view draws: its ECharts option (flows-chart.ts hangs the instance on the element). */
export async function chart(page: Page, testId: string): Promise<ChartState> {
  const el = page.locator(`[data-testid="${testId}"]`);
  await el.locator('canvas').first().waitFor();
  return el.evaluate((e) => {
    const option = (
      e as HTMLElement & { epitraceChart?: { getOption(): unknown } }
    ).epitraceChart?.getOption();
    return JSON.parse(JSON.stringify(option ?? { series: [] })) as ChartState;
  });
}

export async function cells(page: Page, testId: string): Promise<string[][]> {
  return page.$$eval(`[data-testid="${testId}"] tbody tr`, (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())),
  );
}
