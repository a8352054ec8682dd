import type { Command } from 'commander';
import type { Duck } from '../../db/duck.ts';
import { buildRiskPeople } from '../../risk/people.ts';
import { Workspace } from '../../workspace.ts';
import { DEFAULT_WORKSPACE } from '../options.ts';

const out = (s: string): void => void process.stdout.write(`${s}\n`);

async function withDuck<T>(workspace: string, f: (db: Duck, ws: Workspace) => Promise<T>): Promise<T> {
  const ws = new Workspace(workspace).require();
  const db = await ws.openDuck();
  try {
    return await f(db, ws);
  } finally {
    db.close();
  }
}

/** `epitrace risk build|...`: returns the `risk` command so other modules can add subcommands to it. */
export function registerRisk(program: Command): Command {
  const ws = (c: Command): Command =>
    c.option('-w, --workspace <dir>', 'workspace folder', DEFAULT_WORKSPACE);
  const risk = program
    .command('risk')
    .description('high-risk people, heatmap, area risk levels, risk index and alerts');
  ws(
    risk.command('build').description('(re)build the risk tables from the case registry and the stays'),
  ).action(async (o: { workspace: string }) => {
    const s = await withDuck(o.workspace, (db) => buildRiskPeople(db));
    out(
      `high-risk people: ${s.companion} companion(s) of confirmed cases, ${s.suspected} suspected, ` +
        `${s.confirmed} confirmed (${s.batches} confirmation day(s) searched)`,
    );
  });
  return risk;
}
