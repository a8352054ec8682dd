import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'papaparse';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppDb } from '../../src/db/sqlite.ts';
import { Accounts } from '../../src/server/accounts.ts';
import { exportedCsv, launchChromium, serveWithAccount } from '../../src/testing/browser.ts';
import { tracingFixture } from '../../src/testing/tracing-fixture.ts';
import { untranslatedChinese, untranslatedWords } from '../../src/testing/untranslated.ts';
import { companions, listCases } from '../../src/tracing/index.ts';
import type { CompanionResult, Trajectory } from '../../src/tracing/index.ts';
import type { Division } from './api.ts';
import { minutesText } from './format.ts';
import type { Lang } from './i18n.ts';
import { wallText } from './views-i18n.ts';

const OUT = fileURLToPath(new URL('../../test-output/', import.meta.url));
const PW = 'tracing-browser-password';
let browser: Browser;
let url: string;
let close: () => Promise<void>;
/** A Wuhan case with companions (the one with most among the first few). */
let ref = '';
let sqlitePath = '';

/** How many audit entries of `action` (and containing `text` in their detail) the workspace has. */
function audited(action: string, text = ''): number {
  const db = openAppDb(sqlitePath);
  try {
    const row = db
      .prepare('SELECT count(*) AS n FROM audit WHERE action = ? AND instr(detail, ?) > 0')
      .get(action, text) as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  browser = await launchChromium();
  const { ws } = await tracingFixture('tracing-browser');
  sqlitePath = ws.sqlitePath;
  const db = await ws.openDuck();
  try {
    let best = -1;
    const wuhan = (await listCases(db)).filter((c) => c.userId !== null && c.city === '420100');
    for (const c of wuhan.slice(0, 10)) {
      const n = (await companions(db, c.ref, { minMinutes: 60, degree: 1, toleranceMeters: 0 })).companions
        .length;
      if (n > best) [best, ref] = [n, c.ref];
    }
  } finally {
    db.close();
  }
  const app = openAppDb(ws.sqlitePath);
  await new Accounts(app).upsert('analyst', PW, 'analyst');
  app.close();
  ({ url, close } = await serveWithAccount(ws, 'tracer', PW, 'tracer'));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await close?.();
});

async function loginAs(username: string, lang: Lang = 'en'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript((l) => localStorage.setItem('epitrace.lang', l), lang);
  await page.goto(url);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', PW);
  await page.click('[data-testid="login-submit"]');
  await page.locator('[data-testid="current-user"]').waitFor();
  await page.locator('.view-nav button').first().waitFor();
  return page;
}

/** GET from the page itself, with its session cookie. */
function api<T>(page: Page, path: string): Promise<{ status: number; body: T }> {
  return page.evaluate(async (p) => {
    const r = await fetch(p);
    return { status: r.status, body: await r.json() };
  }, path);
}

const cellTexts = (page: Page, table: string) =>
  page.$$eval(`[data-testid="${table}"] tbody tr`, (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
  );

const words = {
  en: { dwells: (n: number) => `${n} dwells`, companions: (n: number) => `${n} companions` },
  zh: { dwells: (n: number) => `${n} 次停留`, companions: (n: number) => `${n} 名伴随者` },
};

describe('tracing view in a real browser', () => {
  it.each(['zh', 'en'] as const)(
    "shows a tracer a case's timeline and companions with the API's numbers (%s), exports audited",
    async (lang) => {
      const page = await loginAs('tracer', lang);
      await page.click('[data-testid="nav-tracing"]');
      await page.locator('[data-testid="case-table"]').waitFor({ timeout: 30_000 });
      const list = await api<{ cases: { ref: string }[] }>(page, '/api/cases');
      expect(list.status).toBe(200);
      expect((await cellTexts(page, 'case-table')).map((r) => r[0])).toEqual(
        list.body.cases.map((c) => c.ref),
      );

      await page.click(`[data-testid="case-table"] tr[data-ref="${ref}"] button`);
      const dwellCount = page.locator('[data-testid="dwell-count"]');
      await dwellCount.waitFor({ timeout: 30_000 });
      const t = await api<Trajectory>(page, `/api/cases/${ref}/trajectory?caseRef=${ref}`);
      expect(t.status).toBe(200);
      expect(t.body.dwells.length).toBeGreaterThan(0);
      expect(await dwellCount.textContent()).toBe(words[lang].dwells(t.body.dwells.length));
      const dwells = await cellTexts(page, 'dwell-table');
      expect(dwells.map((r) => [r[1], r[2], r[3], r[5]])).toEqual(
        t.body.dwells.map((d) => [
          wallText(d.start, lang),
          wallText(d.end, lang),
          minutesText(d.minutes),
          String(d.cellId),
        ]),
      );
      // The dwell export: the API's values, unformatted.
      const trajectories = audited('trace.trajectory');
      const dx = await exportedCsv(page, 'dwell-export-csv');
      // Individual-level data: the export asked the server again, which wrote it to the audit log.
      expect(audited('trace.trajectory')).toBe(trajectories + 1);
      expect(dx.name).toBe(`SYNTHETIC-epitrace-trajectory-${ref}.csv`);
      expect(dx.rows.every((r) => r['synthetic'] === 'true')).toBe(true);
      expect(dx.rows.map((r) => [r['start'], r['end'], Number(r['minutes']), Number(r['cellId'])])).toEqual(
        t.body.dwells.map((d) => [d.start, d.end, d.minutes, d.cellId]),
      );
      await page.locator('[data-testid="places-map"] canvas').first().waitFor();
      await page.locator('[data-testid="timeline-chart"] canvas').first().waitFor();

      await page.click('[data-testid="find-companions"]');
      const count = page.locator('[data-testid="companion-count"]');
      await count.waitFor({ timeout: 30_000 });
      const query = `caseRef=${ref}&minMinutes=60&degree=1&toleranceMeters=0`;
      const c = await api<CompanionResult>(page, `/api/cases/${ref}/companions?${query}`);
      expect(c.status).toBe(200);
      expect(c.body.companions.length).toBeGreaterThan(3);
      expect(await count.textContent()).toBe(words[lang].companions(c.body.companions.length));
      const rows = await cellTexts(page, 'companion-table');
      expect(rows).toHaveLength(Math.min(500, c.body.companions.length));
      // A few companions: pseudonym, degree and minutes as the API gives them, in its order.
      expect(rows.slice(0, 5).map((r) => [r[0], r[1], r[3]])).toEqual(
        c.body.companions.slice(0, 5).map((x) => [x.userId, String(x.degree), x.minutes.toFixed(1)]),
      );
      const dist = await page.$$eval('[data-testid="companion-distribution"] tbody tr', (trs) =>
        trs.map((tr) => [
          tr.getAttribute('data-level'),
          tr.getAttribute('data-code'),
          tr.lastElementChild?.textContent,
        ]),
      );
      expect(dist).toEqual(c.body.distribution.map((d) => [d.level, d.code, String(d.companions)]));
      await page.locator('[data-testid="distribution-chart"] canvas').first().waitFor();
      await page.locator('[data-testid="distribution-map"] canvas').first().waitFor();
      // The client export carries the CSV route's columns and rows (after `synthetic`), one per companion.
      const csv = await page.evaluate(async (p) => {
        const r = await fetch(p);
        return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
      }, `/api/cases/${ref}/companions.csv?${query}`);
      expect(csv.status).toBe(200);
      expect(csv.type).toMatch(/^text\/csv/);
      const route = parse<Record<string, string>>(csv.text.replace(/^\ufeff/, ''), {
        header: true,
        skipEmptyLines: true,
      });
      const csvs = audited('trace.companions', '"format":"csv"');
      const cx = await exportedCsv(page, 'companions-export-csv');
      expect(audited('trace.companions', '"format":"csv"')).toBe(csvs + 1);
      // One way for every export: SYNTHETIC- first, and the synthetic column (from the route's header) first.
      expect(cx.name).toBe(`SYNTHETIC-epitrace-companions-${ref}.csv`);
      expect(cx.fields).toEqual(['synthetic', ...(route.meta.fields ?? [])]);
      expect(cx.rows).toEqual(route.data.map((r) => ({ synthetic: 'true', ...r })));
      expect(cx.rows).toHaveLength(c.body.companions.length);
      expect(cx.rows.map((r) => Object.values(r)[2])).toEqual(c.body.companions.map((x) => x.userId));
      await page.locator('[data-testid="as-of"]').waitFor();
      expect(await page.textContent('[data-testid="synthetic-banner"]')).toMatch(
        lang === 'en' ? /synthetic/i : /合成/,
      );
      mkdirSync(OUT, { recursive: true });
      await page.screenshot({ path: `${OUT}tracing-${lang}.png`, fullPage: true });
      if (lang === 'zh') expect(await untranslatedWords(page, '[data-testid="tracing-view"]')).toEqual([]);
      else {
        const names = [
          ...(await api<Division[]>(page, '/api/divisions?level=county')).body.map((d) => d.name),
          ...(await api<Division[]>(page, '/api/divisions?level=city')).body.map((d) => d.name),
        ];
        expect(await untranslatedChinese(page, '[data-testid="tracing-view"]', names)).toEqual([]);
      }
      if (lang === 'zh') {
        await page.close();
        return;
      }

      // Second degree on demand.
      await page.check('input[name="secondDegree"]');
      await page.click('[data-testid="find-companions"]');
      const c2 = await api<CompanionResult>(
        page,
        `/api/cases/${ref}/companions?${query.replace('degree=1', 'degree=2')}`,
      );
      expect(c2.body.companions.length).toBeGreaterThan(c.body.companions.length);
      await expect
        .poll(() => count.textContent(), { timeout: 30_000 })
        .toBe(`${c2.body.companions.length} companions`);
      // Second degree runs into the thousands: the table shows 500 and says so; the CSV has them all.
      expect(c2.body.companions.length).toBeGreaterThan(500);
      expect(await page.textContent('[data-testid="companions-shown"]')).toBe(
        `Showing the first 500 of ${c2.body.companions.length}; the CSV has them all.`,
      );
      expect(await page.locator('[data-testid="companion-table"] tbody tr').count()).toBe(500);

      await page.click('[data-testid="lang-toggle"]');
      await expect.poll(() => page.textContent('[data-testid="nav-tracing"]')).toBe('流调追踪');
      expect(await count.textContent()).toBe(`${c2.body.companions.length} 名伴随者`);
      await page.click('[data-testid="lang-toggle"]');
      await page.close();
    },
    180_000,
  );

  it('hides the module from an analyst, whose API calls are refused (403)', async () => {
    const page = await loginAs('analyst');
    expect(await page.locator('[data-testid="nav-tracing"]').count()).toBe(0);
    expect(await page.locator('[data-testid="tracing-view"]').count()).toBe(0);
    for (const path of [
      '/api/cases',
      `/api/cases/${ref}/trajectory?caseRef=${ref}`,
      `/api/cases/${ref}/companions?caseRef=${ref}`,
    ])
      expect((await api(page, path)).status).toBe(403);
    await page.close();
  });
});
