import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppDb } from '../../src/db/sqlite.ts';
import { Accounts } from '../../src/server/accounts.ts';
import { exportedCsv, launchChromium, serveWithAccount } from '../../src/testing/browser.ts';
import { pipelineFixture } from '../../src/testing/fixture.ts';
import { untranslatedChinese, untranslatedWords } from '../../src/testing/untranslated.ts';
import { dateTimeText } from './format.ts';
import type { Lang } from './i18n.ts';
import { viewsStrings } from './views-i18n.ts';

const OUT = fileURLToPath(new URL('../../test-output/', import.meta.url));

const PW = 'accounts-browser-password';
let browser: Browser;
let url: string;
let close: () => Promise<void>;
const cspErrors: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  const { ws } = await pipelineFixture('accounts-browser');
  const db = openAppDb(ws.sqlitePath);
  await new Accounts(db).upsert('analyst', PW, 'analyst');
  db.close();
  ({ url, close } = await serveWithAccount(ws, 'chief', PW, 'admin'));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await close?.();
});

async function loginAs(username: string, lang: Lang = 'en'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript((l) => localStorage.setItem('epitrace.lang', l), lang);
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });
  await page.goto(url);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', PW);
  await page.click('[data-testid="login-submit"]');
  await page.locator('[data-testid="current-user"]').waitFor();
  return page;
}

/** GET from the page itself, with its session cookie. */
function api(page: Page, path: string): Promise<{ status: number; body: unknown }> {
  return page.evaluate(async (p) => {
    const r = await fetch(p);
    return { status: r.status, body: await r.json() };
  }, path);
}

const roles = {
  en: { admin: 'admin', analyst: 'analyst', tracer: 'tracer', public: 'public' },
  zh: { admin: '管理员', analyst: '分析员', tracer: '流调员', public: '公众' },
} as Record<Lang, Record<string, string>>;

describe('accounts and audit views in a real browser', () => {
  it('lets an admin create an account; the table on screen equals GET /api/admin/accounts', async () => {
    const page = await loginAs('chief', 'en');
    await page.click('[data-testid="nav-accounts"]');
    await page.locator('[data-testid="accounts-table"]').waitFor();
    await page.fill('input[name="new-username"]', 'new.tracer');
    await page.selectOption('select[name="new-role"]', 'tracer');
    await page.fill('input[name="new-regions"]', '420100');
    await page.click('[data-testid="account-create"]');
    await expect.poll(() => page.textContent('[data-testid="new-password"]')).toMatch(/new\.tracer/);
    await expect.poll(() => page.locator('[data-testid="account-row"]').count()).toBe(3);
    const screen = await page.$$eval('[data-testid="account-row"]', (rows) =>
      rows.map((r) => [...r.querySelectorAll('td')].slice(0, 5).map((td) => td.textContent)),
    );
    const r = await api(page, '/api/admin/accounts');
    expect(r.status).toBe(200);
    const rows = r.body as {
      username: string;
      role: string;
      regions: string;
      expiresAt: string;
      disabled: boolean;
    }[];
    expect(screen).toEqual(
      rows.map((a) => [
        a.username,
        roles.en[a.role],
        a.regions === '*' ? viewsStrings.en.allRegions : a.regions,
        dateTimeText(a.expiresAt, 'en'),
        a.disabled ? 'disabled' : 'active',
      ]),
    );
    // The export: the API's rows, values as the API gives them.
    // Accounts are not workspace data: no SYNTHETIC- prefix, synthetic false on every row.
    const { name, rows: csv } = await exportedCsv(page, 'accounts-export-csv');
    expect(name).toBe('epitrace-accounts.csv');
    expect(csv.every((x) => x['synthetic'] === 'false')).toBe(true);
    expect(csv.map((x) => [x['username'], x['role'], x['regions'], x['expiresAt'], x['disabled']])).toEqual(
      rows.map((a) => [a.username, a.role, a.regions, a.expiresAt, String(a.disabled)]),
    );
    expect(rows.find((a) => a.username === 'new.tracer')).toMatchObject({
      role: 'tracer',
      regions: '420100',
    });
    // The password shown once logs the new account in.
    const pw = (await page.textContent('[data-testid="new-password"] code'))!;
    const login = await page.evaluate(
      async (body) =>
        (await fetch('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body }))
          .status,
      JSON.stringify({ username: 'new.tracer', password: pw }),
    );
    expect(login).toBe(200);
    await page.close();
  });

  it.each(['zh', 'en'] as const)('shows the accounts in %s, every word in that language', async (lang) => {
    const page = await loginAs('chief', lang);
    await page.click('[data-testid="nav-accounts"]');
    await page.locator('[data-testid="accounts-table"]').waitFor();
    const rows = (await api(page, '/api/admin/accounts')).body as {
      username: string;
      role: string;
      expiresAt: string;
    }[];
    const screen = await page.$$eval('[data-testid="account-row"]', (trs) =>
      trs.map((r) => [...r.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent)),
    );
    expect(screen.map((r) => [r[0], r[1], r[3]])).toEqual(
      rows.map((a) => [a.username, roles[lang][a.role], dateTimeText(a.expiresAt, lang)]),
    );
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: `${OUT}accounts-${lang}.png`, fullPage: true });
    // Usernames are data, not words of the page.
    const names = rows.flatMap((a) => a.username.split(/[^A-Za-z]+/));
    if (lang === 'zh')
      expect(await untranslatedWords(page, '[data-testid="accounts-view"]', names)).toEqual([]);
    else expect(await untranslatedChinese(page, '[data-testid="accounts-view"]', [])).toEqual([]);
    await page.close();
  });

  it.each(['zh', 'en'] as const)(
    'shows the audit log in %s, matching the API, with its export',
    async (lang) => {
      const page = await loginAs('chief', lang);
      await page.click('[data-testid="nav-audit"]');
      const status = page.locator('[data-testid="audit-status"]');
      await status.waitFor();
      const shown = await page.$$eval('[data-testid="audit-table"] tbody tr', (rows) =>
        rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)),
      );
      // The API answers with the log as it is now, a few requests later than the page's.
      const r = (await api(page, '/api/admin/audit?limit=100')).body as {
        verified: boolean;
        count: number;
        entries: { id: number; at: string; username: string | null; action: string; detail: string }[];
      };
      expect(r.verified).toBe(true);
      const last = Number(shown[0]![0]);
      expect(shown).toEqual(
        r.entries
          .filter((e) => e.id <= last)
          .slice(0, shown.length)
          .map((e) => [
            String(e.id),
            dateTimeText(e.at, lang, { seconds: true }),
            e.username ?? '—',
            viewsStrings[lang].auditActions[e.action] ?? e.action,
            e.detail,
          ]),
      );
      expect(shown).toHaveLength(Math.min(50, last));
      if (lang === 'zh') {
        expect(await status.textContent()).toBe(`校验通过：共 ${last} 条，哈希链与检查点一致。`);
        expect(await page.textContent('h2')).toBe('审计日志');
      }
      const { rows: csv } = await exportedCsv(page, 'audit-export-csv');
      expect(csv.map((x) => [Number(x['id']), x['at'], x['action'], x['detail']])).toEqual(
        r.entries
          .filter((e) => e.id <= last)
          .slice(0, shown.length)
          .map((e) => [e.id, e.at, e.action, e.detail]),
      );
      mkdirSync(OUT, { recursive: true });
      await page.screenshot({ path: `${OUT}audit-${lang}.png`, fullPage: true });
      // The detail column is the record as hashed (JSON, English keys) and usernames are data: allowed as they are.
      const data =
        r.entries
          .flatMap((e) => [e.detail, e.username ?? '', e.action])
          .join(' ')
          .match(/[A-Za-z]+/g) ?? [];
      if (lang === 'zh')
        expect(await untranslatedWords(page, '[data-testid="audit-view"]', data)).toEqual([]);
      else {
        const details = r.entries.map((e) => e.detail);
        expect(await untranslatedChinese(page, '[data-testid="audit-view"]', details)).toEqual([]);
      }
      await page.close();
    },
  );

  it('hides the admin views from an analyst, whom the API refuses with 403', async () => {
    const page = await loginAs('analyst');
    await page.locator('.view-nav button').first().waitFor();
    expect(await page.locator('[data-testid="nav-accounts"]').count()).toBe(0);
    expect(await page.locator('[data-testid="nav-audit"]').count()).toBe(0);
    expect((await api(page, '/api/admin/accounts')).status).toBe(403);
    expect((await api(page, '/api/admin/audit')).status).toBe(403);
    await page.close();
    expect(cspErrors).toEqual([]);
  });
});
