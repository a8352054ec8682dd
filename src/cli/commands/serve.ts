import type { Command } from 'commander';
import { Workspace } from '../../workspace.ts';
import { serveOptions, serveSettings } from '../options.ts';
import type { ServeFlags } from '../options.ts';
import { startServer } from '../serve.ts';

/** Starts serving a workspace; stops on SIGINT/SIGTERM. Returns the URL once listening. */
export async function serveUntilSignal(ws: Workspace, o: ServeFlags): Promise<string> {
  const s = await startServer(ws, serveSettings(o));
  const stop = (): void => void s.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return s.url;
}

/** Serves a workspace until SIGINT/SIGTERM; prints the URL on stdout. */
export async function serveAndWait(ws: Workspace, o: ServeFlags): Promise<void> {
  process.stdout.write(`EpiTrace is serving ${await serveUntilSignal(ws, o)}\n`);
}

/** `epitrace serve`. */
export function registerServe(program: Command): void {
  serveOptions(
    program.command('serve').description('serve an existing workspace: the HTTP API and the dashboard'),
  ).action(async (o: ServeFlags) => {
    await serveAndWait(new Workspace(o.workspace).require(), o);
  });
}
