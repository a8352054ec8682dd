import { Command } from 'commander';
import { HttpError, UserError } from '../errors.ts';
import { registerAudit } from './commands/audit.ts';
import { registerBackup } from './commands/backup.ts';
import { registerDemo } from './commands/demo.ts';
import { registerFlows } from './commands/flows.ts';
import { registerForecast } from './commands/forecast.ts';
import { addForecastBuild } from './commands/forecast-build.ts';
import { registerGeo } from './commands/geo.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerJob, registerStatus, registerWatch } from './commands/jobs.ts';
import { registerPublish } from './commands/publish.ts';
import { registerReport } from './commands/report.ts';
import { registerRisk } from './commands/risk.ts';
import { addRiskSources } from './commands/risk-sources.ts';
import { registerRun } from './commands/run.ts';
import { registerServe } from './commands/serve.ts';
import { registerSynth } from './commands/synth.ts';
import { registerTrace } from './commands/trace.ts';
import { registerUser } from './commands/user.ts';

// `epitrace companions ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const program = new Command();
program
  .name('epitrace')
  .description('EpiTrace: mobility-informed epidemic response from location records, privacy built in.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');
for (const register of [
  registerDemo,
  registerServe,
  registerSynth,
  registerIngest,
  registerRun,
  registerWatch,
  registerStatus,
  registerJob,
  registerPublish,
  registerUser,
  registerAudit,
  registerTrace,
  registerGeo,
  registerFlows,
  registerBackup,
  registerReport,
  // `forecast build` (from the workspace) joins the `forecast` command (from files, --backtest).
  (p: Command) => addForecastBuild(registerForecast(p)),
  // `risk sources` joins the `risk` command (build, heatmap, levels, index, alerts).
  (p: Command) => addRiskSources(registerRisk(p)),
])
  register(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof UserError) {
    process.stderr.write(`epitrace: ${e.message}\n`);
    process.exit(e.exitCode);
  }
  // Account checks shared with the API throw HttpError; on the command line they are user errors.
  if (e instanceof HttpError) {
    process.stderr.write(`epitrace: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
