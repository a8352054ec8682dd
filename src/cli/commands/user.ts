import type { Command } from 'commander';
import { Option } from 'commander';
import { openAppDb } from '../../db/sqlite.ts';
import { Accounts, DEFAULT_ACCOUNT_DAYS, ROLES, randomPassword } from '../../server/accounts.ts';
import type { Role } from '../../server/accounts.ts';
import { Workspace } from '../../workspace.ts';
import { openAudit } from '../serve.ts';
import { DEFAULT_WORKSPACE, int } from '../options.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').split('\n')[0]!.trim();
}

/** The password to set: read from stdin with --password-stdin, else generated (and printed once). */
async function newPassword(fromStdin: boolean): Promise<{ password: string; generated: boolean }> {
  if (fromStdin) return { password: await readStdin(), generated: false };
  return { password: randomPassword(), generated: true };
}

/** Runs one account change and audits it (user null: the command line has no login). */
async function withAccounts<T>(
  workspace: string,
  action: string,
  f: (a: Accounts) => Promise<T> | T,
  detail: Record<string, unknown> = {},
): Promise<T> {
  const ws = new Workspace(workspace).require();
  const db = openAppDb(ws.sqlitePath);
  try {
    const r = await f(new Accounts(db));
    if (action !== 'list') {
      const audit = openAudit(ws, db);
      audit.record(null, `account.${action}`, { via: 'cli', ...detail });
      audit.checkpoint();
    }
    return r;
  } finally {
    db.close();
  }
}

const out = (s: string): void => void process.stdout.write(`${s}\n`);

/** `epitrace user add|renew|disable|list|passwd`. */
export function registerUser(program: Command): void {
  const user = program.command('user').description('manage accounts of a workspace (roles, regions, expiry)');
  const ws = (c: Command): Command =>
    c.option('-w, --workspace <dir>', 'workspace folder', DEFAULT_WORKSPACE);
  const days = (c: Command): Command =>
    c.option('--days <n>', 'days until the account expires', int('--days', 1), DEFAULT_ACCOUNT_DAYS);

  days(ws(user.command('add <name>').description('create an account; prints its generated password once')))
    .addOption(
      new Option('--role <role>', 'admin, analyst, tracer or public').choices(ROLES).makeOptionMandatory(),
    )
    .option('--regions <codes>', "'*' or comma-separated 6-digit province/city/county codes", '*')
    .option('--password-stdin', 'read the password from stdin instead of generating one', false)
    .action(
      async (
        name: string,
        o: { workspace: string; role: Role; regions: string; days: number; passwordStdin: boolean },
      ) => {
        const { password, generated } = await newPassword(o.passwordStdin);
        const a = await withAccounts(
          o.workspace,
          'create',
          (acc) => acc.create(name, password, o.role, { days: o.days, regions: o.regions }),
          { username: name, role: o.role, regions: o.regions, days: o.days },
        );
        out(`created ${a.username} (${a.role}, regions ${a.regions}, expires ${a.expiresAt})`);
        if (generated) out(`password: ${password}`);
      },
    );

  days(ws(user.command('renew <name>').description('extend an account (and re-enable it)'))).action(
    async (name: string, o: { workspace: string; days: number }) => {
      const a = await withAccounts(o.workspace, 'renew', (acc) => acc.renew(name, o.days), {
        username: name,
        days: o.days,
      });
      out(`renewed ${a.username}: expires ${a.expiresAt}`);
    },
  );

  ws(user.command('disable <name>').description('disable an account and end its sessions')).action(
    async (name: string, o: { workspace: string }) => {
      const a = await withAccounts(o.workspace, 'disable', (acc) => acc.disable(name), { username: name });
      out(`disabled ${a.username}`);
    },
  );

  ws(
    user
      .command('passwd <name>')
      .description('set a new password: generated and printed, or read from stdin'),
  )
    .option('--password-stdin', 'read the password from stdin instead of generating one', false)
    .action(async (name: string, o: { workspace: string; passwordStdin: boolean }) => {
      const { password, generated } = await newPassword(o.passwordStdin);
      const a = await withAccounts(o.workspace, 'passwd', (acc) => acc.setPassword(name, password), {
        username: name,
      });
      out(`new password set for ${a.username}; its sessions are closed`);
      if (generated) out(`password: ${password}`);
    });

  ws(user.command('list').description('list accounts')).action(async (o: { workspace: string }) => {
    const rows = await withAccounts(o.workspace, 'list', (acc) => acc.list());
    out(['username', 'role', 'regions', 'expires', 'state'].join('\t'));
    for (const a of rows)
      out([a.username, a.role, a.regions, a.expiresAt, a.disabled ? 'disabled' : 'active'].join('\t'));
  });
}
