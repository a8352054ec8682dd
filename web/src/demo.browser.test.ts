// Every chart of the demo shows data (issue 16): the demo workspace exactly as `npm start` builds it (30,000
// simulated people, 14 days, risk tables and forecast), each view a tracer can open, in a real browser. Also the
// flows view's default selection publishes a total, a destination, a province, daily points and a scale index,
// and every region has a centroid for the flow lines. Building the demo takes about 3 minutes.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo } from '../../src/cli/demo.ts';
import { defaultParams } from '../../src/synth/params.ts';
import { launchChromium, serveWithAccount } from '../../src/testing/browser.ts';
import { tempDir } from '../../src/testing/fixture.ts';
import { Client } from '../../src/testing/http.ts';
import { Workspace } from '../../src/workspace.ts';
import type { Centroids, FlowsDivision, OutflowAnswer, ScaleAnswer } from './flows-api.ts';
import { flowsPath, scalePath } from './flows-api.ts';

const OUT = fileURLToPath(new URL('../../test-output/', import.meta.url));
const PASSWORD = 'demo-test-password';
const centroids = JSON.parse(
  readFileSync(fileURLToPath(new URL('../public/geo/centroids.json', import.meta.url)), 'utf8'),
) as Centroids;
const quiet = { start: () => undefined, update: () => undefined, stop: () => undefined };

let browser: Browser;
let url: string;
let close: () => Promise<void>;
let client: Client;
let meta: { scenario: { from: string; to: string; epicentre: { code: string } } };

beforeAll(async () => {
  browser = await launchChromium();
  mkdirSync(OUT, { recursive: true });
  const ws = new Workspace(join(tempDir('demo-view'), 'ws'));
  await buildDemo(ws, { ...defaultParams }, quiet);
  ({ url, close } = await serveWithAccount(ws, 'tracer', PASSWORD, 'tracer'));
  client = new Client(url);
  expect((await client.login('tracer', PASSWORD)).status).toBe(200);
  meta = (await client.send('GET', '/api/meta')).body as typeof meta;
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await close?.();
});

/** One drawn chart: its test id (or class) and how many of its data points carry a positive value. */
type Drawn = { id: string; points: number };

/** Every ECharts chart on the page (useChart puts the instance on its element) with its points that have data. */
async function charts(page: Page): Promise<Drawn[]> {
  return page.$$eval('div', (els) =>
    els.flatMap((e) => {
      const chart = (e as HTMLElement & { epitraceChart?: { getOption(): unknown; isDisposed(): boolean } })
        .epitraceChart;
      if (!chart || chart.isDisposed()) return [];
      const o = chart.getOption() as { series?: { data?: unknown[] }[] };
      // A point has data when its value is a number > 0: the point itself, `value`, or (an array: [x, y, size],
      // [time, row]) one of its numbers; a flow line has its coords. A map region at 0 or a '-' gap has none.
      const positive = (d: unknown): boolean => {
        let v: unknown = d;
        if (v && typeof v === 'object' && !Array.isArray(v))
          v = 'coords' in v ? 1 : (v as { value?: unknown }).value;
        if (Array.isArray(v)) return v.some((x) => typeof x === 'number' && x > 0);
        return typeof v === 'number' && v > 0;
      };
      const points = (o.series ?? []).reduce((n, s) => n + (s.data ?? []).filter(positive).length, 0);
      return [{ id: e.dataset['testid'] ?? e.className, points }];
    }),
  );
}

/** Waits until the view has drawn `atLeast` charts, each with data (or 45 s), and returns what it drew. */
async function drawnCharts(page: Page, atLeast: number): Promise<Drawn[]> {
  let last: Drawn[] = [];
  await expect
    .poll(
      async () => {
        last = await charts(page);
        return last.length >= atLeast && last.every((c) => c.points > 0);
      },
      { timeout: 45_000, interval: 500 },
    )
    .toBe(true)
    .catch(() => undefined);
  return last;
}

async function login(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(url);
  await page.fill('input[name="username"]', 'tracer');
  await page.fill('input[name="password"]', PASSWORD);
  await page.click('[data-testid="login-submit"]');
  await page.waitForSelector('[data-testid="nav-flows"]', { timeout: 30_000 });
  return page;
}

/**
 * The tracing view: an unmatched case (its number is no subscriber's) shows its message and no empty places map;
 * then a matched case, whose timeline and places map the chart check reads.
 */
async function openCases(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="case-table"] tbody tr button', { timeout: 30_000 });
  const { cases } = (await page.evaluate(async () => (await fetch('/api/cases')).json())) as {
    cases: { ref: string; matched: boolean }[];
  };
  const unmatched = cases.find((c) => !c.matched);
  const matched = cases.find((c) => c.matched);
  expect(matched, 'the demo registry has a case matched to a subscriber').toBeDefined();
  if (unmatched) {
    await page.click(`[data-testid="case-table"] tr[data-ref="${unmatched.ref}"] button`);
    await page.locator('[data-testid="trajectory-unmatched"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="places-panel"]').isVisible()).toBe(false);
  }
  await page.click(`[data-testid="case-table"] tr[data-ref="${matched!.ref}"] button`);
}

describe('the demo in a real browser', () => {
  it('draws data in every chart of every view a tracer opens', async () => {
    const page = await login();
    // Charts each view draws on opening (the tracing view after a matched case is chosen: timeline and places).
    const views: [view: string, charts: number][] = [
      ['flows', 3],
      ['layers', 1],
      ['risk', 3],
      ['forecast', 1],
      ['tracing', 2],
    ];
    const seen: Record<string, Drawn[]> = {};
    for (const [view, atLeast] of views) {
      await page.click(`[data-testid="nav-${view}"]`);
      if (view === 'tracing') await openCases(page);
      seen[view] = await drawnCharts(page, atLeast);
      await page.screenshot({ path: `${OUT}demo-${view}-zh.png`, fullPage: true });
    }
    for (const [view, atLeast] of views) {
      const drawn = seen[view]!;
      expect(drawn.length, `${view}: charts drawn ${JSON.stringify(drawn)}`).toBeGreaterThanOrEqual(atLeast);
      expect(
        drawn.filter((c) => c.points === 0).map((c) => c.id),
        `${view}: charts without data`,
      ).toEqual([]);
    }
    await page.close();
  });

  it('publishes a total, a destination, a province, daily points and a scale index for the flows default', async () => {
    const { from, to, epicentre } = meta.scenario;
    const out = (await client.send('GET', `/api${flowsPath('out', { region: epicentre.code, from, to })}`))
      .body as unknown as OutflowAnswer;
    expect(out.total.count).toBeGreaterThan(0);
    expect(out.destinations.filter((d) => d.count !== null).length).toBeGreaterThan(0);
    expect(out.byProvince.filter((d) => d.count !== null).length).toBeGreaterThan(0);
    expect(out.daily.filter((d) => d.count !== null).length).toBeGreaterThan(0);
    // The view's default baseline: the first 7 data days.
    const days: string[] = out.daily.map((d) => d.date);
    const path = scalePath({
      region: epicentre.code,
      direction: 'out',
      from,
      to,
      baseFrom: days[0]!,
      baseTo: days[Math.min(6, days.length - 1)]!,
    });
    const scale = (await client.send('GET', `/api${path}`)).body as unknown as ScaleAnswer;
    expect(scale.daily.filter((d) => d.index !== null).length).toBeGreaterThan(0);
  });

  it('has a centroid for every city and province the API lists', async () => {
    for (const level of ['city', 'province'] as const) {
      const list = (await client.send('GET', `/api/divisions?level=${level}`))
        .body as unknown as FlowsDivision[];
      const at = level === 'city' ? centroids.cities : centroids.provinces;
      expect(list.length).toBeGreaterThan(30);
      expect(list.filter((d) => !at[d.code]).map((d) => d.code)).toEqual([]);
    }
  });
});
