import type { Command } from 'commander';
import { runPipeline } from '../../pipeline/run.ts';
import { DEFAULT_STAY_OPTIONS } from '../../pipeline/stays.ts';
import { Workspace } from '../../workspace.ts';
import { DEFAULT_WORKSPACE, date, int } from '../options.ts';
import { makeProgress } from '../progress.ts';
import { publishNow } from '../with-duck.ts';

interface RunFlags {
  workspace: string;
  dwellMinutes: number;
  minStayMinutes: number;
  to?: string;
  rebuild: boolean;
  publish: boolean;
}

/** `epitrace run`. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description(
      'run the pipeline day by day over newly ingested days: stays, dwells, trips and daily OD at community, county, city and province level',
    )
    .option('-w, --workspace <dir>', 'workspace folder', DEFAULT_WORKSPACE)
    .option('--dwell-minutes <n>', '"was there" threshold in minutes', int('--dwell-minutes', 1), 120)
    .option(
      '--min-stay-minutes <n>',
      'drop cell stays shorter than this (0 keeps all)',
      int('--min-stay-minutes'),
      0,
    )
    .option('--to <date>', 'run days up to this one only (YYYY-MM-DD)', date)
    .option('--rebuild', 'drop all pipeline results and run every ingested day again', false)
    .option(
      '--no-publish',
      'do not publish a snapshot for the server at the end (a job publishes once at its end)',
    )
    .action(async (o: RunFlags) => {
      const ws = new Workspace(o.workspace).require();
      const progress = makeProgress();
      let started = false;
      const s = await runPipeline(
        ws,
        {
          dwellMinutes: o.dwellMinutes,
          stay: { ...DEFAULT_STAY_OPTIONS, minStayMinutes: o.minStayMinutes },
          to: o.to,
          rebuild: o.rebuild,
        },
        (_d, done, total) => {
          if (!started) progress.start('running pipeline (days)', total);
          started = true;
          progress.update(done);
        },
      );
      if (started) progress.stop();
      const days = s.days.length
        ? `${s.days[0]} .. ${s.days[s.days.length - 1]}`
        : 'none (all days already ran)';
      process.stdout.write(
        `days ${days}: ${s.stays} stays, ${s.trips} trips (all levels) in ${s.seconds.toFixed(1)} s\n`,
      );
      if (o.publish) await publishNow(ws);
    });
}
