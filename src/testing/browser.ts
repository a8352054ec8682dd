import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

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
