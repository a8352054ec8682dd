import type { Command } from 'commander';
import { Workspace } from '../../workspace.ts';
import { serveOptions } from '../options.ts';
import type { ServeFlags } from '../options.ts';
import { startServer } from '../serve.ts';

/** Serves a workspace until SIGINT/SIGTERM; prints the URL on stdout. */
export async function serveAndWait(ws: Workspace, o: ServeFlags): Promise<void> {
  const s = await startServer(ws, o);
  process.stdout.write(`EpiTrace is serving ${s.url}\n`);
  const stop = (): void => void s.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** `epitrace serve`. */
export function registerServe(program: Command): void {
  serveOptions(
    program.command('serve').description('serve an existing workspace: the HTTP API and the dashboard'),
  ).action(async (o: ServeFlags) => {
    await serveAndWait(new Workspace(o.workspace).require(), o);
  });
}
