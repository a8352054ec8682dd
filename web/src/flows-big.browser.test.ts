import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutflowAnswer, ReturneesAnswer } from './flows-api.ts';
import { api, cells, chart, open, OUT, sample, serveFlows } from './flows-browser.ts';
import type { Served } from './flows-browser.ts';
import { flowsStrings } from './flows-i18n.ts';

let s: Served;

beforeAll(async () => {
  s = await serveFlows('browser-flows-big');
});

afterAll(async () => {
  await s?.browser.close();
  await s?.close();
});

describe('flows view in a real browser: big screen and returnees', () => {
  for (const lang of ['zh', 'en'] as const) {
    it(`fits the big screen at 1920x1080 without scrolling, with the API's numbers (${lang})`, async () => {
      const page = await open(s, lang, { width: 1920, height: 1080 }, '/?screen=big');
      const out = await api<OutflowAnswer>(page, `/api/flows/outflow?${new URLSearchParams(s.q)}`);
      await expect
        .poll(() => page.textContent('[data-testid="flows-total-sample"]'))
        .toBe(sample(out.total, out.k, lang));
      for (const id of ['flows-map', 'flows-daily', 'flows-scale']) {
        const c = await chart(page, id);
        expect(c.series[0]!.data.length, id).toBeGreaterThan(0);
      }
      const rows = await cells(page, 'flows-ranking');
      expect(rows.map((r) => r[3])).toEqual(
        out.destinations.slice(0, 10).map((d) => sample(d, out.k, lang, true)),
      );
      // Neither the page nor the view scrolls, and every panel's content fits its box.
      const m = await page.evaluate(() => {
        const view = document.querySelector<HTMLElement>('[data-testid="flows-view"]')!;
        const panels = [...document.querySelectorAll<HTMLElement>('.flows-panel, .flows-table-wrap')];
        return {
          page: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
          view: [view.scrollHeight, view.clientHeight, view.getBoundingClientRect().bottom],
          overflowing: panels.filter((p) => p.scrollHeight > p.clientHeight + 1).map((p) => p.className),
          // Everything drawn ends on the screen: charts, panels, the ranking's rows.
          offScreen: [
            ...view.querySelectorAll<HTMLElement>(
              'canvas, .flows-panel, .flows-table tr, .flows-definitions-compact',
            ),
          ]
            .filter((e) => {
              const r = e.getBoundingClientRect();
              return r.bottom > window.innerHeight + 0.5 || r.right > window.innerWidth + 0.5;
            })
            .map((e) => e.dataset['code'] ?? e.className ?? e.tagName),
          big: view.classList.contains('flows-big'),
        };
      });
      await page.screenshot({ path: `${OUT}flows-big-${lang}.png` });
      expect(m.big).toBe(true);
      expect(m.page[0]).toBeLessThanOrEqual(1920);
      expect(m.page[1]).toBeLessThanOrEqual(1080);
      expect(m.view[0], 'the view does not scroll inside').toBeLessThanOrEqual(m.view[1]! + 1);
      expect(m.view[2]).toBeLessThanOrEqual(1080);
      expect(m.overflowing).toEqual([]);
      expect(m.offScreen).toEqual([]);
      await page.close();
    });
  }
  it('shows returnees as the API publishes them', async () => {
    const page = await open(s, 'en', { width: 1600, height: 1000 });
    await page.click('[data-testid="flows-mode-returnees"]');
    const total = page.locator('[data-testid="flows-returnees-total-sample"]');
    await total.waitFor();
    const code = (field: string) =>
      page.inputValue(`[data-testid="${field}"]`).then((v) => /\d{6}/.exec(v)?.[0] ?? '');
    const city = await code('flows-home');
    const source = await code('flows-source');
    expect(source).toBe(s.q.origin);
    const r = await api<ReturneesAnswer>(
      page,
      `/api/flows/returnees?${new URLSearchParams({ city, source, from: s.q.from, to: s.q.to })}`,
    );
    await expect.poll(() => total.textContent()).toBe(sample(r.total, r.k, 'en'));
    if (r.total.count !== null) {
      const daily = await chart(page, 'flows-returnees-daily');
      expect(daily.series[0]!.data).toEqual(r.daily.map((d) => d.count ?? '-'));
    } else
      expect(await page.textContent('[data-testid="flows-all-suppressed"]')).toContain(
        flowsStrings.en.allSuppressedDoReturnees,
      );
    await page.screenshot({ path: `${OUT}flows-returnees-en.png`, fullPage: true });
    await page.close();
  });
});
