import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppDb } from '../../src/db/sqlite.ts';
import { Accounts } from '../../src/server/accounts.ts';
import { launchChromium, serveWithAccount } from '../../src/testing/browser.ts';
import { pipelineFixture } from '../../src/testing/fixture.ts';

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

async function loginAs(username: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
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

describe('accounts and audit views in a real browser', () => {
  it('lets an admin create an account; the table on screen equals GET /api/admin/accounts', async () => {
    const page = await loginAs('chief');
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
      rows.map((a) => [a.username, a.role, a.regions, a.expiresAt, a.disabled ? 'disabled' : 'active']),
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

  it('shows the audit status in Chinese, matching the API', async () => {
    const page = await loginAs('chief');
    await page.click('[data-testid="lang-toggle"]');
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
        .map((e) => [String(e.id), e.at, e.username ?? '—', e.action, e.detail]),
    );
    expect(shown).toHaveLength(Math.min(50, last));
    expect(await status.textContent()).toBe(`校验通过：共 ${last} 条，哈希链与检查点一致。`);
    expect(await page.textContent('h2')).toBe('审计日志');
    await page.close();
  });

  it('hides the admin views from an analyst, whom the API refuses with 403', async () => {
    const page = await loginAs('analyst');
    await page.locator('[data-testid="nav-outflow"]').waitFor();
    expect(await page.locator('[data-testid="nav-accounts"]').count()).toBe(0);
    expect(await page.locator('[data-testid="nav-audit"]').count()).toBe(0);
    expect((await api(page, '/api/admin/accounts')).status).toBe(403);
    expect((await api(page, '/api/admin/audit')).status).toBe(403);
    await page.close();
    expect(cspErrors).toEqual([]);
  });
});
