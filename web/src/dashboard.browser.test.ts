import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serveWithAccount } from '../../src/testing/browser.ts';
import { pipelineFixture } from '../../src/testing/fixture.ts';
import type { Outflow } from './api.ts';

const OUT = fileURLToPath(new URL('../../test-output/', import.meta.url));

let browser: Browser;
let url: string;
let close: () => Promise<void>;
let query: string;

beforeAll(async () => {
  browser = await launchChromium();
  // More people leave the epicentre than in the demo, so that some region-day cells reach k and are published.
  const f = await pipelineFixture('browser', {
    outflowProfile: 'linear',
    outflowFirstDay: 0.2,
    outflowLastDay: 0.4,
  });
  const q = { origin: f.params.epicentre, from: f.params.start, to: f.ws.info().scenario!.to };
  query = `/api/flows/outflow?${new URLSearchParams(q)}`;
  ({ url, close } = await serveWithAccount(f.ws, 'analyst', 'browser-test-password'));
});

afterAll(async () => {
  await browser?.close();
  await close?.();
});

describe('dashboard in a real browser', () => {
  it('logs in and shows the outflow as the API publishes it, saying it is perturbed and what it leaves out', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    await page.fill('input[name="username"]', 'analyst');
    await page.fill('input[name="password"]', 'wrong');
    await page.click('[data-testid="login-submit"]');
    await expect.poll(() => page.textContent('[data-testid="login-error"]')).toBeTruthy();
    await page.fill('input[name="password"]', 'browser-test-password');
    await page.click('[data-testid="login-submit"]');
    const top = page.locator('[data-testid="top-destination"]');
    await top.waitFor({ timeout: 30_000 });
    // The same answer the screen was drawn from (same session cookie).
    const api = (await page.evaluate(async (q) => (await fetch(q)).json(), query)) as Outflow;
    const first = api.destinations.find((d) => d.count !== null)!;
    expect(first, 'the fixture publishes at least one destination').toBeDefined();
    await expect.poll(() => top.textContent()).toContain(first.name);
    expect(await top.textContent()).toMatch(new RegExp(`\\b${first.count}\\b`));
    expect(await page.textContent('[data-testid="outflow-total"]')).toMatch(
      new RegExp(`\\b${api.total.count}\\b`),
    );
    expect(api.total.suppressedCells).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid="outflow-excluded"]')).toContain(
      `${api.total.suppressedCells} region-day cells below k = ${api.k}`,
    );
    expect(await page.textContent('[data-testid="disclosure-note"]')).toMatch(/cell-key method.*±2/);
    const rows = await page.$$eval('[data-testid="outflow-table"] tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
    );
    expect(rows.map((r) => [r[3], r[4]])).toEqual(
      api.destinations.map((d) => [
        d.count === null ? `< ${api.k} (suppressed)` : String(d.count),
        String(d.suppressedCells),
      ]),
    );
    expect(await page.textContent('[data-testid="synthetic-banner"]')).toMatch(/synthetic/i);
    await page.locator('[data-testid="outflow-bar"] canvas').first().waitFor();
    await page.locator('[data-testid="outflow-map"] canvas').first().waitFor();
    mkdirSync(OUT, { recursive: true });
    const shot = await page.screenshot({ path: `${OUT}dashboard.png`, fullPage: true });
    expect(shot.length).toBeGreaterThan(20_000);
    await page.click('[data-testid="lang-toggle"]');
    await expect.poll(() => page.textContent('[data-testid="disclosure-note"]')).toContain('单元键法');
    expect(await page.textContent('[data-testid="outflow-excluded"]')).toContain(
      `${api.total.suppressedCells} 个`,
    );
    await page.click('[data-testid="lang-toggle"]');
    await page.close();
  });
});
