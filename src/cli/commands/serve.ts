import type { Command } from 'commander';
import { Workspace } from '../../workspace.ts';
import { serveOptions, serveSettings } from '../options.ts';
import type { ServeFlags } from '../options.ts';
import { startServer } from '../serve.ts';
import { landingOptions, startWatcher } from './jobs.ts';

/** Starts serving a workspace; stops on SIGINT/SIGTERM. Returns the URL once listening. */
export async function serveUntilSignal(ws: Workspace, o: ServeFlags & { landing?: string }): Promise<string> {
  // /api/status counts the files waiting in the watched folder (default <workspace>/landing).
  const s = await startServer(ws, { ...serveSettings(o), ...(o.landing ? { landing: o.landing } : {}) });
  const stop = (): void => void s.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return s.url;
}

/** Serves a workspace until SIGINT/SIGTERM; prints the URL on stdout. */
export async function serveAndWait(ws: Workspace, o: ServeFlags & { landing?: string }): Promise<void> {
  process.stdout.write(`EpiTrace is serving ${await serveUntilSignal(ws, o)}\n`);
}

interface LandingFlags {
  landing?: string;
  keyFile?: string;
  interval: number;
  settle: number;
}

/**
 * `epitrace serve`. With --landing DIR it also runs the landing watcher (`epitrace watch`); its jobs
 * still run as separate processes, so a job that crashes or is killed never takes serving down.
 */
export function registerServe(program: Command): void {
  landingOptions(
    serveOptions(
      program.command('serve').description('serve an existing workspace: the HTTP API and the dashboard'),
    ),
    false,
  )
    .option('--landing <dir>', 'also watch this landing folder: ingest, run and publish what lands in it')
    .action(async (o: ServeFlags & LandingFlags) => {
      const ws = new Workspace(o.workspace).require();
      // The watcher's lock first: a second watcher on the workspace is refused before anything listens;
      // it polls once the server listens (serve publishes a never-published workspace first, as the writer).
      const w = o.landing ? startWatcher(ws, { ...o, landing: o.landing, poll: false }) : null;
      const stopWatcher = async (): Promise<void> => {
        if (!w) return;
        await w.watcher.stop();
        w.close();
      };
      process.once('SIGINT', () => void stopWatcher());
      process.once('SIGTERM', () => void stopWatcher());
      try {
        await serveAndWait(ws, o);
      } catch (e) {
        await stopWatcher();
        throw e;
      }
      if (w) {
        w.watcher.poll();
        process.stderr.write(`watching ${o.landing} for new files\n`);
      }
    });
}
