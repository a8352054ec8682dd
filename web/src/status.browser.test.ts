import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppDb } from '../../src/db/sqlite.ts';
import { JobStore } from '../../src/jobs/store.ts';
import { Accounts } from '../../src/server/accounts.ts';
import { publishWorkspace } from '../../src/snapshot/publish.ts';
import type { Status } from '../../src/server/routes-status.ts';
import { launchChromium, serveWithAccount } from '../../src/testing/browser.ts';
import { pipelineFixture } from '../../src/testing/fixture.ts';
import type { Workspace } from '../../src/workspace.ts';

const PW = 'status-browser-password';
const OUT = fileURLToPath(new URL('../../test-output/', import.meta.url));
const REASON = 'day-0117.csv: line 7: no column ts (expected ts, cell_id, user_id)';
/** The finished jobs' clock: fixed instants, so the times on screen can be written out here. */
const FINISHED = Date.parse('2026-12-01T16:30:00Z');
let browser: Browser;
let ws: Workspace;
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  browser = await launchChromium();
  ({ ws } = await pipelineFixture('status-browser', { people: 800, days: 3 }));
  const db = openAppDb(ws.sqlitePath);
  await new Accounts(db).upsert('analyst', PW, 'analyst');
  let minutes = 0;
  const past = new JobStore(db, () => new Date(FINISHED + minutes++ * 60_000));
  const ok = past.create('landing', ['day-0116.csv']);
  past.start(ok.id, 1001);
  past.succeed(ok.id, { read: 10, accepted: 10 }, 1);
  const bad = past.create('landing', ['day-0117.csv']);
  past.start(bad.id, 1002);
  past.fail(bad.id, REASON);
  // The running job is this test's process with a fresh heartbeat, so the server does not reap it.
  const live = new JobStore(db);
  const running = live.create('run', ['day-0118.csv']);
  live.start(running.id, process.pid);
  live.progress(running.id, 'pipeline', 3, 7);
  db.close();
  ({ url, close } = await serveWithAccount(ws, 'chief', PW, 'admin'));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await close?.();
});

async function loginAs(username: string, lang: 'en' | 'zh'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript((l) => localStorage.setItem('epitrace.lang', l), lang);
  await page.goto(url);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', PW);
  await page.click('[data-testid="login-submit"]');
  await page.locator('[data-testid="status-bar"]').waitFor();
  return page;
}

/** GET from the page itself, with its session cookie. */
function api<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (p) => (await fetch(p)).json() as Promise<unknown>, path) as Promise<T>;
}

const p2 = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** UTC+8 as the jobs table shows instants (ISO-like): computed here apart from web/src/status-api.ts. */
function cst(iso: string): string {
  const d = new Date(Date.parse(iso) + 8 * 3_600_000);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

/**
 * UTC+8 as the status bar shows instants, in the page language, zone named: '2 Dec 2026, 00:32:00 (UTC+8)' or
 * '2026年12月2日 00:32:00（北京时间）'. Written out here apart from web/src/format.ts (no Intl).
 */
function cstText(iso: string, lang: 'en' | 'zh'): string {
  const d = new Date(Date.parse(iso) + 8 * 3_600_000);
  const [y, m, day] = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()];
  const time = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  return lang === 'zh'
    ? `${y}年${m + 1}月${day}日 ${time}（北京时间）`
    : `${day} ${MONTHS[m]} ${y}, ${time} (UTC+8)`;
}

/** A data day as the page writes it, apart from web/src/format.ts. */
function dayIn(iso: string, lang: 'en' | 'zh'): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return lang === 'zh' ? `${y}年${m}月${d}日` : `${d} ${MONTHS[m - 1]} ${y}`;
}

/** The default (flows) view has its answer on screen: the total, or its all-suppressed message on this small fixture. */
async function viewDrawn(page: Page): Promise<void> {
  await page.locator('[data-testid="flows-total"]').first().waitFor({ timeout: 30_000 });
}

const text = async (page: Page, id: string): Promise<string> =>
  ((await page.textContent(`[data-testid="${id}"]`)) ?? '').replace(/\s+/g, ' ').trim();

const LABELS = {
  en: {
    asOf: 'Data as of',
    running: 'Running: run',
    step: 'pipeline',
    ok: 'Last success',
    failed: 'Last failure',
  },
  zh: { asOf: '数据截至', running: '正在运行: 运行', step: '流水线处理', ok: '最近成功', failed: '最近失败' },
};

describe('status bar and jobs view in a real browser', () => {
  for (const lang of ['en', 'zh'] as const) {
    it(`shows /api/status on screen (${lang}): data as of, running job and progress, last success and failure`, async () => {
      const page = await loginAs('analyst', lang);
      const l = LABELS[lang];
      const s = await api<Status>(page, '/api/status');
      expect(s.jobs.running).toMatchObject({ kind: 'run', step: 'pipeline', done: 3, total: 7 });
      if (s.snapshot) {
        const published = await text(page, 'status-snapshot');
        expect(published).toContain(`${l.asOf} ${cstText(s.snapshot.publishedAt, lang)}`);
        if (s.snapshot.days) {
          expect(published).toContain(dayIn(s.snapshot.days.first, lang));
          expect(published).toContain(dayIn(s.snapshot.days.last, lang));
          expect(published).toContain(String(s.snapshot.days.count));
        }
      }
      expect(await text(page, 'status-running')).toBe(`${l.running} #${s.jobs.running!.id} · ${l.step} 3/7`);
      expect(await page.locator('[data-testid="status-running"] progress').getAttribute('value')).toBe('3');
      expect(await page.locator('[data-testid="status-running"] progress').getAttribute('max')).toBe('7');
      // The fixed clock: created 16:30, started 16:31, succeeded 16:32 UTC, i.e. 00:32 the next day in UTC+8.
      expect(s.jobs.lastSuccess!.finishedAt).toBe('2026-12-01T16:32:00.000Z');
      expect(await text(page, 'status-last-success')).toBe(
        `${l.ok}: ${lang === 'zh' ? '2026年12月2日 00:32:00（北京时间）' : '2 Dec 2026, 00:32:00 (UTC+8)'}`,
      );
      expect(await text(page, 'status-last-failure')).toBe(
        `${l.failed}: ${cstText(s.jobs.lastFailure!.finishedAt!, lang)}`,
      );
      // Tracers and analysts get neither the reason nor the file names.
      expect(await page.locator('[data-testid="status-failure-reason"]').count()).toBe(0);
      expect(await text(page, 'status-bar')).not.toContain('.csv');
      expect(await page.locator('[data-testid="nav-jobs"]').count()).toBe(0);
      mkdirSync(OUT, { recursive: true });
      await viewDrawn(page);
      await page.screenshot({ path: `${OUT}status-${lang}.png` });
      await page.close();
    }, 60_000);

    it(`shows admins every job of /api/admin/jobs with the failure's reason (${lang})`, async () => {
      const page = await loginAs('chief', lang);
      expect(await text(page, 'status-failure-reason')).toBe(`— ${REASON}`);
      await page.click('[data-testid="nav-jobs"]');
      await page.locator('[data-testid="jobs-table"]').waitFor();
      const { jobs } = await api<{
        jobs: {
          id: number;
          state: string;
          kind: string;
          inputs: string[];
          step: string | null;
          done: number | null;
          total: number | null;
          startedAt: string | null;
          finishedAt: string | null;
          snapshotId: number | null;
          error: string | null;
        }[];
      }>(page, '/api/admin/jobs');
      const screen = await page.$$eval('[data-testid="jobs-table"] tbody tr', (rows) =>
        rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      );
      const names = {
        en: { failed: 'failed', succeeded: 'succeeded', running: 'running', landing: 'landing', run: 'run' },
        zh: { failed: '失败', succeeded: '成功', running: '运行中', landing: '落地文件', run: '运行' },
      }[lang] as Record<string, string>;
      expect(screen).toEqual(
        jobs.map((j) => [
          String(j.id),
          names[j.state],
          names[j.kind],
          j.inputs.join(', '),
          j.step ?? '',
          j.done !== null && j.total !== null ? `${j.done}/${j.total}` : '',
          j.startedAt ? cst(j.startedAt) : '',
          j.finishedAt ? cst(j.finishedAt) : '',
          j.snapshotId === null ? '' : String(j.snapshotId),
          j.error ?? '',
        ]),
      );
      expect(screen.map((r) => r[9])).toContain(REASON);
      await page.screenshot({ path: `${OUT}jobs-${lang}.png`, fullPage: true });
      await page.close();
    }, 60_000);
  }

  it('shows a newly published snapshot without a reload, and the open view loads its data again', async () => {
    const page = await loginAs('analyst', 'en');
    await viewDrawn(page);
    const before = await api<Status>(page, '/api/status');
    const outflows: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/flows/')) outflows.push(r.url());
    });
    const m = await publishWorkspace(ws);
    expect(m.id).toBe(before.snapshot!.id + 1);
    // The server switches within its 1 s poll; the dashboard asks every 12 s.
    await expect
      .poll(() => text(page, 'status-snapshot-id'), { timeout: 20_000, interval: 500 })
      .toContain(`snapshot ${m.id}`);
    expect(await text(page, 'status-published')).toBe(cstText(m.publishedAt, 'en'));
    await expect.poll(() => outflows.length, { timeout: 10_000 }).toBeGreaterThan(0);
    await viewDrawn(page);
    await page.close();
  }, 60_000);
});
