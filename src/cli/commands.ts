import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { openAppDb } from '../db/sqlite.ts';
import { ingest } from '../ingest/ingest.ts';
import { loadKey } from '../ingest/pseudonymise.ts';
import { runPipeline } from '../pipeline/run.ts';
import { DEFAULT_K } from '../privacy/disclosure.ts';
import { Accounts, randomPassword } from '../server/accounts.ts';
import { builtinCities } from '../synth/cities.ts';
import { generate } from '../synth/generate.ts';
import { defaultParams } from '../synth/params.ts';
import type { ScenarioParams } from '../synth/params.ts';
import { Workspace } from '../workspace.ts';
import { buildDemo } from './demo.ts';
import { makeProgress } from './progress.ts';
import { startServer } from './serve.ts';

const DEFAULT_WORKSPACE = './epitrace-data';

function int(name: string, min = 0) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`${name} must be a whole number >= ${min}, got '${v}'`);
    return n;
  };
}

function date(v: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) {
    throw new InvalidArgumentError(`expected a date YYYY-MM-DD, got '${v}'`);
  }
  return v;
}

function cityCode(v: string): string {
  if (!/^\d{6}$/.test(v)) throw new InvalidArgumentError(`expected a 6-digit city code, got '${v}'`);
  return v;
}

interface ScenarioFlags {
  people: number;
  days: number;
  start: string;
  seed: number;
  epicentre: string;
}

function scenarioOptions(cmd: Command, people = defaultParams.people): Command {
  return cmd
    .option('--people <n>', 'simulated people (all operators)', int('--people', 1), people)
    .option('--days <n>', 'simulated days', int('--days', 1), defaultParams.days)
    .option('--start <date>', 'first simulated day (YYYY-MM-DD)', date, defaultParams.start)
    .option('--seed <n>', 'random seed (same seed, same bytes)', int('--seed'), defaultParams.seed)
    .option('--epicentre <code>', 'epicentre city code', cityCode, defaultParams.epicentre);
}

function params(f: ScenarioFlags): ScenarioParams {
  return {
    ...defaultParams,
    people: f.people,
    days: f.days,
    start: f.start,
    seed: f.seed,
    epicentre: f.epicentre,
  };
}

function serveOptions(cmd: Command): Command {
  return cmd
    .option('-w, --workspace <dir>', 'workspace folder', DEFAULT_WORKSPACE)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0 = any free port)', int('--port'), 8080)
    .option('--k <n>', 'disclosure control: minimum published count', int('--k', 1), DEFAULT_K);
}

async function serveAndWait(ws: Workspace, o: { host: string; port: number; k: number }): Promise<void> {
  const s = await startServer(ws, o);
  process.stdout.write(`EpiTrace is serving ${s.url}\n`);
  const stop = (): void => void s.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** The `epitrace` subcommands. */
export function registerCommands(program: Command): void {
  scenarioOptions(
    serveOptions(
      program
        .command('demo')
        .description(
          'build the synthetic demo workspace if it is missing (simulate, ingest, run), reset the admin password and serve the dashboard',
        ),
    ),
  )
    .option('--rebuild', 'rebuild the demo workspace even if it exists', false)
    .action(
      async (
        o: ScenarioFlags & { workspace: string; host: string; port: number; k: number; rebuild: boolean },
      ) => {
        const ws = new Workspace(o.workspace);
        if (o.rebuild || !ws.exists() || !ws.info().scenario) await buildDemo(ws, params(o), makeProgress());
        const password = randomPassword();
        const db = openAppDb(ws.sqlitePath);
        const admin = await new Accounts(db).upsert('admin', password, 'admin');
        db.close();
        process.stdout.write(`one-time admin login: admin / ${password} (expires ${admin.expiresAt})\n`);
        await serveAndWait(ws, o);
      },
    );

  serveOptions(
    program.command('serve').description('serve an existing workspace: the HTTP API and the dashboard'),
  ).action(async (o: { workspace: string; host: string; port: number; k: number }) => {
    await serveAndWait(new Workspace(o.workspace).require(), o);
  });

  scenarioOptions(
    program
      .command('synth')
      .description('simulate a SYNTHETIC scenario: records, cell registry, ground truth'),
  )
    .requiredOption('-o, --out <dir>', 'output folder')
    .action(async (o: ScenarioFlags & { out: string }) => {
      const p = params(o);
      const progress = makeProgress();
      progress.start('simulating people', p.people);
      const s = await generate(builtinCities(), p, o.out, { progress: (d) => progress.update(d) });
      progress.stop();
      process.stdout.write(
        `synthetic scenario in ${s.outDir}: ${s.records} records, ${s.subscribers} subscribers of ${s.people} people, ${s.cells} cells\n`,
      );
    });

  program
    .command('ingest')
    .description('validate, pseudonymise and store record files (Parquet) as day partitions')
    .argument('<files...>', 'record files: Parquet with raw_id, ts, cell_id[, event]')
    .option('-w, --workspace <dir>', 'workspace folder (created if missing)', DEFAULT_WORKSPACE)
    .option(
      '--cells <file>',
      'cell registry CSV (cell_id, lon, lat, tech, city_code); required the first time',
    )
    .option('--key-file <file>', 'file holding the HMAC pseudonymisation key (else EPITRACE_HMAC_KEY)')
    .option('--from <date>', 'declared first day; earlier rows are quarantined', date)
    .option('--to <date>', 'declared last day; later rows are quarantined', date)
    .option('--json', 'print the summary as JSON', false)
    .action(
      async (
        files: string[],
        o: { workspace: string; cells?: string; keyFile?: string; from?: string; to?: string; json: boolean },
      ) => {
        const key = loadKey(o.keyFile);
        const ws = new Workspace(o.workspace);
        ws.create({ synthetic: false, description: 'records ingested by epitrace ingest' });
        const log = o.json ? undefined : (l: string) => process.stdout.write(l + '\n');
        const summary = await ingest(
          ws,
          { inputs: files, cells: o.cells, key, from: o.from, to: o.to },
          { log },
        );
        if (o.json) process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
      },
    );

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
        `stays ${s.stays}, city dwells ${s.cityDwells}, trips ${s.trips}, OD rows ${s.odRows} (${join(ws.root)})\n`,
      );
    });
}
