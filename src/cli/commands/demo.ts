import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Command } from 'commander';
import { openAppDb } from '../../db/sqlite.ts';
import { UserError } from '../../errors.ts';
import { Accounts, randomPassword } from '../../server/accounts.ts';
import { Workspace } from '../../workspace.ts';
import { buildDemo, demoNeedsBuild } from '../demo.ts';
import { scenarioOptions, scenarioParams, serveOptions } from '../options.ts';
import type { ScenarioFlags, ServeFlags } from '../options.ts';
import { makeProgress } from '../progress.ts';
import { openAudit } from '../serve.ts';
import { serveUntilSignal } from './serve.ts';

/** The demo's accounts: an admin, and a tracer for the tracing view (which admins do not see). */
export type DemoAccount = 'admin' | 'tracer';

/** Demo only: a demo account's password, kept in the demo workspace (mode 0600) so it survives restarts. */
export function demoPasswordPath(ws: Workspace, account: DemoAccount = 'admin'): string {
  return join(ws.root, `demo-${account}-password`);
}

/**
 * Keeps a demo account working (username = role = `account`, all regions): the saved password unless `reset`
 * (or none is saved, or it no longer matches), the account renewed. Returns the password and whether it is new.
 */
export async function ensureDemoAdmin(
  ws: Workspace,
  reset: boolean,
  account: DemoAccount = 'admin',
): Promise<{ password: string; fresh: boolean }> {
  const file = demoPasswordPath(ws, account);
  const db = openAppDb(ws.sqlitePath);
  try {
    const accounts = new Accounts(db);
    const saved = !reset && existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
    if (saved && accounts.list().some((a) => a.username === account)) {
      accounts.renew(account);
      if (await accounts.check(account, saved)) return { password: saved, fresh: false };
    }
    const password = randomPassword();
    await accounts.upsert(account, password, account);
    const audit = openAudit(ws, db);
    audit.record(null, `account.demo-${account}`, { via: 'demo', username: account, reset });
    audit.checkpoint();
    writeFileSync(file, `${password}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    return { password, fresh: true };
  } finally {
    db.close();
  }
}

/** Fails with one line when the port is taken, before a (re)build could touch a workspace another server is serving. */
async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE' ? new UserError(`port ${port} is in use: pass --port with another one`) : e,
      ),
    );
    probe.listen({ host, port }, () => probe.close(() => resolve()));
  });
}

/** `epitrace demo`. */
export function registerDemo(program: Command): void {
  const cmd = program
    .command('demo')
    .description(
      'build the synthetic demo workspace if it is missing (simulate, ingest, run) and serve the dashboard; the admin and tracer passwords are kept across restarts',
    );
  scenarioOptions(serveOptions(cmd))
    .option('--rebuild', 'rebuild the demo workspace even if it exists', false)
    .option('--reset-password', 'give the demo admin and tracer new passwords', false)
    .action(async (o: ScenarioFlags & ServeFlags & { rebuild: boolean; resetPassword: boolean }) => {
      const ws = new Workspace(o.workspace);
      await assertPortFree(o.host, o.port);
      if (o.rebuild || demoNeedsBuild(ws)) await buildDemo(ws, scenarioParams(o), makeProgress());
      // Listen first: on a busy port this fails with one line before any account changes.
      const url = await serveUntilSignal(ws, o);
      for (const account of ['admin', 'tracer'] as const) {
        const { password, fresh } = await ensureDemoAdmin(ws, o.resetPassword, account);
        process.stdout.write(
          `demo ${account} login: ${account} / ${password} (${fresh ? 'new' : 'kept'}; saved in ${demoPasswordPath(ws, account)}; --reset-password for new ones)\n`,
        );
      }
      process.stdout.write(`EpiTrace is serving ${url}\n`);
    });
}
