import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSnapshotDuck } from '../cli/with-duck.ts';
import { auditCli } from '../cli/serve.ts';
import { UserError } from '../errors.ts';
import { takeLockFile } from '../jobs/lock.ts';
import { readCurrent } from '../snapshot/publish.ts';
import { Workspace } from '../workspace.ts';
import { buildReport } from './build.ts';
import type { ReportContext, ReportParams } from './build.ts';
import { readReportContext } from './context.ts';
import { reportBytes } from './file.ts';
import type { Lang, Report, ReportKind } from './model.ts';
import { writeFileAtomic } from './write.ts';

/**
 * Daily reports (issue 17): the set for the newest published data day, written to DIR/<day>/ with an index,
 * at a fixed local time each day. Reads the published snapshot, as the server does.
 */

export type DailyFormat = 'pdf' | 'html';

export interface DailyOptions {
  dir: string;
  workspace: string;
  kinds: ReportKind[];
  /** Cities of the returnees and risk reports; empty: the scenario's epicentre. */
  cities: string[];
  langs: Lang[];
  formats: DailyFormat[];
  k: number;
}

export interface DailyEffects {
  now: () => Date;
  /** Waits ms (or until the signal aborts). */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  log: (line: string) => void;
  /** buildReport unless a test says otherwise. */
  build?: (ctx: ReportContext, kind: ReportKind, params: ReportParams) => Promise<Report>;
}

export interface DailyEntry {
  file: string;
  kind: ReportKind;
  params: ReportParams;
  lang: Lang;
  format: DailyFormat;
}

/** DIR/<day>/index.json: what was written, when, from which snapshot, and what failed with why. */
export interface DailyIndex {
  day: string;
  snapshot: number;
  publishedAt: string;
  synthetic: boolean;
  updatedAt: string;
  written: (DailyEntry & { at: string; bytes: number; pages: number | null })[];
  failures: (DailyEntry & { at: string; reason: string })[];
}

export interface DailyResult {
  day: string;
  dir: string;
  skipped: boolean;
  written: number;
  failures: number;
}

/** The reports of a day: outflow and forecast once (their defaults: the epicentre, CN), returnees and risk per city. */
export function dailyPlan(o: DailyOptions, epicentre: string | undefined): DailyEntry[] {
  const cities = o.cities.length ? o.cities : epicentre ? [epicentre] : [];
  const out: DailyEntry[] = [];
  for (const kind of o.kinds) {
    const each: [string | null, ReportParams][] =
      kind === 'returnees' || kind === 'risk' ? cities.map((c) => [c, { city: c }]) : [[null, {}]];
    for (const [code, params] of each)
      for (const lang of o.langs)
        for (const format of o.formats)
          out.push({
            file: `${kind}${code ? `-${code}` : ''}.${lang}.${format}`,
            kind,
            params,
            lang,
            format,
          });
  }
  return out;
}

function readIndex(path: string): DailyIndex | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as DailyIndex;
  } catch {
    // A damaged index only costs a rewrite of the day.
    return null;
  }
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

/**
 * Writes the day's set for the newest published data day (skipping what that day already has), records it in
 * DIR/<day>/index.json; a report that fails is recorded and does not stop the others.
 */
export async function runDailyOnce(o: DailyOptions, fx: DailyEffects): Promise<DailyResult> {
  const ws = new Workspace(o.workspace).require();
  const m = readCurrent(ws);
  if (!m)
    throw new UserError(
      `${ws.root} has no published snapshot: run epitrace publish (daily reports read what the server serves)`,
    );
  const day = m.days?.last;
  if (!day) throw new UserError(`snapshot ${m.id} of ${ws.root} has no data days yet: nothing to report`);
  const dayDir = join(o.dir, day);
  mkdirSync(dayDir, { recursive: true });
  const indexPath = join(dayDir, 'index.json');
  // A snapshot published since with the same last day (a correction) makes the day's files stale: redo them all.
  const read = readIndex(indexPath);
  const before = read?.snapshot === m.id ? read : null;
  if (read && !before) fx.log(`${dayDir}: snapshot ${m.id} replaces ${read.snapshot}: writing the day again`);
  const done = new Set((before?.written ?? []).map((w) => w.file).filter((f) => existsSync(join(dayDir, f))));
  const plan = dailyPlan(o, m.info.scenario?.epicentre);
  const todo = plan.filter((e) => !done.has(e.file));
  if (todo.length === 0) {
    fx.log(`${dayDir}: complete (${plan.length} reports), nothing to do`);
    return { day, dir: dayDir, skipped: true, written: 0, failures: 0 };
  }
  const index: DailyIndex = {
    day,
    snapshot: m.id,
    publishedAt: m.publishedAt,
    synthetic: m.info.synthetic,
    updatedAt: fx.now().toISOString(),
    written: (before?.written ?? []).filter((w) => done.has(w.file)),
    failures: [],
  };
  const build = fx.build ?? buildReport;
  const duck = await openSnapshotDuck(ws, m);
  try {
    // The report's generatedAt comes from the scheduler's clock (a test's fake one too).
    const ctx = { ...(await readReportContext(duck, ws, m, o.k)), now: fx.now };
    // One build per kind and params; each is rendered in every language and format asked.
    const groups = new Map<string, DailyEntry[]>();
    for (const e of todo) {
      const key = `${e.kind} ${JSON.stringify(e.params)}`;
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
    for (const entries of groups.values()) {
      const { kind, params } = entries[0]!;
      let report: Report | null = null;
      let failed = '';
      try {
        report = await build(ctx, kind, params);
        // The filled-in request (defaults included), as the server records it.
        auditCli(ws, `report.${kind}`, { ...report.params, schedule: 'daily', day, k: o.k });
      } catch (e) {
        failed = message(e);
      }
      for (const e of entries) {
        const at = fx.now().toISOString();
        try {
          if (!report) throw new Error(failed);
          const { data, pages } = await reportBytes(report, e.format, e.lang);
          writeFileAtomic(join(dayDir, e.file), data);
          index.written.push({ ...e, at, bytes: data.length, pages });
        } catch (err) {
          index.failures.push({ ...e, at, reason: message(err) });
          fx.log(`${join(dayDir, e.file)}: failed: ${message(err)}`);
        }
      }
    }
  } finally {
    duck.close();
  }
  writeFileAtomic(indexPath, JSON.stringify(index, null, 2) + '\n');
  const written = index.written.length - done.size;
  fx.log(
    `${dayDir}: ${written} written, ${index.failures.length} failed, snapshot ${m.id}${m.info.synthetic ? ', SYNTHETIC' : ''}`,
  );
  return { day, dir: dayDir, skipped: false, written, failures: index.failures.length };
}

/** HH:MM (24 h) as hours and minutes, else a UserError naming --at. */
export function parseAt(v: string): { h: number; m: number } {
  const r = /^(\d{1,2}):(\d{2})$/.exec(v);
  const h = Number(r?.[1]);
  const m = Number(r?.[2]);
  if (!r || h > 23 || m > 59) throw new UserError(`--at: expected a time HH:MM (00:00 to 23:59), got '${v}'`);
  return { h, m };
}

/** The next moment after `now` at h:m on the local clock (today if still ahead, else tomorrow). */
export function nextRunAt(now: Date, at: { h: number; m: number }): Date {
  const t = new Date(now);
  t.setHours(at.h, at.m, 0, 0);
  if (t.getTime() <= now.getTime()) t.setDate(t.getDate() + 1);
  t.setHours(at.h, at.m, 0, 0);
  return t;
}

/** Takes DIR's scheduler lock (one scheduler per folder, --once included); returns its release. */
export function takeDailyLock(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, '.daily.lock');
  return takeLockFile(
    path,
    {},
    (pid) =>
      `${dir} is already served by a daily report scheduler (process ${pid}, lock ${path}); stop it first, or delete the lock if that process is not epitrace`,
    'daily report scheduler',
  );
}

/** Runs the daily set at `at` each day until the signal aborts (a run's UserError is logged, not fatal). */
export async function runDailySchedule(
  o: DailyOptions,
  at: { h: number; m: number },
  fx: DailyEffects,
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    const next = nextRunAt(fx.now(), at);
    fx.log(`next daily reports at ${next.toString()}`);
    // Sleep in steps of at most a minute, so a clock change or a suspended machine does not skip a day.
    for (let left = next.getTime() - fx.now().getTime(); left > 0 && !signal.aborted;) {
      await fx.sleep(Math.min(left, 60_000), signal);
      left = next.getTime() - fx.now().getTime();
    }
    if (signal.aborted) break;
    try {
      await runDailyOnce(o, fx);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      fx.log(`daily reports: ${e.message}`);
    }
  }
}
