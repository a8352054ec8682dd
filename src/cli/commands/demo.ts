import type { Command } from 'commander';
import { openAppDb } from '../../db/sqlite.ts';
import { Accounts, randomPassword } from '../../server/accounts.ts';
import { Workspace } from '../../workspace.ts';
import { buildDemo } from '../demo.ts';
import { scenarioOptions, scenarioParams, serveOptions } from '../options.ts';
import type { ScenarioFlags, ServeFlags } from '../options.ts';
import { makeProgress } from '../progress.ts';
import { serveAndWait } from './serve.ts';

/** `epitrace demo`. */
export function registerDemo(program: Command): void {
  const cmd = program
    .command('demo')
    .description(
      'build the synthetic demo workspace if it is missing (simulate, ingest, run), reset the admin password and serve the dashboard',
    );
  scenarioOptions(serveOptions(cmd))
    .option('--rebuild', 'rebuild the demo workspace even if it exists', false)
    .action(async (o: ScenarioFlags & ServeFlags & { rebuild: boolean }) => {
      const ws = new Workspace(o.workspace);
      if (o.rebuild || !ws.exists() || !ws.info().scenario)
        await buildDemo(ws, scenarioParams(o), makeProgress());
      const password = randomPassword();
      const db = openAppDb(ws.sqlitePath);
      const admin = await new Accounts(db).upsert('admin', password, 'admin');
      db.close();
      process.stdout.write(`one-time admin login: admin / ${password} (expires ${admin.expiresAt})\n`);
      await serveAndWait(ws, o);
    });
}
