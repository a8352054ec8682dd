import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openAppDb } from '../db/sqlite.ts';
import { Accounts } from '../server/accounts.ts';
import { tempDir } from '../testing/fixture.ts';
import { Workspace } from '../workspace.ts';
import { demoPasswordPath, ensureDemoAdmin } from './commands/demo.ts';

const BIN = fileURLToPath(new URL('../../bin/epitrace.mjs', import.meta.url));

function epitrace(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function workspace(): Workspace {
  const ws = new Workspace(join(tempDir('user'), 'ws'));
  ws.create({ synthetic: true, description: 'SYNTHETIC user test' });
  return ws;
}

describe('epitrace user', () => {
  it('adds, lists, renews, disables and re-passwords accounts', async () => {
    const ws = workspace();
    const w = ['--workspace', ws.root];
    const add = epitrace([
      'user',
      'add',
      'li.analyst',
      '--role',
      'analyst',
      '--regions',
      '420100,110000',
      '--days',
      '5',
      ...w,
    ]);
    expect(add.code).toBe(0);
    expect(add.out).toMatch(
      /^created li\.analyst \(analyst, regions 420100,110000, expires \S+\)\npassword: \S{22}\n$/,
    );
    const pw = add.out.match(/password: (\S+)/)![1]!;
    const stdin = epitrace(
      ['user', 'add', 'tracer1', '--role', 'tracer', '--password-stdin', ...w],
      'a long enough password\n',
    );
    expect(stdin.code).toBe(0);
    expect(stdin.out).not.toMatch(/password:/);

    const db = openAppDb(ws.sqlitePath);
    const acc = new Accounts(db);
    expect(await acc.check('li.analyst', pw)).toMatchObject({ role: 'analyst', regions: '420100,110000' });
    expect(await acc.check('tracer1', 'a long enough password')).toMatchObject({ role: 'tracer' });

    expect(epitrace(['user', 'disable', 'li.analyst', ...w]).out).toBe('disabled li.analyst\n');
    expect(await acc.check('li.analyst', pw)).toBeNull();
    expect(epitrace(['user', 'renew', 'li.analyst', '--days', '2', ...w]).out).toMatch(
      /^renewed li\.analyst: expires/,
    );
    expect(await acc.check('li.analyst', pw)).not.toBeNull();
    const pass = epitrace(['user', 'passwd', 'li.analyst', ...w]);
    const pw2 = pass.out.match(/password: (\S+)/)![1]!;
    expect(await acc.check('li.analyst', pw)).toBeNull();
    expect(await acc.check('li.analyst', pw2)).not.toBeNull();
    db.close();

    expect(epitrace(['audit', 'verify', ...w]).out).toBe(
      'audit OK: 5 entries, chain and checkpoints agree\n',
    );
    const list = epitrace(['user', 'list', ...w])
      .out.trim()
      .split('\n');
    expect(list[0]).toBe('username\trole\tregions\texpires\tstate');
    expect(list.slice(1).map((l) => l.split('\t').filter((_, i) => i !== 3))).toEqual([
      ['li.analyst', 'analyst', '420100,110000', 'active'],
      ['tracer1', 'tracer', '*', 'active'],
    ]);
  });

  it.each([
    [['user', 'add', 'x', '--role', 'epidemiologist'], /argument 'epidemiologist' is invalid/],
    [
      ['user', 'add', 'x', '--role', 'analyst', '--regions', '4201'],
      /regions: '4201' is not a division code/,
    ],
    [['user', 'add', 'bad name', '--role', 'analyst'], /username: 'bad name' must be/],
    [['user', 'renew', 'nobody'], /no account 'nobody'/],
    [
      ['user', 'add', 'x', '--role', 'analyst', '--password-stdin'],
      /password: must have 12 to 256 characters/,
    ],
  ])('refuses %j with one line', (args, message) => {
    const ws = workspace();
    const r = epitrace([...args, '--workspace', ws.root], 'short\n');
    expect(r.code).not.toBe(0);
    expect(r.err.trim().split('\n')[0]).toMatch(message);
  });
});

describe('demo admin password', () => {
  it('keeps the password across starts unless reset; the file is private', async () => {
    const ws = workspace();
    const first = await ensureDemoAdmin(ws, false);
    expect(first.fresh).toBe(true);
    expect(statSync(demoPasswordPath(ws)).mode & 0o777).toBe(0o600);
    const again = await ensureDemoAdmin(ws, false);
    expect(again).toEqual({ password: first.password, fresh: false });
    const reset = await ensureDemoAdmin(ws, true);
    expect(reset.fresh).toBe(true);
    expect(reset.password).not.toBe(first.password);
    const db = openAppDb(ws.sqlitePath);
    expect(await new Accounts(db).check('admin', reset.password)).toMatchObject({ role: 'admin' });
    // The tracer (the tracing view is for tracers only) has its own saved password.
    const tracer = await ensureDemoAdmin(ws, false, 'tracer');
    expect(await new Accounts(db).check('tracer', tracer.password)).toMatchObject({ role: 'tracer' });
    expect(statSync(demoPasswordPath(ws, 'tracer')).mode & 0o777).toBe(0o600);
    expect(await ensureDemoAdmin(ws, false, 'tracer')).toEqual({ password: tracer.password, fresh: false });
    db.close();
  });

  it('fails with one line on a busy port and changes nothing', async () => {
    const ws = workspace();
    ws.writeInfo({
      ...ws.info(),
      scenario: { name: 'x', from: '2020-01-16', to: '2020-01-22', epicentre: '420100' },
    });
    const kept = await ensureDemoAdmin(ws, false);
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      for (const extra of [[], ['--reset-password'], ['--rebuild']]) {
        const r = epitrace(['demo', '--workspace', ws.root, '--port', String(port), ...extra]);
        expect(r.code).toBe(2);
        expect(r.err).toBe(`epitrace: port ${port} is in use: pass --port with another one\n`);
        expect(readFileSync(demoPasswordPath(ws), 'utf8').trim()).toBe(kept.password);
        expect(existsSync(ws.infoPath)).toBe(true);
      }
    } finally {
      busy.close();
    }
  });
});
