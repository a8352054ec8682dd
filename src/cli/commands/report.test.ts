import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppDb } from '../../db/sqlite.ts';
import type { Report } from '../../report/model.ts';
import { closePdfBrowser } from '../../report/pdf.ts';
import { formatCell } from '../../report/render-format.ts';
import { Accounts } from '../../server/accounts.ts';
import { forecastFixture } from '../../testing/forecast-fixture.ts';
import { Client } from '../../testing/http.ts';
import { pdfInk, pdfTextPages } from '../../testing/pdf.ts';
import type { Workspace } from '../../workspace.ts';
import { openAudit, startServer } from '../serve.ts';
import { registerReport } from './report.ts';

const BIN = fileURLToPath(new URL('../../../bin/epitrace.mjs', import.meta.url));
let ws: Workspace;
let out: string;
let close: () => Promise<void>;
let c: Client;

/** Runs `epitrace report ARGS` on a fresh command tree; returns the printed lines. */
async function run(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
  registerReport(program, (l) => lines.push(l));
  for (const sub of program.commands) {
    sub.exitOverride();
    for (const s of sub.commands) s.exitOverride();
  }
  await program.parseAsync(['report', ...args, '-w', ws.root], { from: 'user' });
  return lines;
}

const errorOf = (args: string[]): Promise<string> =>
  run(args).then(
    () => 'no error',
    (e: unknown) => (e as Error).message,
  );

beforeAll(async () => {
  ws = (await forecastFixture('report-cli', 10)).ws;
  out = join(ws.root, '..', 'out');
  mkdirSync(out);
  const app = openAppDb(ws.sqlitePath);
  await new Accounts(app).upsert('cli', 'report cli password 16', 'analyst');
  app.close();
  const s = await startServer(ws, { host: '127.0.0.1', port: 0 });
  close = s.close;
  c = new Client(s.url);
  await c.login('cli', 'report cli password 16');
}, 240_000);

afterAll(async () => {
  await close?.();
  await closePdfBrowser();
});

/** A report without what differs between a CLI run and a request: the time made and the snapshot read. */
const comparable = (r: Report) => ({ ...r, generatedAt: null, asOf: { ...r.asOf, snapshot: null } });

const figure = (r: Report, section: string, key: string) => {
  const s = r.sections.find((x) => x.id === section);
  if (s?.kind !== 'figures') throw new Error(`${section}: no figures`);
  return s.items.find((i) => i.key === key)!;
};

describe('epitrace report', () => {
  it('writes the same report as the API, for every kind (JSON)', async () => {
    for (const [kind, args, query] of [
      ['outflow', [], ''],
      ['returnees', ['--city', '420100', '--source', '110100'], '&city=420100&source=110100'],
      ['risk', ['--city', '420100'], '&city=420100'],
      ['forecast', ['--region', 'CN'], '&region=CN'],
    ] as const) {
      const file = join(out, `${kind}.json`);
      const lines = await run([kind, ...args, '--out', file]);
      expect(lines).toEqual([expect.stringMatching(new RegExp(`^${file}: \\d+ bytes, SYNTHETIC$`))]);
      const cli = JSON.parse(readFileSync(file, 'utf8')) as Report;
      const api = await c.send('GET', `/api/reports/${kind}?format=json${query}`);
      expect(api.status, kind).toBe(200);
      expect(comparable(cli), kind).toEqual(comparable(api.body as unknown as Report));
    }
    // The audit holds the filled-in request (outflow was run with no options: the defaults), as the server's.
    const app = openAppDb(ws.sqlitePath);
    try {
      const e = openAudit(ws, app)
        .recent(50)
        .find((x) => x.action === 'report.outflow' && x.username === null);
      expect(JSON.parse(e!.detail)).toMatchObject({
        via: 'cli',
        origin: '420100',
        model: 'loglog',
        basis: 'expanded',
        format: 'json',
      });
    } finally {
      app.close();
    }
  }, 120_000);

  it('prints a PDF whose pages are not blank and hold the report numbers; HTML holds them too', async () => {
    const report = JSON.parse(readFileSync(join(out, 'outflow.json'), 'utf8')) as Report;
    const numbers = ['arrivals', 'expanded', 'cases'].map((k) => {
      const f = figure(report, 'headline', k);
      return formatCell(f.value, 'en', f.digits);
    });
    expect(numbers.every((n) => /\d/.test(n))).toBe(true);
    const pdfFile = join(out, 'outflow.en.pdf');
    const [line] = await run(['outflow', '--out', pdfFile, '--lang', 'en']);
    expect(line).toMatch(new RegExp(`^${pdfFile}: \\d+ pages?, \\d+ bytes, SYNTHETIC$`));
    const pdf = readFileSync(pdfFile);
    const ink = pdfInk(pdf);
    expect(ink.length).toBe(Number(/: (\d+) page/.exec(line!)![1]));
    for (const f of ink) expect(f).toBeGreaterThan(0.005);
    const text = pdfTextPages(pdf).join('\n');
    for (const n of numbers) expect(text).toContain(n);
    expect(text).toContain('cases per 10,000 arrivals');
    const htmlFile = join(out, 'outflow.zh.html');
    await run(['outflow', '--out', htmlFile]);
    const html = readFileSync(htmlFile, 'utf8');
    for (const n of numbers) expect(html).toContain(n);
    expect(html).toContain('每万名到达者病例数');
  }, 120_000);

  it('refuses bad input in one line naming the option', async () => {
    const cases: [string[], RegExp][] = [
      [['outflow', '--out', join(out, 'x.pdf'), '--bogus'], /unknown option '--bogus'/],
      [
        ['outflow', '--out', join(out, 'x.txt')],
        /^--out: .*x\.txt: unknown extension '\.txt': name the file \.pdf, \.html or \.json$/,
      ],
      [['outflow', '--out', join(out, 'x')], /unknown extension '': name the file/],
      [
        ['outflow', '--out', join(out, 'missing', 'x.pdf')],
        /^--out: folder .*missing does not exist \(create it first\)$/,
      ],
      [
        ['outflow', '--out', join(out, 'x.pdf'), '--lang', 'fr'],
        /argument 'fr' is invalid. Allowed choices are zh, en/,
      ],
      [['outflow', '--out', join(out, 'x.pdf'), '--k', '0'], /--k must be a whole number >= 1/],
      [['outflow', '--out', join(out, 'x.json'), '--origin', '999999'], /^--origin: /],
      [['returnees', '--out', join(out, 'x.json'), '--city', '420100', '--from', '2020-02-30'], /^--from: /],
      [['outflow', '--out', join(out, 'x.json'), '--cases-to', 'soon'], /^--cases-to: /],
      [['daily', '--dir', out, '--at', '25:00', '--once'], /^--at: expected a time HH:MM/],
      [
        ['daily', '--dir', out, '--kinds', 'outflow,weather'],
        /--kinds: 'weather' is not one of outflow, returnees, risk, forecast/,
      ],
      // City codes only, refused at parse time (a province or a county would fail every day at --at).
      [['daily', '--dir', out, '--cities', '420000', '--once'], /--cities: 420000 is not a city code/],
      [['daily', '--dir', out, '--cities', '110100,420102', '--once'], /--cities: 420102 is not a city code/],
    ];
    for (const [args, re] of cases) {
      const msg = await errorOf(args);
      expect(msg, args.join(' ')).toMatch(re);
      expect(msg.split('\n').filter(Boolean), args.join(' ')).toHaveLength(1);
    }
    expect(readdirSync(out).filter((f) => f.startsWith('x'))).toEqual([]);
  }, 60_000);

  it("--model is the risk-source fit's model (loglog or linear), not an expansion model", () => {
    const program = new Command();
    registerReport(program, () => undefined);
    const outflow = program.commands[0]!.commands.find((x) => x.name() === 'outflow')!;
    const help = outflow.helpInformation().replace(/\s+/g, ' ');
    expect(help).toContain('--model <name> risk-source fit model: loglog (default) or linear');
    expect(help).not.toMatch(/expansion model/);
  });

  it('leaves no file when killed while printing', async () => {
    const dir = join(out, 'killed');
    mkdirSync(dir);
    const child = spawn(
      process.execPath,
      [BIN, 'report', 'outflow', '--out', join(dir, 'r.pdf'), '-w', ws.root],
      {
        detached: true,
        stdio: 'ignore',
      },
    );
    // The browser starts only to print (after the report is built): its appearance as a child means "printing".
    const printing = () =>
      readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .some((p) => {
          try {
            const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
            return (
              /\(chrom/.test(stat) &&
              Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === child.pid
            );
          } catch {
            return false;
          }
        });
    const t0 = Date.now();
    while (!printing() && Date.now() - t0 < 60_000 && child.exitCode === null)
      await new Promise((r) => setTimeout(r, 20));
    expect(child.exitCode).toBe(null);
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(readdirSync(dir)).toEqual([]);
  }, 90_000);

  it('daily --once writes the set for the newest data day, records a failure and exits 1', async () => {
    const dir = join(out, 'daily');
    // One report of the set cannot be written: a folder stands where its file goes (rename onto it fails).
    const last = ws.info().scenario!.to;
    mkdirSync(join(dir, last, 'outflow.en.html'), { recursive: true });
    const args = ['daily', '--dir', dir, '--once', '--kinds', 'risk,outflow', '--cities', '420100'];
    args.push('--lang', 'en', '--format', 'html');
    try {
      const lines = await run(args);
      expect(process.exitCode).toBe(1);
      const dayDir = join(dir, last);
      expect(lines.at(-1)).toBe(`${dayDir}: 1 written, 1 failed, snapshot 1, SYNTHETIC`);
      const index = JSON.parse(readFileSync(join(dayDir, 'index.json'), 'utf8')) as {
        written: { file: string }[];
        failures: { file: string; reason: string }[];
      };
      expect(index.written.map((w) => w.file)).toEqual(['risk-420100.en.html']);
      expect(index.failures).toEqual([
        expect.objectContaining({
          file: 'outflow.en.html',
          reason: expect.stringMatching(/EISDIR|directory/i),
        }),
      ]);
      const html = readFileSync(join(dayDir, 'risk-420100.en.html'), 'utf8');
      expect(html).toContain('SYNTHETIC DATA');
      expect(existsSync(join(dir, '.daily.lock'))).toBe(false);
      process.exitCode = 0;
      // A re-run builds only the failed one again (it fails again, still recorded).
      const again = await run(args);
      expect(again.at(-1)).toBe(`${dayDir}: 0 written, 1 failed, snapshot 1, SYNTHETIC`);
    } finally {
      process.exitCode = 0;
    }
  }, 120_000);
});
