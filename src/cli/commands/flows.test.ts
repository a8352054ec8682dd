import { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../errors.ts';
import { openAppDb } from '../../db/sqlite.ts';
import { Accounts } from '../../server/accounts.ts';
import { pipelineFixture } from '../../testing/fixture.ts';
import { Client } from '../../testing/http.ts';
import type { Workspace } from '../../workspace.ts';
import { startServer } from '../serve.ts';
import { registerFlows } from './flows.ts';

let ws: Workspace;
let close: () => Promise<void>;
let c: Client;
const WEEK = ['--from', '2020-01-16', '--to', '2020-01-22'];

/** Runs `epitrace flows ARGS` on a fresh command tree; returns the printed lines. */
async function run(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
  registerFlows(program, (l) => lines.push(...l.split('\n')));
  for (const sub of program.commands) sub.exitOverride();
  await program.parseAsync(['flows', ...args, '-w', ws.root], { from: 'user' });
  return lines;
}

beforeAll(async () => {
  ws = (
    await pipelineFixture('flows-cli', {
      seed: 6,
      people: 8000,
      outflowProfile: 'linear',
      outflowFirstDay: 0.2,
      outflowLastDay: 0.4,
      travelDaily: 0.05,
    })
  ).ws;
  const app = openAppDb(ws.sqlitePath);
  await new Accounts(app).upsert('cli', 'flows cli password 16', 'analyst');
  app.close();
  const s = await startServer(ws, { host: '127.0.0.1', port: 0 });
  close = s.close;
  c = new Client(s.url);
  await c.login('cli', 'flows cli password 16');
}, 120_000);

afterAll(async () => close?.());

describe('epitrace flows', () => {
  it('prints the same published numbers as the API (JSON equal, outflow, inflow, scale)', async () => {
    for (const [args, path] of [
      [['outflow', '--origin', '420100'], '/api/flows/outflow?origin=420100'],
      [['inflow', '--dest', '420000'], '/api/flows/inflow?dest=420000'],
      [['scale', '--region', '420100'], '/api/flows/scale?region=420100'],
      [
        ['returnees', '--city', '420100', '--source', '420900'],
        '/api/flows/returnees?city=420100&source=420900',
      ],
    ] as const) {
      const cli = JSON.parse((await run([...args, ...WEEK, '--format', 'json'])).join('\n')) as unknown;
      const http = await c.send('GET', `${path}&from=2020-01-16&to=2020-01-22`);
      expect(http.status).toBe(200);
      expect(cli, path).toEqual(http.body);
    }
  });

  it('says synthetic on the first line of a table and in the first column of CSV', async () => {
    const table = await run(['outflow', '--origin', '420100', ...WEEK]);
    expect(table[0]).toMatch(/^SYNTHETIC DATA/);
    expect(table[1]).toMatch(
      /^outflow from 420100 武汉市 Wuhan \(city\) 2020-01-16..2020-01-22, by city: total \d+ people \(sample/,
    );
    const csv = parse(
      (await run(['outflow', '--origin', '420000', '--by', 'province', ...WEEK, '--format', 'csv'])).join(
        '\n',
      ),
      {
        columns: true,
      },
    ) as Record<string, string>[];
    const http = (await c.send('GET', '/api/flows/outflow?origin=420000&from=2020-01-16&to=2020-01-22'))
      .body as {
      byProvince: { code: string; count: number | null; suppressed: boolean }[];
    };
    expect(Object.keys(csv[0]!)[0]).toBe('synthetic');
    expect(csv.map((r) => [r['synthetic'], r['key'], r['count'], r['suppressed']])).toEqual(
      http.byProvince.map((p) => [
        'true',
        p.code,
        p.count === null ? '' : String(p.count),
        String(p.suppressed),
      ]),
    );
  });

  it('refuses bad input with one line naming the option (UserError, exit 2)', async () => {
    const refused = async (args: string[]) => {
      const e = await run(args).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e, args.join(' ')).toBeInstanceOf(UserError);
      expect((e as UserError).exitCode).toBe(2);
      expect((e as UserError).message).not.toContain('\n');
      return (e as UserError).message;
    };
    expect(await refused(['outflow', '--origin', '420102', ...WEEK])).toMatch(
      /^--origin: 420102 is a county: county level is not published/,
    );
    expect(
      await refused(['outflow', '--origin', '420100', '--from', '2020-02-30', '--to', '2020-01-22']),
    ).toMatch(/^--from: /);
    expect(
      await refused(['inflow', '--dest', '420100', '--from', '2020-01-20', '--to', '2020-01-17']),
    ).toMatch(/^--from: 2020-01-20 is after --to/);
    expect(await refused(['scale', '--region', '420100', ...WEEK, '--base-from', '2020-01-01'])).toMatch(
      /^--base-from: 2020-01-01 is before the first data day/,
    );
    expect(await refused(['returnees', '--city', '420000', '--source', '420100', ...WEEK])).toMatch(
      /^--city: 420000 is not a city code/,
    );
  });
});
