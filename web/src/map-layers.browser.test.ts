import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { feature, neighbors } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serveWithAccount } from '../../src/testing/browser.ts';
import { pipelineFixture } from '../../src/testing/fixture.ts';
import { colourRegions } from './region-colours.ts';

const OUT = fileURLToPath(new URL('../../test-output/', import.meta.url));
const GEO = fileURLToPath(new URL('../public/geo/', import.meta.url));

/** One object of a TopoJSON file under web/public/geo: its geometries, their codes and its feature count. */
function readGeo(file: string, object: string) {
  const topo = JSON.parse(readFileSync(`${GEO}${file}`, 'utf8')) as Topology;
  const o = topo.objects[object];
  if (o?.type !== 'GeometryCollection') throw new Error(`${file} has no "${object}" geometry collection`);
  const geometries = (o as GeometryCollection<{ code: string | number }>).geometries;
  const codes = geometries.map((g) => String((g.properties as { code: string | number }).code));
  return { geometries, codes, count: feature(topo, o).features.length };
}

const expected = {
  province: 34,
  city: readGeo('cities.topo.json', 'cities').count,
  county: readGeo('counties.topo.json', 'counties').count,
  community: readGeo('communities-420100.topo.json', 'communities').count,
};

type Stats = { width: number; height: number; painted: number; colours: number; patches: number };

/**
 * Runs in the page. The share of the canvas that is painted (opaque and not white: ECharts leaves
 * the background transparent and draws white borders), the number of colours that each cover at
 * least 0.1% of it, so anti-aliased edges do not count as colours, and the number of patches: areas of
 * one colour, connected (4-neighbourhood) and of at least 12 pixels, each one region as drawn. Colours
 * alone cannot tell the layers apart (all use the same 12-colour palette); patches can: about one per
 * province, hundreds for counties. Self-contained, as it runs in the browser.
 */
function canvasStats(canvas: HTMLCanvasElement): Stats {
  const { width, height } = canvas;
  const ctx = canvas.getContext('2d');
  if (!ctx || width === 0 || height === 0) return { width, height, painted: 0, colours: 0, patches: 0 };
  const data = ctx.getImageData(0, 0, width, height).data;
  const counts = new Map<number, number>();
  const key = new Int32Array(width * height).fill(-1);
  let painted = 0;
  for (let i = 0; i < data.length; i += 4) {
    const r = data[i] ?? 0;
    const g = data[i + 1] ?? 0;
    const b = data[i + 2] ?? 0;
    if ((data[i + 3] ?? 0) < 128 || (r >= 245 && g >= 245 && b >= 245)) continue;
    painted++;
    const k = (r << 16) | (g << 8) | b;
    key[i / 4] = k;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const total = width * height;
  const major = new Set([...counts].filter(([, n]) => n >= total * 0.001).map(([k]) => k));
  const colours = major.size;
  // Flood fill over pixels of the major colours.
  const seen = new Uint8Array(width * height);
  const stack: number[] = [];
  let patches = 0;
  for (let start = 0; start < key.length; start++) {
    if (seen[start] || !major.has(key[start]!)) continue;
    const k = key[start]!;
    let size = 0;
    seen[start] = 1;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop()!;
      size++;
      const x = p % width;
      for (const q of [x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, p - width, p + width]) {
        if (q < 0 || q >= key.length || seen[q] || key[q] !== k) continue;
        seen[q] = 1;
        stack.push(q);
      }
    }
    if (size >= 12) patches++;
  }
  return { width, height, painted: painted / total, colours, patches };
}

// A map drawn is mostly land in many colours; an empty or one-colour canvas fails both.
const MIN_PAINTED = 0.15;
const MIN_COLOURS = 8;

let browser: Browser;
let page: Page;
let url: string;
let close: () => Promise<void>;
const pageErrors: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  const f = await pipelineFixture('layers', { people: 1000 });
  ({ url, close } = await serveWithAccount(f.ws, 'analyst', 'layers-test-password'));
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (err) => pageErrors.push(err.stack ?? err.message));
  mkdirSync(OUT, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await close?.();
});

/** Picks a layer, waits for its region count, saves a screenshot and returns the canvas figures. */
async function showLayer(layer: keyof typeof expected): Promise<Stats> {
  await page.selectOption('[data-testid="layer-select"]', layer);
  const count = page.locator('[data-testid="layers-count"]');
  await expect.poll(() => count.textContent(), { timeout: 30_000 }).toBe(`${expected[layer]} regions`);
  const map = page.locator('[data-testid="layers-map"]');
  await map.screenshot({ path: `${OUT}map-${layer}.png` });
  const stats = await map.locator('canvas').first().evaluate(canvasStats);
  console.log(`map layer ${layer}: ${expected[layer]} regions, ${JSON.stringify(stats)}`);
  return stats;
}

describe('map layers in a real browser', () => {
  it('colours every pair of neighbouring counties differently', () => {
    const { geometries, codes } = readGeo('counties.topo.json', 'counties');
    const nb = neighbors(geometries);
    const colour = colourRegions(nb, codes);
    const clashes = nb.flatMap((js, i) => js.filter((j) => colour[i] === colour[j]));
    expect(clashes).toEqual([]);
    expect(new Set(colour).size).toBe(12);
  });

  it('finds a blank canvas blank', async () => {
    await page.goto(url);
    const blank = await page.evaluateHandle(() => {
      const c = document.createElement('canvas');
      c.width = 1200;
      c.height = 640;
      return c;
    });
    const stats = await blank.evaluate(canvasStats);
    expect(stats.painted).toBeLessThan(MIN_PAINTED);
    expect(stats.colours).toBeLessThan(MIN_COLOURS);
  });

  it('logs in and draws provinces, cities, counties and synthetic communities', async () => {
    await page.goto(url);
    await page.fill('input[name="username"]', 'analyst');
    await page.fill('input[name="password"]', 'layers-test-password');
    await page.click('[data-testid="login-submit"]');
    await page.click('[data-testid="nav-layers"]', { timeout: 30_000 });
    await page.locator('[data-testid="layers-view"]').waitFor();

    const patches: Record<string, number> = {};
    for (const layer of ['province', 'city', 'county'] as const) {
      const stats = await showLayer(layer);
      expect(stats.painted).toBeGreaterThanOrEqual(MIN_PAINTED);
      expect(stats.colours).toBeGreaterThanOrEqual(MIN_COLOURS);
      expect(await page.locator('[data-testid="layers-synthetic"]').count()).toBe(0);
      patches[layer] = stats.patches;
    }
    // Each layer draws about one patch per region big enough to see at 760 x 680 pixels. Measured:
    // provinces 33 (34 regions), cities 335 (372), counties 785 (2,990, most too small to see), communities
    // 233 (249). Colours alone are the same 11-12 palette colours on every layer, so they cannot tell the
    // layers apart; patches do (province 33 vs county 785).
    expect(patches['province']).toBeGreaterThanOrEqual(25);
    expect(patches['province']).toBeLessThanOrEqual(80);
    expect(patches['city']).toBeGreaterThanOrEqual(0.7 * expected.city);
    expect(patches['county']).toBeGreaterThanOrEqual(1.5 * patches['city']!);

    const stats = await showLayer('community');
    expect(stats.painted).toBeGreaterThanOrEqual(MIN_PAINTED);
    expect(stats.colours).toBeGreaterThanOrEqual(MIN_COLOURS);
    expect(stats.patches).toBeGreaterThanOrEqual(0.8 * expected.community);
    const note = page.locator('[data-testid="layers-synthetic"]');
    expect(await note.isVisible()).toBe(true);
    expect(await note.textContent()).toMatch(/synthetic/i);
    await page.screenshot({ path: `${OUT}layers-view.png`, fullPage: true });

    // The tooltip names the region under the pointer with its code: Sichuan or a neighbour at the centre.
    await page.selectOption('[data-testid="layer-select"]', 'province');
    const count = page.locator('[data-testid="layers-count"]');
    await expect.poll(() => count.textContent()).toBe('34 regions');
    const box = await page.locator('[data-testid="layers-map"]').boundingBox();
    if (!box) throw new Error('the layers map has no box');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.locator('[data-testid="layers-map"]').textContent()).toMatch(/\d{6}/);

    expect(pageErrors.join('\n')).toBe('');
  });
});
