import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDivisions } from '../../src/geo/divisions.ts';
import { launchChromium, serveWithAccount } from '../../src/testing/browser.ts';
import { pipelineFixture } from '../../src/testing/fixture.ts';
import { readTruthStays } from '../../src/synth/truth-io.ts';
import { trueOutflow, trueTrips } from '../../src/synth/truth.ts';

const OUT = fileURLToPath(new URL('../../test-output/', import.meta.url));

let browser: Browser;
let url: string;
let close: () => Promise<void>;
let expectedTop: { name: string; count: number };

beforeAll(async () => {
  browser = await launchChromium();
  const f = await pipelineFixture('browser');
  const trips = trueTrips(await readTruthStays(f.synthDir, true), 120);
  const expected = trueOutflow(trips, f.params.epicentre, f.params.start, f.ws.info().scenario!.to);
  const [code, count] = [...expected].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]!;
  expectedTop = { name: loadDivisions().byCode(code).name, count };
  ({ url, close } = await serveWithAccount(f.ws, 'analyst', 'browser-test-password'));
});

afterAll(async () => {
  await browser?.close();
  await close?.();
});

describe('dashboard in a real browser', () => {
  it('logs in and shows the outflow with the true top destination', async () => {
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
    await expect.poll(() => top.textContent()).toContain(expectedTop.name);
    expect(await top.textContent()).toMatch(new RegExp(`\\b${expectedTop.count}\\b`));
    expect(await page.textContent('[data-testid="synthetic-banner"]')).toMatch(/synthetic/i);
    await page.locator('[data-testid="outflow-bar"] canvas').first().waitFor();
    await page.locator('[data-testid="outflow-map"] canvas').first().waitFor();
    mkdirSync(OUT, { recursive: true });
    const shot = await page.screenshot({ path: `${OUT}dashboard.png`, fullPage: true });
    expect(shot.length).toBeGreaterThan(20_000);
    await page.close();
  });
});
