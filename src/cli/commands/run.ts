import type { Command } from 'commander';
import { runPipeline } from '../../pipeline/run.ts';
import { Workspace } from '../../workspace.ts';
import { DEFAULT_WORKSPACE, int } from '../options.ts';

/** `epitrace run`. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run the pipeline (stays, city dwells, trips, daily OD) over the ingested records')
    .option('-w, --workspace <dir>', 'workspace folder', DEFAULT_WORKSPACE)
    .option('--dwell-minutes <n>', '"was there" threshold in minutes', int('--dwell-minutes', 1), 120)
    .action(async (o: { workspace: string; dwellMinutes: number }) => {
      const ws = new Workspace(o.workspace).require();
      const s = await runPipeline(ws, { dwellMinutes: o.dwellMinutes }, (n) =>
        process.stderr.write(`step ${n}\n`),
      );
      process.stdout.write(
        `stays ${s.stays}, city dwells ${s.cityDwells}, trips ${s.trips}, OD rows ${s.odRows}\n`,
      );
    });
}
