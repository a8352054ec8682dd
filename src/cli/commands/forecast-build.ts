import type { Command } from 'commander';
import { fitEnsemble } from '../../epi/fit.ts';
import { forecastEnsemble } from '../../epi/forecast.ts';
import { buildForecast, MAX_HORIZON, MAX_MEMBERS, outflowCutScenarios } from '../../epi/workspace-build.ts';
import type { ForecastBuildSummary } from '../../epi/workspace-build.ts';
import { DEFAULT_WORKSPACE, int } from '../options.ts';
import { withWriter } from '../with-duck.ts';

const out = (s: string): void => void process.stdout.write(`${s}\n`);

/** The fitting and forecasting functions `forecast build` uses. */
export const ENGINE = { fitEnsemble, forecastEnsemble };

/** One line per build, as the CLI and the demo print it. */
export function buildLine(s: ForecastBuildSummary): string {
  return (
    `${s.synthetic ? 'SYNTHETIC ' : ''}forecast run ${s.run}: ${s.confirmed} confirmed cases ${s.start} to ${s.origin} ` +
    `(${s.unplaced} without a city) in ${s.regions} cities (${s.populationSource} populations); ` +
    `${s.rows} rows stored for ${s.storedRegions} regions and groups; fit ${(s.fitMs / 1000).toFixed(1)} s, ` +
    `forecast ${(s.forecastMs / 1000).toFixed(1)} s`
  );
}

/**
 * Adds `forecast build [--workspace W] [--horizon 30] [--members N] [--seed N]` to the `forecast` command
 * (src/cli/commands/forecast.ts registers it); returns it.
 */
export function addForecastBuild(forecast: Command): Command {
  // `forecast` has its own --members, --seed and --horizon (forecasts from files): without positional options
  // it would take them from `forecast build --members 10` too, leaving build its defaults. Commander reads
  // positional options only when the program has them as well.
  forecast.parent?.enablePositionalOptions();
  forecast.enablePositionalOptions();
  forecast
    .command('build')
    .description(
      'fit the model to the workspace case registry and store a forecast (baseline and outflow cuts of the epicentre)',
    )
    .option('-w, --workspace <dir>', 'workspace folder', DEFAULT_WORKSPACE)
    .option('--horizon <days>', `days ahead, 1..${MAX_HORIZON}`, int('--horizon', 1), 30)
    .option('--members <n>', `ensemble members, 2..${MAX_MEMBERS}`, int('--members', 2), 300)
    .option('--seed <n>', 'random seed', int('--seed', 0), 1)
    .option(
      '--no-publish',
      'do not publish a snapshot for the server at the end (a job publishes once at its end)',
    )
    .action(
      async (o: { workspace: string; horizon: number; members: number; seed: number; publish: boolean }) => {
        const s = await withWriter(o.workspace, o, (db, ws) =>
          buildForecast(
            db,
            { root: ws.root, info: ws.info() },
            { horizon: o.horizon, members: o.members, seed: o.seed, scenarios: outflowCutScenarios },
            ENGINE,
          ),
        );
        out(buildLine(s));
      },
    );
  return forecast;
}
