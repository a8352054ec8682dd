import { Command } from 'commander';
import { UserError } from '../errors.ts';
import { registerCommands } from './commands.ts';

const program = new Command();
program
  .name('epitrace')
  .description('EpiTrace: mobility-informed epidemic response from location records, privacy built in.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');
registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof UserError) {
    process.stderr.write(`epitrace: ${e.message}\n`);
    process.exit(e.exitCode);
  }
  throw e;
}
