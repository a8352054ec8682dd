import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serveWithAccount } from '../../src/testing/browser.ts';
import { pipelineFixture } from '../../src/testing/fixture.ts';
import type { CityRow, DayRow, Figure, OutflowAnswer, ReturneesAnswer, ScaleAnswer } from './flows-api.ts';
import { flowsStrings } from './flows-i18n.ts';
import type { Lang } from './i18n.ts';

const OUT = fileURLToPath(new URL('../../test-output/', import.meta.url));

let browser: Browser;
let url: string;
let close: () => Promise<void>;
let q: { origin: string; from: string; to: string };

beforeAll(async () => {
  browser = await launchChromium();
  // More people leave the epicentre than in the demo, so that some region-day cells reach k and are published.
  const f = await pipelineFixture('browser-flows', {
    outflowProfile: 'linear',
    outflowFirstDay: 0.2,
    outflowLastDay: 0.4,
  });
  q = { origin: f.params.epicentre, from: f.params.start, to: f.ws.info().scenario!.to };
  ({ url, close } = await serveWithAccount(f.ws, 'analyst', 'browser-test-password'));
  mkdirSync(OUT, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await close?.();
});

/** A page logged in as the analyst with the language set before the app reads it (decision 4). */
async function open(lang: Lang, viewport: { width: number; height: number }, path = '/'): Promise<Page> {
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  await page.addInitScript((l) => localStorage.setItem('epitrace.lang', l), lang);
  await page.goto(new URL(path, url).toString());
  await page.fill('input[name="username"]', 'analyst');
  await page.fill('input[name="password"]', 'browser-test-password');
  await page.click('[data-testid="login-submit"]');
  await page.locator('[data-testid="flows-total-sample"]').waitFor({ timeout: 30_000 });
  return page;
}

/** The API's answer for `path`, fetched in the page with its session (and its language header). */
async function api<T>(page: Page, path: string): Promise<T> {
  return (await page.evaluate(async (p) => (await fetch(p)).json(), path)) as T;
}

/** Numbers as the page shows them: grouped by the page language (the Kit's numberText). */
function num(n: number, lang: Lang): string {
  return new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en').format(n);
}

/** A figure's sample count as shown: in tables (`short`) a suppressed one reads "< k". */
function sample(f: Figure, k: number, lang: Lang, short = false): string {
  const t = flowsStrings[lang];
  return f.count === null ? (short ? t.suppressedShort(k) : t.suppressed(k)) : num(f.count, lang);
}

function expanded(f: Figure, k: number, lang: Lang, short = false): string {
  const t = flowsStrings[lang];
  if (f.count === null) return short ? t.suppressedShort(k) : t.suppressed(k);
  return f.expanded ? num(f.expanded.value, lang) : t.notAvailable;
}

type ChartState = {
  series: { type: string; data: unknown[] }[];
  visualMap?: { pieces?: { label?: string }[] }[];
};

/** What a chart of the view draws: its ECharts option (flows-chart.ts hangs the instance on the element). */
async function chart(page: Page, testId: string): Promise<ChartState> {
  const el = page.locator(`[data-testid="${testId}"]`);
  await el.locator('canvas').first().waitFor();
  return el.evaluate((e) => {
    const option = (
      e as HTMLElement & { epitraceChart?: { getOption(): unknown } }
    ).epitraceChart?.getOption();
    return JSON.parse(JSON.stringify(option ?? { series: [] })) as ChartState;
  });
}

async function cells(page: Page, testId: string): Promise<string[][]> {
  return page.$$eval(`[data-testid="${testId}"] tbody tr`, (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())),
  );
}

describe('flows view in a real browser', () => {
  for (const lang of ['en', 'zh'] as const) {
    it(`shows the API's numbers, the unit and every chart filled (${lang}, desk)`, async () => {
      const page = await open(lang, { width: 1600, height: 1000 });
      const t = flowsStrings[lang];
      const out = await api<OutflowAnswer>(page, `/api/flows/outflow?${new URLSearchParams(q)}`);
      const k = out.k;
      expect(out.total.count, 'the default selection publishes a total').not.toBeNull();
      await expect
        .poll(() => page.textContent('[data-testid="flows-total-sample"]'))
        .toBe(sample(out.total, k, lang));
      expect(await page.textContent('[data-testid="flows-total-expanded"]')).toBe(
        expanded(out.total, k, lang),
      );
      expect(await page.textContent('[data-testid="flows-total"]')).toContain(t.sampleLabel);
      expect(await page.textContent('[data-testid="flows-total"]')).toContain(t.expandedLabel);
      expect(await page.textContent('[data-testid="flows-total-excluded"]')).toBe(
        t.excludedCells(out.total.suppressedCells, k),
      );
      expect(await page.textContent('[data-testid="flows-synthetic"]')).toBe(t.synthetic);
      expect(await page.textContent('[data-testid="disclosure-note"]')).toBe(
        t.perturbedNote(k, out.method.noiseBound),
      );
      expect(await page.textContent('[data-testid="flows-definitions"]')).toContain(t.defWasThere);

      // Ranking: every row, sample and expanded as the API has them.
      const rows = await cells(page, 'flows-ranking');
      expect(rows.map((r) => [r[0], r[3], r[4], r[6]])).toEqual(
        out.destinations.map((d: CityRow, i) => [
          String(i + 1),
          sample(d, k, lang, true),
          expanded(d, k, lang, true),
          String(d.suppressedCells),
        ]),
      );

      // Map: the province values and the legend's unit and states.
      const map = await chart(page, 'flows-map');
      expect(await page.textContent('[data-testid="flows-map-unit"]')).toBe(t.legendUnit.sample);
      const provinceData = new Map(
        (map.series[0]!.data as { name: string; value: number }[]).map((d) => [d.name, d.value]),
      );
      const topProvince = out.byProvince.find((p) => p.count !== null)!;
      expect(provinceData.get(topProvince.code)).toBe(topProvince.count);
      for (const p of out.byProvince.filter((x) => x.count === null))
        expect(provinceData.get(p.code)).toBe(-1);
      expect(provinceData.get('710000'), 'Taiwan: no data').toBe(-2);
      const labels = map.visualMap![0]!.pieces!.map((p) => p.label);
      expect(labels).toEqual(expect.arrayContaining([t.legendSuppressed(k), t.legendZero, t.legendNoData]));
      const lines = map.series.find((s) => s.type === 'lines')!;
      expect(lines.data.length).toBeGreaterThan(0);

      // Daily: every data day, suppressed days as gaps.
      const daily = await chart(page, 'flows-daily');
      expect(daily.series[0]!.data).toEqual(out.daily.map((d: DayRow) => d.count ?? '-'));

      // Every chart of the view draws something.
      for (const id of ['flows-map', 'flows-daily', 'flows-scale']) {
        const c = await chart(page, id);
        expect(c.series.length, id).toBeGreaterThan(0);
        expect(c.series[0]!.data.length, id).toBeGreaterThan(0);
      }
      const scale = await chart(page, 'flows-scale');
      const first7 = out.daily.slice(0, 7).map((d) => d.date);
      const s = await api<ScaleAnswer>(
        page,
        `/api/flows/scale?${new URLSearchParams({
          region: q.origin,
          direction: 'out',
          from: q.from,
          to: q.to,
          baseFrom: first7[0]!,
          baseTo: first7[first7.length - 1]!,
        })}`,
      );
      expect(scale.series[0]!.data).toEqual(s.daily.map((d) => d.index ?? '-'));
      expect(s.daily.some((d) => d.index !== null)).toBe(true);

      await page.screenshot({ path: `${OUT}flows-desk-${lang}.png`, fullPage: true });
      await page.close();
    });
  }

  it('exports the ranking as CSV equal to the API answer', async () => {
    const page = await open('en', { width: 1600, height: 1000 });
    const out = await api<OutflowAnswer>(page, `/api/flows/outflow?${new URLSearchParams(q)}`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid="flows-ranking-export-csv"]'),
    ]);
    expect(download.suggestedFilename()).toBe(
      `epitrace-flows-outflow-city-${q.origin}-${q.from}_${q.to}.csv`,
    );
    const path = await download.path();
    const text = readFileSync(path, 'utf8');
    expect(text.charCodeAt(0), 'UTF-8 BOM').toBe(0xfeff);
    // csv-parse, not the papaparse that wrote it: an independent reading of the file.
    const parsed = {
      data: parse(text, { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[],
    };
    const cell = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
    expect(parsed.data).toEqual(
      out.destinations.map((d, i) => ({
        rank: String(i + 1),
        code: d.code,
        name: d.name,
        province: d.province,
        provinceName: d.provinceName,
        count: cell(d.count),
        suppressed: String(d.suppressed),
        suppressedCells: String(d.suppressedCells),
        expanded: cell(d.expanded?.value),
        expandedLo: cell(d.expanded?.lo),
        expandedHi: cell(d.expanded?.hi),
      })),
    );
    await page.close();
  });

  it('shows returnees as the API publishes them', async () => {
    const page = await open('en', { width: 1600, height: 1000 });
    await page.click('[data-testid="flows-mode-returnees"]');
    await page.locator('[data-testid="flows-returnees-total-sample"]').waitFor();
    const home = await page.inputValue('[data-testid="flows-home"]').catch(() => '');
    expect(home).not.toBe('');
    await page.close();
  });
});

void ({} as ReturneesAnswer);
