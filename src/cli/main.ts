import { Command } from 'commander';
import { UserError } from '../errors.ts';
import { registerDemo } from './commands/demo.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerRun } from './commands/run.ts';
import { registerServe } from './commands/serve.ts';
import { registerSynth } from './commands/synth.ts';

const program = new Command();
program
  .name('epitrace')
  .description('EpiTrace: mobility-informed epidemic response from location records, privacy built in.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');
for (const register of [registerDemo, registerServe, registerSynth, registerIngest, registerRun])
  register(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof UserError) {
    process.stderr.write(`epitrace: ${e.message}\n`);
    process.exit(e.exitCode);
  }
  throw e;
}
