import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CityRow, DayRow, InflowAnswer, OutflowAnswer, ScaleAnswer } from './flows-api.ts';
import { api, cells, chart, expanded, num, open, OUT, sample, serveFlows } from './flows-browser.ts';
import type { Served } from './flows-browser.ts';
import { flowsStrings } from './flows-i18n.ts';
import { ALLOWED_WORDS } from '../../src/testing/untranslated.ts';

let s: Served;

beforeAll(async () => {
  s = await serveFlows('browser-flows');
});

afterAll(async () => {
  await s?.browser.close();
  await s?.close();
});

describe('flows view in a real browser, desk layout', () => {
  for (const lang of ['en', 'zh'] as const) {
    it(`shows the API's numbers, the unit and every chart filled (${lang}, desk)`, async () => {
      const page = await open(s, lang, { width: 1600, height: 1000 });
      const t = flowsStrings[lang];
      const out = await api<OutflowAnswer>(page, `/api/flows/outflow?${new URLSearchParams(s.q)}`);
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
        t.perturbedNote(k, out.method.noiseBound, t.cellsOd),
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
      const sc = await api<ScaleAnswer>(
        page,
        `/api/flows/scale?${new URLSearchParams({
          region: s.q.origin,
          direction: 'out',
          from: s.q.from,
          to: s.q.to,
          baseFrom: first7[0]!,
          baseTo: first7[first7.length - 1]!,
        })}`,
      );
      expect(scale.series[0]!.data).toEqual(sc.daily.map((d) => d.index ?? '-'));
      expect(sc.daily.some((d) => d.index !== null)).toBe(true);
      expect(await page.textContent('[data-testid="flows-baseline-note"]')).toBe(
        t.baselineNote(num(sc.base.mean!, lang, 1), sc.base.days, sc.base.totalDays),
      );
      // Another baseline period: the index follows the API's for it.
      const days = out.daily.map((d) => d.date);
      await page.selectOption('[data-testid="flows-baseline-to"]', days[2]!);
      const s2 = await api<ScaleAnswer>(
        page,
        `/api/flows/scale?${new URLSearchParams({
          region: s.q.origin,
          direction: 'out',
          from: s.q.from,
          to: s.q.to,
          baseFrom: days[0]!,
          baseTo: days[2]!,
        })}`,
      );
      expect(s2.base.to).toBe(days[2]);
      await expect
        .poll(async () => (await chart(page, 'flows-scale')).series[0]!.data)
        .toEqual(s2.daily.map((d) => d.index ?? '-'));

      // Language: no English words left on the zh page, no Chinese on the en page but place names.
      const text = await page.locator('[data-testid="flows-view"]').innerText();
      if (lang === 'zh')
        expect((text.match(/[A-Za-z]{3,}/g) ?? []).filter((w) => !ALLOWED_WORDS.includes(w))).toEqual([]);
      else {
        const places = await api<{ name: string }[]>(page, '/api/divisions?level=city');
        const provinces = await api<{ name: string }[]>(page, '/api/divisions?level=province');
        const names = new Set([...places, ...provinces].map((d) => d.name));
        expect((text.match(/[\u4e00-\u9fff]+/g) ?? []).filter((w) => !names.has(w))).toEqual([]);
      }
      await page.screenshot({ path: `${OUT}flows-desk-${lang}.png`, fullPage: true });
      await page.close();
    });
  }

  it('exports the ranking as CSV equal to the API answer', async () => {
    const page = await open(s, 'en', { width: 1600, height: 1000 });
    const out = await api<OutflowAnswer>(page, `/api/flows/outflow?${new URLSearchParams(s.q)}`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid="flows-ranking-export-csv"]'),
    ]);
    expect(download.suggestedFilename()).toBe(
      `SYNTHETIC-epitrace-flows-outflow-city-${s.q.origin}-${s.q.from}_${s.q.to}.csv`,
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
        synthetic: 'true',
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

  it('shows a province, grouped by province, inflow, expanded units and a narrower range as the API has them', async () => {
    const page = await open(s, 'en', { width: 1600, height: 1000 });
    const t = flowsStrings.en;
    const total = page.locator('[data-testid="flows-total-sample"]');
    const city = await api<OutflowAnswer>(page, `/api/flows/outflow?${new URLSearchParams(s.q)}`);
    // The city's destinations grouped by province.
    await page.click('[data-testid="flows-groupby-province"]');
    await expect
      .poll(async () => (await cells(page, 'flows-ranking')).map((r) => [r[1], r[2], r[3]]))
      .toEqual(
        city.byProvince.map((p) => [
          p.nameEn,
          sample(p, city.k, 'en', true),
          expanded(p, city.k, 'en', true),
        ]),
      );

    // In expanded people: the map and its legend change unit.
    await page.click('[data-testid="flows-unit-expanded"]');
    await expect.poll(() => page.textContent('[data-testid="flows-map-unit"]')).toBe(t.legendUnit.expanded);
    const top = city.byProvince.find((p) => p.expanded)!;
    expect(top, 'a province with an expanded estimate').toBeDefined();
    await expect
      .poll(async () => {
        const map = await chart(page, 'flows-map');
        return (map.series[0]!.data as { name: string; value: number }[]).find((d) => d.name === top.code)
          ?.value;
      })
      .toBe(top.expanded!.value);
    await page.click('[data-testid="flows-unit-sample"]');
    await page.click('[data-testid="flows-groupby-city"]');

    // The city's province as the region (its cities' flows leaving it), then the inflow to it.
    const province = `${s.q.origin.slice(0, 2)}0000`;
    await page.click('[data-testid="flows-level-province"]');
    const out = await api<OutflowAnswer>(
      page,
      `/api/flows/outflow?${new URLSearchParams({ ...s.q, origin: province })}`,
    );
    expect(out.origin.level).toBe('province');
    await expect.poll(() => page.textContent('[data-testid="flows-title"]')).toContain(out.origin.nameEn);
    await expect.poll(() => total.textContent()).toBe(sample(out.total, out.k, 'en'));
    await page.click('[data-testid="flows-mode-in"]');
    const inflow = await api<InflowAnswer>(
      page,
      `/api/flows/inflow?${new URLSearchParams({ dest: province, from: s.q.from, to: s.q.to })}`,
    );
    await expect.poll(() => page.textContent('[data-testid="flows-total"]')).toContain(t.totalIn);
    await expect.poll(() => total.textContent()).toBe(sample(inflow.total, inflow.k, 'en'));
    await page.click('[data-testid="flows-mode-out"]');
    await page.click('[data-testid="flows-level-city"]');

    // A narrower range: the figures follow, the daily chart's slider shows the same window.
    const days = city.daily.map((d) => d.date);
    await page.selectOption('[data-testid="flows-days-from"]', days[2]!);
    const narrow = await api<OutflowAnswer>(
      page,
      `/api/flows/outflow?${new URLSearchParams({ ...s.q, from: days[2]! })}`,
    );
    await expect.poll(() => total.textContent()).toBe(sample(narrow.total, narrow.k, 'en'));
    const daily = await chart(page, 'flows-daily');
    expect(daily.dataZoom?.[0]).toMatchObject({ startValue: 2, endValue: days.length - 1 });
    expect(daily.series[0]!.data.length, 'the daily chart keeps every data day').toBe(days.length);

    // Moving the slider (as its handles do: a dataZoom action) sets the days of the whole view.
    await page.locator('[data-testid="flows-daily"]').evaluate((e) => {
      const chart = (e as HTMLElement & { epitraceChart?: { dispatchAction(a: object): void } })
        .epitraceChart;
      chart?.dispatchAction({ type: 'dataZoom', startValue: 1, endValue: 3 });
    });
    const slid = await api<OutflowAnswer>(
      page,
      `/api/flows/outflow?${new URLSearchParams({ ...s.q, from: days[1]!, to: days[3]! })}`,
    );
    await expect.poll(() => page.inputValue('[data-testid="flows-days-to"]')).toBe(days[3]);
    expect(await page.inputValue('[data-testid="flows-days-from"]')).toBe(days[1]);
    await expect.poll(() => total.textContent()).toBe(sample(slid.total, slid.k, 'en'));
    await page.close();
  });

  it('says what an all-suppressed or a zero selection means and what to do, with no empty charts (zh)', async () => {
    const page = await open(s, 'zh', { width: 1600, height: 1000 });
    const t = flowsStrings.zh;
    // The first cities whose outflow is all suppressed, and with no recorded trip at all.
    const found = await page.evaluate(
      async (range) => {
        const cities = (await (await fetch('/api/divisions?level=city')).json()) as { code: string }[];
        let suppressed: string | null = null;
        let zero: string | null = null;
        for (const c of cities) {
          if (suppressed && zero) break;
          const qs = new URLSearchParams({ origin: c.code, ...range });
          const a = (await (await fetch(`/api/flows/outflow?${qs}`)).json()) as {
            total: { count: number | null; suppressedCells: number };
          };
          if (a.total.count === null) suppressed ??= c.code;
          if (a.total.count === 0 && a.total.suppressedCells === 0) zero ??= c.code;
        }
        return { suppressed, zero };
      },
      { from: s.q.from, to: s.q.to },
    );
    expect(found.suppressed, 'the fixture has an all-suppressed city').not.toBeNull();
    const k = (await api<OutflowAnswer>(page, `/api/flows/outflow?${new URLSearchParams(s.q)}`)).k;
    for (const [code, testId, texts] of [
      [
        found.suppressed!,
        'flows-all-suppressed',
        [t.allSuppressedTitle, t.allSuppressed(k), t.allSuppressedDo],
      ],
      ...(found.zero ? [[found.zero, 'flows-zero', [t.zeroTitle, t.zero, t.zeroDo]] as const] : []),
    ] as const) {
      await page.fill('[data-testid="flows-region"]', code);
      await page.click(`[data-testid="flows-region-option-${code}"]`);
      const box = page.locator(`[data-testid="${testId}"]`);
      await box.waitFor();
      for (const text of texts) expect(await box.textContent()).toContain(text);
      expect(await page.locator('[data-testid="flows-body"] canvas').count(), 'no empty charts').toBe(0);
      expect(await page.textContent('[data-testid="flows-total-sample"]')).toBe(
        testId === 'flows-zero' ? '0' : t.suppressed(k),
      );
      await page.screenshot({ path: `${OUT}${testId}-zh.png` });
    }
    await page.close();
  });
});
