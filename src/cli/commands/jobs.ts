import { join, resolve } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { openAppDb } from '../../db/sqlite.ts';
import { fitEnsemble } from '../../epi/fit.ts';
import { forecastEnsemble } from '../../epi/forecast.ts';
import { UserError } from '../../errors.ts';
import { loadKey } from '../../ingest/pseudonymise.ts';
import { defaultLanding, DEFAULT_INTERVAL_S, DEFAULT_SETTLE_S, LandingWatcher } from '../../jobs/landing.ts';
import { runLandingJob } from '../../jobs/runner.ts';
import { formatStatus, statusReport } from '../../jobs/status.ts';
import { JobStore, oneLine } from '../../jobs/store.ts';
import { publish } from '../../snapshot/publish.ts';
import { Workspace } from '../../workspace.ts';
import { DEFAULT_WORKSPACE, int } from '../options.ts';

/** Heartbeat period of a job process: well inside the 60 s after which a silent job counts as dead. */
const HEARTBEAT_EVERY_MS = 10_000;

const err = (l: string): void => void process.stderr.write(`${l}\n`);

/** Option parser for seconds (fractions allowed, for tests), as milliseconds. */
function seconds(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!(n > 0 && n <= 86_400))
      throw new InvalidArgumentError(`${name} must be a number of seconds > 0, got '${v}'`);
    return Math.round(n * 1000);
  };
}

/**
 * `epitrace job run --workspace W --job ID` (internal, hidden from help): runs a queued landing job in
 * this process, recording its progress, result or failure in the jobs table; exits non-zero on failure.
 */
export function registerJob(program: Command): void {
  const job = program.command('job', { hidden: true }).description('internal: run a queued job');
  job
    .command('run')
    .requiredOption('-w, --workspace <dir>', 'workspace folder')
    .requiredOption('--job <id>', 'job id', int('--job', 1))
    .option('--landing <dir>', 'landing folder (default <workspace>/landing)')
    .option('--key-file <file>', 'file holding the HMAC pseudonymisation key (else EPITRACE_HMAC_KEY)')
    .action(async (o: { workspace: string; job: number; landing?: string; keyFile?: string }) => {
      const ws = new Workspace(o.workspace).require();
      const store = new JobStore(openAppDb(ws.sqlitePath));
      const j = store.get(o.job);
      if (!j) throw new UserError(`no job ${o.job} in ${ws.sqlitePath}`);
      if (j.state !== 'queued') throw new UserError(`job ${o.job} is ${j.state}, not queued`);
      if (j.kind !== 'landing')
        throw new UserError(`job ${o.job} is a ${j.kind} job; only landing jobs run here`);
      store.start(j.id, process.pid);
      // Between progress steps (a long ingest or pipeline day) the heartbeat still shows the process alive.
      const beat = setInterval(() => store.heartbeat(j.id), HEARTBEAT_EVERY_MS);
      beat.unref();
      try {
        const key = loadKey(o.keyFile);
        const landing = resolve(o.landing ?? defaultLanding(ws));
        const { result, snapshotId } = await runLandingJob(
          ws,
          j.id,
          join(landing, '.processing', String(j.id)),
          j.inputs,
          { store, key, publish, forecastEngine: { fitEnsemble, forecastEnsemble }, log: err },
        );
        store.succeed(j.id, result, snapshotId);
        err(
          `job ${j.id}: read ${result.read}, accepted ${result.accepted}, quarantined ${result.quarantined}; ` +
            `days run ${result.days.length ? result.days.join(', ') : 'none'}; ` +
            (snapshotId !== null ? `published snapshot ${snapshotId}` : 'nothing new to publish'),
        );
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        // A bug's message is recorded too (one line), marked as such; its stack goes to stderr.
        store.fail(j.id, e instanceof UserError ? oneLine(msg) : `internal error: ${oneLine(msg)}`);
        throw e;
      } finally {
        clearInterval(beat);
      }
    });
}

interface WatchFlags {
  workspace: string;
  landing?: string;
  keyFile?: string;
  interval: number;
  settle: number;
  once: boolean;
}

/** Adds the landing watcher's flags (shared by `watch` and `serve --landing`). */
export function landingOptions(c: Command, withLanding: boolean): Command {
  if (withLanding) c.option('--landing <dir>', 'landing folder to watch (default <workspace>/landing)');
  return c
    .option('--key-file <file>', 'file holding the HMAC pseudonymisation key (else EPITRACE_HMAC_KEY)')
    .addOption(
      new Option('--interval <s>', 'seconds between polls of the landing folder')
        .argParser(seconds('--interval'))
        .default(DEFAULT_INTERVAL_S * 1000, String(DEFAULT_INTERVAL_S)),
    )
    .addOption(
      new Option(
        '--settle <s>',
        'a file is ready once its size and modification time are unchanged this many seconds',
      )
        .argParser(seconds('--settle'))
        .default(DEFAULT_SETTLE_S * 1000, String(DEFAULT_SETTLE_S)),
    );
}

/** Starts a landing watcher for a workspace (the lock is taken here, or a one-line refusal thrown). */
export function startWatcher(
  ws: Workspace,
  o: { landing?: string; keyFile?: string; interval: number; settle: number; once?: boolean; poll?: boolean },
): { watcher: LandingWatcher; close: () => void } {
  // The key is checked now, so a watcher without one fails at once rather than at every job.
  loadKey(o.keyFile);
  const db = openAppDb(ws.sqlitePath);
  const watcher = new LandingWatcher({
    ws,
    store: new JobStore(db),
    landing: resolve(o.landing ?? defaultLanding(ws)),
    ...(o.keyFile ? { keyFile: resolve(o.keyFile) } : {}),
    intervalMs: o.interval,
    settleMs: o.settle,
    once: o.once ?? false,
    log: err,
  });
  try {
    watcher.start(o.poll ?? true);
  } catch (e) {
    db.close();
    throw e;
  }
  return { watcher, close: () => db.close() };
}

/** `epitrace watch`. */
export function registerWatch(program: Command): void {
  landingOptions(
    program
      .command('watch')
      .description(
        'ingest files dropped into a landing folder, run the pipeline and publish a snapshot, one job at a time',
      )
      .option('-w, --workspace <dir>', 'workspace folder', DEFAULT_WORKSPACE),
    true,
  )
    .option(
      '--once',
      'one pass (for cron): claim the ready files, run the jobs, exit non-zero if one failed',
      false,
    )
    .action(async (o: WatchFlags) => {
      const ws = new Workspace(o.workspace).require();
      const { watcher, close } = startWatcher(ws, o);
      if (o.once) {
        const jobs = await watcher.runOnce();
        await watcher.stop();
        close();
        const failed = jobs.filter((j) => j.state !== 'succeeded');
        if (failed.length > 0) throw new UserError(`${failed.length} of ${jobs.length} job(s) failed`, 1);
        return;
      }
      err(`watching ${resolve(o.landing ?? defaultLanding(ws))} for ${ws.root} (Ctrl-C stops)`);
      await new Promise<void>((done) => {
        const stop = (): void => void watcher.stop().then(done);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      close();
    });
}

/** `epitrace status`. */
export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(
      'the published snapshot, running and queued jobs, last success, recent failures, landing files',
    )
    .option('-w, --workspace <dir>', 'workspace folder', DEFAULT_WORKSPACE)
    .option('--landing <dir>', 'landing folder (default <workspace>/landing)')
    .option('--json', 'print the report as JSON', false)
    .action((o: { workspace: string; landing?: string; json: boolean }) => {
      const ws = new Workspace(o.workspace).require();
      const db = openAppDb(ws.sqlitePath);
      try {
        const s = statusReport(ws, new JobStore(db), resolve(o.landing ?? defaultLanding(ws)));
        process.stdout.write(o.json ? JSON.stringify(s, null, 2) + '\n' : formatStatus(s));
      } finally {
        db.close();
      }
    });
}
