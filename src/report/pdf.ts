import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { UserError } from '../errors.ts';
import { esc } from './render-format.ts';

/** Debian's chromium; `EPITRACE_CHROMIUM` points elsewhere. playwright-core never downloads a browser. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** The Chromium the reports print with. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.EPITRACE_CHROMIUM || DEFAULT_CHROMIUM;
}

// One browser per process, launched on the first print and reused: starting Chromium costs ~1 s, a page ~50 ms.
let browser: Promise<Browser> | null = null;
// Prints run one at a time: a second print waits for the first (Chromium's memory, 2 cores).
let queue: Promise<unknown> = Promise.resolve();

function launch(): Promise<Browser> {
  if (browser) return browser;
  const path = chromiumPath();
  if (!existsSync(path))
    throw new UserError(
      `cannot print PDF: no Chromium at ${path}: install chromium (apt-get install chromium) or set EPITRACE_CHROMIUM to its path`,
    );
  const b = chromium.launch({
    executablePath: path,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  browser = b;
  b.then(
    // A crashed or closed browser is launched again on the next print.
    (br) => br.on('disconnected', () => void (browser === b && (browser = null))),
    () => void (browser === b && (browser = null)),
  );
  return b;
}

export interface PrintOptions {
  /** Text printed at the head of every page, in bold (the synthetic line). */
  header?: string;
  /** Text printed at the foot of every page, left of the page numbers (reportFooter in render.ts). */
  footer?: string;
  /** Longest a print may take, in ms (PRINT_TIMEOUT_MS unless a test says otherwise). */
  timeoutMs?: number;
}

/** A print taking longer than this is given up and the browser closed: a hung page must not hold the queue. */
export const PRINT_TIMEOUT_MS = 60_000;

// Prints running at once now, and the most ever (printing is serialised: a test checks the most is 1).
let running = 0;
let mostRunning = 0;

/** True while a browser is launched or running (a test checks closePdfBrowser leaves none). */
export const pdfBrowserOpen = (): boolean => browser !== null;

/** The most prints that ever ran at once in this process (1 while prints are serialised). */
export const pdfMostRunning = (): number => mostRunning;

/** Prints one page, given up after opts.timeoutMs: the browser is then closed (the next print launches another). */
async function print(html: string, opts: PrintOptions): Promise<Buffer> {
  const ms = opts.timeoutMs ?? PRINT_TIMEOUT_MS;
  running++;
  mostRunning = Math.max(mostRunning, running);
  let timer: NodeJS.Timeout | undefined;
  let bp: Promise<Browser> | null = null;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => {
      // Closing the browser ends the hung page too (its promises reject, handled by the race below).
      if (bp && browser === bp) browser = null;
      void bp?.then((b) => b.close()).catch(() => undefined);
      fail(
        new UserError(`cannot print PDF: the print took longer than ${ms / 1000} s and was given up; retry`),
      );
    }, ms);
  });
  try {
    return await Promise.race([
      (async () => {
        bp = launch();
        return render(await bp, html, opts);
      })(),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
    running--;
  }
}

async function render(b: Browser, html: string, opts: PrintOptions): Promise<Buffer> {
  const context = await b.newContext({ offline: true, javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    // Offline: a report is self-contained; any request (an image, a font, a link prefetch) is refused.
    await page.route('**', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    const small = 'font-size:7.5pt;font-family:sans-serif;color:#555;width:100%;margin:0 15mm;display:flex';
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: opts.header
        ? `<div style="${small};justify-content:center;font-weight:bold;color:#8a1c00">${esc(opts.header)}</div>`
        : '<span></span>',
      footerTemplate:
        `<div style="${small}"><span style="flex:1">${esc(opts.footer ?? '')}</span>` +
        '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>',
    });
  } finally {
    await context.close();
  }
}

// Prints running or waiting: the API answers 503 when too many wait.
let pending = 0;

/**
 * Prints a self-contained HTML document to an A4 PDF with headless Chromium (playwright-core): one browser per
 * process, launched lazily, prints serialised, the page offline; page numbers in the footer.
 * A missing browser is a UserError naming the fix.
 */
export function printPdf(html: string, opts: PrintOptions = {}): Promise<Buffer> {
  pending++;
  const run = queue.then(() => print(html, opts)).finally(() => void pending--);
  queue = run.catch(() => undefined);
  return run;
}

/** Prints running or waiting in this process. */
export const pdfQueueLength = (): number => pending;

/** Pages in a PDF Chromium (Skia) wrote: its page objects are plain `/Type /Page` dictionaries. */
export function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
}

/** Closes the shared browser (the server on shutdown, the CLI when done); the next print launches another. */
export async function closePdfBrowser(): Promise<void> {
  // The queue first: a print queued while waiting would otherwise launch a browser nobody closes.
  for (let q = queue; ; q = queue) {
    await q;
    if (q === queue) break;
  }
  const b = browser;
  browser = null;
  if (!b) return;
  await (await b.catch(() => null))?.close();
}
