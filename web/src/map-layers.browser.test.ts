import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serveWithAccount } from '../../src/testing/browser.ts';
import { pipelineFixture } from '../../src/testing/fixture.ts';
import { untranslatedChinese, untranslatedWords } from '../../src/testing/untranslated.ts';
import type { Division } from './api.ts';
import { numberText } from './format.ts';
import type { Lang } from './i18n.ts';

const OUT = fileURLToPath(new URL('../../test-output/', import.meta.url));
const GEO = fileURLToPath(new URL('../public/geo/', import.meta.url));
const PW = 'layers-test-password';

/** One object of a TopoJSON file under web/public/geo: its features' properties. */
function readGeo(file: string, object: string) {
  const topo = JSON.parse(readFileSync(`${GEO}${file}`, 'utf8')) as Topology;
  const o = topo.objects[object];
  if (o?.type !== 'GeometryCollection') throw new Error(`${file} has no "${object}" geometry collection`);
  const props = (o as GeometryCollection<{ code: string | number; population?: number }>).geometries.map(
    (g) => g.properties as { code: string | number; population?: number },
  );
  return { codes: props.map((p) => String(p.code)), props, count: feature(topo, o).features.length };
}

const files = {
  province: readGeo('provinces.topo.json', 'provinces'),
  city: readGeo('cities.topo.json', 'cities'),
  county: readGeo('counties.topo.json', 'counties'),
  community: readGeo('communities-420100.topo.json', 'communities'),
};
type LayerName = keyof typeof files;

type Stats = { painted: number; colours: number; dark: number };

/**
 * Runs in the page. The share of the canvas painted (opaque and not white: ECharts leaves the background
 * transparent and draws white borders), the number of colours each covering at least 0.1% of it (anti-aliased
 * edges do not count), and the share of near-black pixels: label text (#111827), which no fill colour is.
 */
function canvasStats(canvas: HTMLCanvasElement): Stats {
  const { width, height } = canvas;
  const ctx = canvas.getContext('2d');
  if (!ctx || width === 0 || height === 0) return { painted: 0, colours: 0, dark: 0 };
  const data = ctx.getImageData(0, 0, width, height).data;
  const counts = new Map<number, number>();
  let painted = 0;
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b] = [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
    if ((data[i + 3] ?? 0) < 128 || (r >= 245 && g >= 245 && b >= 245)) continue;
    painted++;
    if (r < 70 && g < 70 && b < 90) dark++;
    const k = (r << 16) | (g << 8) | b;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const total = width * height;
  const colours = [...counts.values()].filter((n) => n >= total * 0.001).length;
  return { painted: painted / total, colours, dark: dark / total };
}

let browser: Browser;
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  browser = await launchChromium();
  const f = await pipelineFixture('layers', { people: 1000 });
  ({ url, close } = await serveWithAccount(f.ws, 'analyst', PW));
  mkdirSync(OUT, { recursive: true });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await close?.();
});

async function open(lang: Lang): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.stack ?? err.message));
  await page.addInitScript((l) => localStorage.setItem('epitrace.lang', l), lang);
  await page.goto(url);
  await page.fill('input[name="username"]', 'analyst');
  await page.fill('input[name="password"]', PW);
  await page.click('[data-testid="login-submit"]');
  await page.click('[data-testid="nav-layers"]', { timeout: 30_000 });
  await page.locator('[data-testid="layers-view"]').waitFor();
  return { page, errors };
}

function divisions(page: Page, level: string): Promise<Division[]> {
  return page.evaluate(
    async (l) => (await (await fetch(`/api/divisions?level=${l}`)).json()) as Division[],
    level,
  );
}

const regionsText = (lang: Lang, n: number) => (lang === 'zh' ? `${n} 个区域` : `${n} regions`);

/** Picks a layer, waits for it to be drawn, saves a screenshot and returns the canvas figures. */
async function showLayer(page: Page, lang: Lang, layer: LayerName): Promise<Stats> {
  await page.selectOption('[data-testid="layer-select"]', layer);
  const count = page.locator('[data-testid="layers-count"]');
  await expect
    .poll(() => count.textContent(), { timeout: 30_000 })
    .toBe(regionsText(lang, files[layer].count));
  await page.locator('[data-testid="layers-legend"]').waitFor();
  await page.locator('[data-testid="layers-view"]').screenshot({ path: `${OUT}layers-${lang}-${layer}.png` });
  const stats = await page.locator('[data-testid="layers-map"] canvas').first().evaluate(canvasStats);
  console.log(`layers ${lang} ${layer}: ${JSON.stringify(stats)}`);
  return stats;
}

type LegendRow = { lo: number; hi: number; regions: number };

async function legend(page: Page): Promise<{ classes: LegendRow[]; noData: number; title: string }> {
  const rows = await page.locator('[data-testid="layers-legend"] li[data-lo]').evaluateAll((lis) =>
    lis.map((li) => ({
      lo: Number(li.getAttribute('data-lo')),
      hi: Number(li.getAttribute('data-hi')),
      regions: Number(li.getAttribute('data-regions')),
      text: li.textContent ?? '',
    })),
  );
  const nd = page.locator('[data-testid="layers-legend-nodata"]');
  const noData = (await nd.count()) ? Number(await nd.getAttribute('data-regions')) : 0;
  const title = (await page.textContent('[data-testid="layers-legend"] h3')) ?? '';
  return { classes: rows.map(({ lo, hi, regions }) => ({ lo, hi, regions })), noData, title };
}

/** The legend agrees with the figures: real bounds, every region with data in one class, no-data counted apart. */
function expectLegendOf(l: { classes: LegendRow[]; noData: number }, values: number[]) {
  const positive = values.filter((v) => v > 0);
  expect(l.classes.length).toBeGreaterThanOrEqual(3);
  expect(Math.min(...l.classes.map((c) => c.lo))).toBe(Math.min(...positive));
  expect(Math.max(...l.classes.map((c) => c.hi))).toBe(Math.max(...positive));
  expect(l.classes.reduce((s, c) => s + c.regions, 0)).toBe(positive.length);
  expect(l.noData).toBe(values.length - positive.length);
}

describe.each(['zh', 'en'] as const)('map layers in a real browser (%s)', (lang) => {
  it('colours regions by census population with a legend in people, names and a tooltip', async () => {
    const { page, errors } = await open(lang);
    const unit = lang === 'zh' ? '人' : 'people';
    const places: string[] = [];

    for (const layer of ['province', 'city', 'county'] as const) {
      const stats = await showLayer(page, lang, layer);
      const api = await divisions(page, layer);
      places.push(...api.map((d) => d.name));
      const pop = new Map(api.map((d) => [d.code, d.population]));
      const l = await legend(page);
      expect(l.title).toContain(unit);
      expectLegendOf(
        l,
        files[layer].codes.map((c) => pop.get(c) ?? 0),
      );
      // Shown bounds are the API's numbers in the page's format.
      const top = page.locator('[data-testid="layers-legend"] li[data-lo]').first();
      expect(await top.textContent()).toContain(numberText(Math.max(...api.map((d) => d.population)), lang));
      expect(stats.painted).toBeGreaterThanOrEqual(0.15);
      // Five classes and the no-data grey.
      expect(stats.colours).toBeGreaterThanOrEqual(5);
      // Province names are always drawn (dark text pixels); county names only on hover.
      if (layer === 'province') expect(stats.dark).toBeGreaterThan(0.001);
      if (layer === 'county') expect(stats.dark).toBeLessThan(0.0005);
    }
    // Taiwan, Hong Kong and Macao have no census count: no data, not a class.
    await page.selectOption('[data-testid="layer-select"]', 'province');
    await expect.poll(async () => (await legend(page)).noData, { timeout: 30_000 }).toBe(3);

    // The tooltip names the region under the pointer (both names), its code and population as the API says.
    const box = await page.locator('[data-testid="layers-map"]').boundingBox();
    if (!box) throw new Error('the layers map has no box');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tip = () => page.locator('[data-testid="layers-map"]').textContent();
    await expect.poll(tip, { timeout: 10_000 }).toMatch(/\d{6}/);
    const tipText = (await tip()) ?? '';
    const code = /(\d{6})/.exec(tipText)?.[1] ?? '';
    const prov = (await divisions(page, 'province')).find((d) => d.code === code);
    expect(prov).toBeDefined();
    expect(tipText).toContain(prov!.name);
    if (prov!.nameEn) expect(tipText).toContain(prov!.nameEn);
    expect(tipText).toContain(numberText(prov!.population, lang));

    // The synthetic communities: their own (synthetic) population, the note saying so.
    const stats = await showLayer(page, lang, 'community');
    expect(stats.painted).toBeGreaterThanOrEqual(0.15);
    expectLegendOf(
      await legend(page),
      files.community.props.map((p) => p.population ?? 0),
    );
    const note = page.locator('[data-testid="layers-synthetic"]');
    expect(await note.isVisible()).toBe(true);
    expect(await note.textContent()).toMatch(lang === 'zh' ? /合成/ : /SYNTHETIC/);
    await page.screenshot({ path: `${OUT}layers-view-${lang}.png`, fullPage: true });

    // The CSV export carries the API's populations (empty where there is no census count).
    await page.selectOption('[data-testid="layer-select"]', 'city');
    await expect
      .poll(() => page.textContent('[data-testid="layers-count"]'), { timeout: 30_000 })
      .toBe(regionsText(lang, files.city.count));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid="layers-export-csv"]'),
    ]);
    expect(download.suggestedFilename()).toBe('epitrace-population-city.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.startsWith('\ufeff')).toBe(true);
    const lines = csv.slice(1).trim().split(/\r?\n/);
    // Census populations are real data: no SYNTHETIC- prefix, synthetic false.
    expect(lines[0]).toBe('synthetic,code,name,nameEn,population');
    const cityPop = new Map((await divisions(page, 'city')).map((d) => [d.code, d.population]));
    expect(lines).toHaveLength(files.city.count + 1);
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      expect(cells[0]).toBe('false');
      const want = cityPop.get(cells[1] ?? '') ?? 0;
      expect(cells.at(-1)).toBe(want > 0 ? String(want) : '');
    }
    if (lang === 'zh') expect(await untranslatedWords(page, '[data-testid="layers-view"]')).toEqual([]);
    else expect(await untranslatedChinese(page, '[data-testid="layers-view"]', places)).toEqual([]);
    expect(errors.join('\n')).toBe('');
    await page.close();
  }, 180_000);
});
