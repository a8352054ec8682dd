import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAudit } from '../cli/serve.ts';
import { openAppDb } from '../db/sqlite.ts';
import { HttpError, UserError } from '../errors.ts';
import { publishWorkspace } from '../snapshot/publish.ts';
import { pipelineFixture, tempDir } from '../testing/fixture.ts';
import { reportFixture } from '../testing/report-fixture.ts';
import type { Workspace } from '../workspace.ts';
import type { ReportParams } from './build.ts';
import { nextRunAt, parseAt, runDailyOnce, runDailySchedule, takeDailyLock } from './daily.ts';
import type { DailyEffects, DailyIndex, DailyOptions } from './daily.ts';
import type { ReportKind } from './model.ts';
import { closePdfBrowser } from './pdf.ts';

// The scheduler's logic on a real published snapshot, with a fake clock and a stand-in builder that records its
// calls (the real reports are tested through the CLI in src/cli/commands/report.test.ts).

let ws: Workspace;
let lastDay: string;

beforeAll(async () => {
  ws = (await pipelineFixture('daily', { seed: 4, people: 3000 })).ws;
  lastDay = (await publishWorkspace(ws)).days!.last;
}, 120_000);
afterAll(() => closePdfBrowser());

function fakeEffects(
  start: string,
  fail: (kind: ReportKind, params: ReportParams) => string | null = () => null,
): DailyEffects & { builds: string[]; logs: string[]; t: () => number } {
  let t = Date.parse(start);
  const builds: string[] = [];
  const logs: string[] = [];
  return {
    builds,
    logs,
    t: () => t,
    now: () => new Date(t),
    sleep: (ms) => {
      t += ms;
      return Promise.resolve();
    },
    log: (l) => logs.push(l),
    build: (ctx, kind, params) => {
      builds.push(`${new Date(t).toISOString()} ${kind} ${params.city ?? ''}`);
      const why = fail(kind, params);
      if (why) return Promise.reject(new HttpError(400, why, 'city'));
      return Promise.resolve(
        reportFixture({
          kind,
          synthetic: ctx.info.synthetic,
          asOf: { snapshot: ctx.snapshot, lastDay: ctx.lastDay },
          generatedAt: (ctx.now?.() ?? new Date(0)).toISOString(),
        }),
      );
    },
  };
}

const options = (dir: string, over: Partial<DailyOptions> = {}): DailyOptions => ({
  dir,
  workspace: ws.root,
  kinds: ['outflow', 'returnees', 'risk', 'forecast'],
  cities: ['420100', '420900'],
  langs: ['zh', 'en'],
  formats: ['html'],
  k: 3,
  ...over,
});

const index = (dir: string): DailyIndex =>
  JSON.parse(readFileSync(join(dir, lastDay, 'index.json'), 'utf8')) as DailyIndex;

describe('daily reports', () => {
  it('runs at --at on the local clock once per day; a day already written is skipped', async () => {
    const dir = tempDir('daily-sched');
    const fx = fakeEffects('2026-12-02T06:30:00Z');
    const ac = new AbortController();
    const wakes: string[] = [];
    const sleep = fx.sleep;
    const log = fx.log;
    // A scheduler that ran without sleeping would loop: stop it after a few too many lines.
    fx.log = (l) => (log(l), fx.logs.length > 20 && ac.abort());
    fx.sleep = async (ms, s) => {
      await sleep(ms, s);
      wakes.push(new Date(fx.t()).toISOString());
      // Three days' runs, then stop.
      if (fx.logs.filter((l) => l.startsWith(join(dir, lastDay))).length >= 3) ac.abort();
    };
    await runDailySchedule(options(dir), parseAt('07:00'), fx, ac.signal);
    // Run 1 builds outflow, forecast and per city returnees and risk (6 reports, each in 2 languages).
    expect(fx.builds.map((b) => b.slice(0, 19))).toEqual(Array(6).fill('2026-12-02T07:00:00'));
    expect(fx.logs.filter((l) => l.includes(': complete (12 reports), nothing to do'))).toHaveLength(2);
    const runs = wakes.filter((w) => w.endsWith('T07:00:00.000Z'));
    expect(runs).toEqual([
      '2026-12-02T07:00:00.000Z',
      '2026-12-03T07:00:00.000Z',
      '2026-12-04T07:00:00.000Z',
    ]);
    // Woken at most a minute apart in between (a clock change cannot skip a day), never early.
    expect(wakes.every((w, i) => i === 0 || Date.parse(w) - Date.parse(wakes[i - 1]!) <= 60_000)).toBe(true);
    const files = readdirSync(join(dir, lastDay)).sort();
    expect(files).toEqual(
      [
        'index.json',
        ...[
          'forecast',
          'outflow',
          'returnees-420100',
          'returnees-420900',
          'risk-420100',
          'risk-420900',
        ].flatMap((n) => [`${n}.en.html`, `${n}.zh.html`]),
      ].sort(),
    );
    const ix = index(dir);
    expect(ix).toMatchObject({ day: lastDay, synthetic: true, failures: [] });
    expect(ix.written).toHaveLength(12);
    expect(readFileSync(join(dir, lastDay, 'risk-420900.en.html'), 'utf8')).toContain('SYNTHETIC DATA');
    // Dated by the scheduler's clock: the run at 07:00 on 2 Dec.
    expect(readFileSync(join(dir, lastDay, 'risk-420900.en.html'), 'utf8')).toContain('2 Dec 2026 07:00 UTC');
  });

  it('records a failing report and goes on; a re-run retries only what failed or went missing', async () => {
    const dir = tempDir('daily-fail');
    let failing = true;
    const fx = fakeEffects('2026-12-02T07:00:00Z', (kind, p) =>
      failing && kind === 'risk' && p.city === '420900' ? 'city: 420900 has no risk levels' : null,
    );
    const r = await runDailyOnce(options(dir), fx);
    expect(r).toMatchObject({ day: lastDay, skipped: false, written: 10, failures: 2 });
    const ix = index(dir);
    expect(ix.failures.map((f) => [f.file, f.reason])).toEqual([
      ['risk-420900.zh.html', 'city: 420900 has no risk levels'],
      ['risk-420900.en.html', 'city: 420900 has no risk levels'],
    ]);
    expect(existsSync(join(dir, lastDay, 'risk-420900.zh.html'))).toBe(false);
    // The failure is fixed and a file was deleted: the re-run builds exactly those two reports.
    failing = false;
    rmSync(join(dir, lastDay, 'outflow.en.html'));
    fx.builds.length = 0;
    const again = await runDailyOnce(options(dir), fx);
    expect(again).toMatchObject({ skipped: false, written: 3, failures: 0 });
    expect(fx.builds.map((b) => b.slice(25))).toEqual(['outflow ', 'risk 420900']);
    expect(index(dir).written).toHaveLength(12);
    expect(index(dir).failures).toEqual([]);
  });

  it('audits the filled-in request (report.params, defaults included), not the options as given', async () => {
    const dir = tempDir('daily-audit');
    const fx = fakeEffects('2026-12-02T07:00:00Z');
    const build = fx.build!;
    // The builder fills the defaults in, as buildReport does (outflow: the epicentre, the model).
    fx.build = async (ctx, kind, params) => ({
      ...(await build(ctx, kind, params)),
      params: { ...params, origin: '420100', model: 'loglog' },
    });
    await runDailyOnce(options(dir, { kinds: ['outflow'], langs: ['en'] }), fx);
    const app = openAppDb(ws.sqlitePath);
    try {
      const e = openAudit(ws, app)
        .recent(20)
        .find((x) => x.action === 'report.outflow');
      expect(JSON.parse(e!.detail)).toMatchObject({
        via: 'cli',
        origin: '420100',
        model: 'loglog',
        schedule: 'daily',
        day: lastDay,
      });
    } finally {
      app.close();
    }
  });

  it('a new snapshot with the same last day makes the day be written again', async () => {
    const dir = tempDir('daily-republish');
    const fx = fakeEffects('2026-12-02T07:00:00Z');
    const o = options(dir, { kinds: ['outflow'], langs: ['en'] });
    expect(await runDailyOnce(o, fx)).toMatchObject({ skipped: false, written: 1 });
    const first = index(dir).snapshot;
    expect(await runDailyOnce(o, fx)).toMatchObject({ skipped: true });
    // A correction is published: same data days, a new snapshot.
    const m = await publishWorkspace(ws);
    expect([m.id === first, m.days!.last]).toEqual([false, lastDay]);
    fx.builds.length = 0;
    expect(await runDailyOnce(o, fx)).toMatchObject({ skipped: false, written: 1 });
    expect(fx.builds).toHaveLength(1);
    const ix = index(dir);
    expect([ix.snapshot, ix.written.length]).toEqual([m.id, 1]);
  });

  it('writes PDFs too, counted in the index', async () => {
    const dir = tempDir('daily-pdf');
    const fx = fakeEffects('2026-12-02T07:00:00Z');
    await runDailyOnce(options(dir, { kinds: ['outflow'], langs: ['en'], formats: ['pdf', 'html'] }), fx);
    const ix = index(dir);
    expect(ix.written.map((w) => [w.file, w.pages])).toEqual([
      ['outflow.en.pdf', 3],
      ['outflow.en.html', null],
    ]);
    expect(
      readFileSync(join(dir, lastDay, 'outflow.en.pdf'))
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  }, 60_000);

  it('refuses a second scheduler on the same folder, naming the process', () => {
    const dir = tempDir('daily-lock');
    const release = takeDailyLock(dir);
    try {
      expect(() => takeDailyLock(dir)).toThrow(UserError);
      expect(() => takeDailyLock(dir)).toThrow(
        new RegExp(
          `already served by a daily report scheduler \\(process ${process.pid}, lock .*\\.daily\\.lock\\)`,
        ),
      );
    } finally {
      release();
    }
    takeDailyLock(dir)();
  });

  it('computes the next run on the local clock, and checks --at', () => {
    const at = parseAt('07:00');
    expect(nextRunAt(new Date('2026-12-02T06:59:59Z'), at).toISOString()).toBe('2026-12-02T07:00:00.000Z');
    expect(nextRunAt(new Date('2026-12-02T07:00:00Z'), at).toISOString()).toBe('2026-12-03T07:00:00.000Z');
    expect(nextRunAt(new Date('2026-12-31T23:00:00Z'), parseAt('0:30')).toISOString()).toBe(
      '2027-01-01T00:30:00.000Z',
    );
    for (const bad of ['24:00', '7', '07:60', 'seven'])
      expect(() => parseAt(bad)).toThrow(/--at: expected a time HH:MM/);
  });
});
