import type { Command } from 'commander';
import { publishWorkspace } from '../../snapshot/publish.ts';
import { Workspace } from '../../workspace.ts';
import { DEFAULT_WORKSPACE } from '../options.ts';
import { publishedLine } from '../with-duck.ts';

/** `epitrace publish`: copies the analytics database to a new snapshot and switches the server to it. */
export function registerPublish(program: Command): void {
  program
    .command('publish')
    .description(
      'publish a snapshot of the workspace for the server (the commands that change it publish on their own; a running server switches within a second)',
    )
    .option('-w, --workspace <dir>', 'workspace folder', DEFAULT_WORKSPACE)
    .action(async (o: { workspace: string }) => {
      const t0 = performance.now();
      const m = await publishWorkspace(new Workspace(o.workspace).require());
      process.stdout.write(publishedLine(m, (performance.now() - t0) / 1000) + '\n');
    });
}
