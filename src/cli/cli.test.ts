import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/fixture.ts';

const BIN = fileURLToPath(new URL('../../bin/epitrace.mjs', import.meta.url));

function epitrace(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, EPITRACE_HMAC_KEY: '', ...env },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every long option that `--help` of a command lists. */
function options(help: string): string[] {
  return [...help.matchAll(/--[a-z][a-z-]*/g)].map((m) => m[0]);
}

describe('epitrace CLI', () => {
  it('describes every command and every option in --help', () => {
    const top = epitrace(['--help']);
    expect(top.code).toBe(0);
    for (const cmd of ['demo', 'serve', 'synth', 'ingest', 'run', 'user', 'audit']) {
      expect(top.out).toMatch(new RegExp(`\\n {2}${cmd}( \\[options\\])?( <files\\.\\.\\.>)? {2,}[a-z]`));
      const h = epitrace([cmd, '--help']);
      expect(h.code).toBe(0);
      // Each option line carries a description after the flags.
      for (const line of h.out.split('\n').filter((l) => /^\s+-/.test(l))) {
        expect(line.trim()).toMatch(/^(-\w, )?--[a-z-]+( <[a-z]+>)?\s{2,}\S+/);
      }
      expect(options(h.out)).toContain('--help');
    }
    expect(options(epitrace(['ingest', '--help']).out)).toEqual(
      expect.arrayContaining(['--workspace', '--cells', '--key-file', '--from', '--to', '--json']),
    );
  });

  it('rejects a wrong option with one clear line and a non-zero exit', () => {
    const r = epitrace(['run', '--bogus']);
    expect(r.code).not.toBe(0);
    expect(r.err.split('\n')[0]).toMatch(/unknown option '--bogus'/);
  });

  it('rejects a missing workspace with one line naming it', () => {
    const ws = join(tempDir('cli'), 'nowhere');
    for (const args of [['run'], ['serve', '--port', '0']]) {
      const r = epitrace([...args, '--workspace', ws]);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain(`workspace ${ws} not found`);
    }
  });

  it('rejects an unreadable input file with one line naming it', () => {
    const dir = tempDir('cli');
    const missing = join(dir, 'no-such-file.parquet');
    const r = epitrace(['ingest', missing, '--workspace', join(dir, 'ws')], {
      EPITRACE_HMAC_KEY: 'x'.repeat(40),
    });
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toEqual([`epitrace: cannot read input file ${missing}: ENOENT`]);
  });

  it('refuses to ingest without a pseudonymisation key', () => {
    const dir = tempDir('cli');
    const r = epitrace(['ingest', join(dir, 'x.parquet'), '--workspace', join(dir, 'ws')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no pseudonymisation key/);
  });

  it('rejects a bad option value naming the option', () => {
    const r = epitrace(['synth', '--out', tempDir('cli'), '--people', 'many']);
    expect(r.code).not.toBe(0);
    expect(r.err.split('\n')[0]).toMatch(/--people must be a whole number/);
  });

  // A date that does not exist used to crash the CLI with a RangeError stack (Date#toISOString).
  it('rejects impossible dates and closures with one line naming the option', () => {
    const out = tempDir('cli');
    for (const [flag, value] of [
      ['--start', '2020-01-32'],
      ['--start', '2020-02-30'],
      ['--lockdown', '420100@2020-01-32T10:00'],
      ['--lockdown', '420100@2020-01-23T25:00'],
      ['--lockdown', 'Wuhan@2020-01-23T10:00'],
      ['--lockdown-leak', '1.5'],
      ['--outflow-profile', 'flat'],
    ] as const) {
      const r = epitrace(['synth', '--out', out, flag, value]);
      expect(r.code, `${flag} ${value}`).toBe(1);
      expect(r.err.split('\n')[0]).toContain(flag);
      expect(r.err).not.toMatch(/at \w+ \(/);
    }
    const r = epitrace(['synth', '--out', out, '--lockdown', '999999@2020-01-23T10:00', '--people', '100']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n').pop()).toBe(
      'epitrace: lockdown: 999999 is not a city code of the simulated country',
    );
  });
});
