import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { DEFAULT_K } from '../../privacy/disclosure.ts';
import { parseAt, runDailyOnce, runDailySchedule, takeDailyLock } from '../../report/daily.ts';
import type { DailyEffects, DailyFormat } from '../../report/daily.ts';
import type { Lang, ReportKind } from '../../report/model.ts';
import { REPORT_KINDS } from '../../report/model.ts';
import { closePdfBrowser } from '../../report/pdf.ts';
import { checkCity } from '../../report/data-common.ts';
import { DEFAULT_WORKSPACE, int } from '../options.ts';

/** Option parser for --cities: city codes only (a province or county is refused here, not at 7:00 tomorrow). */
export function cityList(v: string): string[] {
  const codes = v.split(',').map((s) => s.trim());
  for (const c of codes)
    try {
      checkCity(c, '--cities');
    } catch (e) {
      throw new InvalidArgumentError(e instanceof Error ? e.message : String(e));
    }
  return [...new Set(codes)];
}

/** Option parser for a comma list drawn from `choices`. */
function list<T extends string>(name: string, choices: readonly T[]) {
  return (v: string): T[] => {
    const items = v.split(',').map((s) => s.trim());
    const bad = items.find((s) => !(choices as readonly string[]).includes(s));
    if (bad !== undefined || items.length === 0)
      throw new InvalidArgumentError(`${name}: '${bad ?? v}' is not one of ${choices.join(', ')}`);
    return [...new Set(items)] as T[];
  };
}

interface DailyCli {
  dir: string;
  workspace: string;
  at: string;
  once?: boolean;
  kinds: ReportKind[];
  cities: string[];
  lang: Lang[];
  format: DailyFormat[];
  k: number;
}

/** The real effects: the system clock, timers, stdout. */
export function realDailyEffects(out: (line: string) => void): DailyEffects {
  return {
    now: () => new Date(),
    sleep: (ms, signal) =>
      new Promise<void>((ok) => {
        // The listener goes when the timer fires: one per minute's sleep would pile up on the signal otherwise.
        const done = () => {
          clearTimeout(t);
          signal.removeEventListener('abort', done);
          ok();
        };
        const t = setTimeout(done, ms);
        signal.addEventListener('abort', done, { once: true });
      }),
    log: out,
  };
}

/** Adds `epitrace report daily` to the report command. */
export function addDaily(
  report: Command,
  out: (line: string) => void,
  fx: DailyEffects = realDailyEffects(out),
): void {
  report
    .command('daily')
    .description(
      'write the reports of the newest published data day to DIR/<day>/ each day at --at (local time), or now with --once',
    )
    .requiredOption('--dir <dir>', 'folder of the daily reports (one subfolder per data day)')
    .option('-w, --workspace <dir>', 'workspace folder', DEFAULT_WORKSPACE)
    .option('--at <HH:MM>', 'time of day (local clock)', '07:00')
    .option('--once', 'write the set now and exit (for cron); exit 1 when a report failed')
    .option('--kinds <list>', 'report kinds', list('--kinds', REPORT_KINDS), [...REPORT_KINDS])
    .option(
      '--cities <codes>',
      'cities of the returnees and risk reports (default: the epicentre)',
      cityList,
      [] as string[],
    )
    .option('--lang <list>', 'languages', list('--lang', ['zh', 'en'] as const), ['zh', 'en'] as Lang[])
    .option('--format <list>', 'formats', list('--format', ['pdf', 'html'] as const), [
      'pdf',
    ] as DailyFormat[])
    .option('--k <n>', 'disclosure control: minimum published cell count', int('--k', 1), DEFAULT_K)
    .action(async (o: DailyCli) => {
      const at = parseAt(o.at);
      const opts = { ...o, langs: o.lang, formats: o.format };
      const release = takeDailyLock(o.dir);
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once('SIGINT', stop).once('SIGTERM', stop);
      try {
        if (o.once) {
          const r = await runDailyOnce(opts, fx);
          if (r.failures > 0) process.exitCode = 1;
        } else await runDailySchedule(opts, at, fx, ac.signal);
      } finally {
        process.off('SIGINT', stop).off('SIGTERM', stop);
        release();
        await closePdfBrowser();
      }
    });
}
