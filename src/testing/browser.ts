import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'papaparse';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { startServer } from '../cli/serve.ts';
import { openAppDb } from '../db/sqlite.ts';
import { Accounts } from '../server/accounts.ts';
import type { Role } from '../server/accounts.ts';
import type { Workspace } from '../workspace.ts';

/** Debian's chromium (installed by .ci/run); playwright-core never downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium';
const DIST = fileURLToPath(new URL('../../web/dist/index.html', import.meta.url));

/** Launches headless Chromium for a browser test, after checking the dashboard is built and Chromium is there. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(DIST)) throw new Error('web/dist is not built: run npm run build:web (npm test does)');
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} missing: apt-get install -y chromium (bash .ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Serves a workspace on a free port with one account (an analyst unless `role`), as a browser test needs it. */
export async function serveWithAccount(
  ws: Workspace,
  username: string,
  password: string,
  role: Role = 'analyst',
): Promise<{ url: string; close: () => Promise<void> }> {
  const db = openAppDb(ws.sqlitePath);
  await new Accounts(db).upsert(username, password, role);
  db.close();
  const s = await startServer(ws, { host: '127.0.0.1', port: 0 });
  return { url: s.url, close: s.close };
}

/**
 * Clicks a table's CSV export button (`testId`, e.g. 'index-export-csv') and reads the download: its file name,
 * its column keys and its rows by key. Throws when the file lacks the UTF-8 byte-order mark the exports promise.
 */
export async function exportedCsv(
  page: Page,
  testId: string,
): Promise<{ name: string; fields: string[]; rows: Record<string, string>[] }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click(`[data-testid="${testId}"]`),
  ]);
  const path = await download.path();
  const text = readFileSync(path, 'utf8');
  if (!text.startsWith('\ufeff'))
    throw new Error(`${download.suggestedFilename()}: no UTF-8 byte-order mark`);
  const parsed = parse<Record<string, string>>(text.slice(1), { header: true, skipEmptyLines: true });
  return { name: download.suggestedFilename(), fields: parsed.meta.fields ?? [], rows: parsed.data };
}
