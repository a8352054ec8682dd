import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../errors.ts';
import { fitSources } from '../../risk/sources.ts';
import { FIXTURE } from '../../risk/sources-fixture.ts';
import { tempDir } from '../../testing/fixture.ts';
import { addRiskSources } from './risk-sources.ts';

const dir = tempDir('risk-sources-cli');

/** Runs `epitrace risk sources ARGS` on a fresh command tree; returns the printed lines. */
async function run(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
  addRiskSources(program.command('risk').exitOverride(), (l) => lines.push(l)).exitOverride();
  await program.parseAsync(['risk', 'sources', ...args], { from: 'user' });
  return lines;
}

const table = (name: string, extra: string[] = []) => {
  const p = join(dir, name);
  const rows = FIXTURE.map((f) => `${f.code},${f.outflow},${f.cases}`);
  writeFileSync(p, ['destination,outflow,cases', ...rows, ...extra].join('\n'));
  return p;
};

describe('epitrace risk sources --table', () => {
  it('prints the fit and the flagged destinations, quarantines bad rows, writes the CSV', async () => {
    const csv = join(dir, 'out.csv');
    const lines = await run([
      '--table',
      table('t.csv', ['420100,9999999,50000', 'Gotham,10,10', '420300,30000,0']),
      '--origin',
      '420100',
      '--csv',
      csv,
    ]);
    const fit = fitSources(FIXTURE, 'loglog').fit;
    expect(lines[0]).toBe(
      'risk sources (Jia et al. 2020), log-log; table, 13 rows: 12 accepted, 1 quarantined',
    );
    expect(lines[1]).toContain(`n = 10, slope b = ${fit.slope.toPrecision(6)}`);
    expect(lines[1]).toContain(`r = ${fit.r.toFixed(4)}, R^2 = ${fit.r2.toFixed(4)}`);
    expect(lines[2]).toBe('above the upper 90% bound (likely local transmission): none');
    expect(lines).toContain('  excluded 420100 武汉市: the epicentre (--origin)');
    expect(lines).toContain('  excluded 420300 十堰市: no cases (log-log needs cases > 0)');
    expect(lines.some((l) => /^ {2}quarantined line 13 \(Gotham\): Unknown city name 'Gotham'/.test(l))).toBe(
      true,
    );
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('code,name,outflow,cases,predicted,lower,upper,flagged,model,synthetic');
    expect(rows).toHaveLength(11);
    expect(rows.slice(1).every((r) => r.endsWith(',false,loglog,false'))).toBe(true);
  });

  it('fits the linear form on request', async () => {
    const lines = await run(['--table', table('lin.csv'), '--model', 'linear']);
    const fit = fitSources(FIXTURE, 'linear').fit;
    expect(lines[1]).toMatch(/^cases = a \+ b outflow: n = 10, /);
    expect(lines[1]).toContain(`r = ${fit.r.toFixed(4)}`);
  });

  it('refuses window options with a table, an unknown model and a missing workspace, each in one line', async () => {
    await expect(run(['--table', table('w.csv'), '--from', '2020-01-10'])).rejects.toThrow(
      new UserError('--from, --to and --cases-to are for workspace data; a --table brings its own figures'),
    );
    await expect(run(['--table', table('m.csv'), '--model', 'cubic'])).rejects.toThrow(
      /Allowed choices are loglog, linear/,
    );
    await expect(run(['--workspace', join(dir, 'nowhere')])).rejects.toThrow(/workspace .* not found/);
  });
});
