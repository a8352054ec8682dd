/**
 * Applies each deliberate bug of test/mutants/*.patch, one at a time, to a
 * copy of the working tree and runs the tests that claim to guard against it
 * (`npm run check:mutants [name...] [--baseline]`). A mutant is KILLED when
 * those tests fail with the bug in, SURVIVED when they still pass. With
 * --baseline the same tests first run on the unchanged copy, which must pass.
 * Exits non-zero when a mutant survived, a patch no longer applies, or the
 * baseline fails.
 *
 * Patch format: metadata lines (`Mutant:`, `Guarded-by:` test files separated
 * by spaces, `Description:`), then a unified diff against the repository root
 * as `git diff` writes it (git apply skips the text before `diff --git`).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MUTANTS = join(ROOT, 'test', 'mutants');

/** One deliberate bug and the tests that must catch it. */
export interface Mutant {
  name: string;
  guardedBy: string[];
  description: string;
  file: string;
}

/** Reads the metadata lines of every patch in test/mutants. */
export function readMutants(dir = MUTANTS): Mutant[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.patch'))
    .sort()
    .map((f) => {
      const text = readFileSync(join(dir, f), 'utf8');
      const head = text.slice(0, Math.max(0, text.indexOf('diff --git')));
      const field = (k: string): string => new RegExp(`^${k}:\\s*(.*)$`, 'm').exec(head)?.[1]?.trim() ?? '';
      const guardedBy = field('Guarded-by')
        .split(/[\s,]+/)
        .filter(Boolean);
      if (guardedBy.length === 0) throw new Error(`${f}: no Guarded-by line`);
      return {
        name: field('Mutant') || f.replace(/\.patch$/, ''),
        guardedBy,
        description: field('Description'),
        file: f,
      };
    });
}

function run(cmd: string, args: string[], cwd: string): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC', CI: 'true', NO_COLOR: '1' },
  });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** A copy of the working tree (tracked and untracked, not ignored files) with node_modules linked in. */
function copyTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'epitrace-mutant-'));
  const files = run('git', ['ls-files', '-co', '--exclude-standard', '-z'], ROOT)
    .out.split('\0')
    .filter(Boolean);
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    try {
      cpSync(join(ROOT, f), join(dir, f));
    } catch {
      // A file deleted in the working tree but still tracked: nothing to copy.
    }
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

function vitest(dir: string, files: string[]): { ok: boolean; out: string } {
  return run(join(dir, 'node_modules', '.bin', 'vitest'), ['run', '--bail', '1', ...files], dir);
}

function main(argv: string[]): number {
  const baseline = argv.includes('--baseline');
  const names = argv.filter((a) => !a.startsWith('--'));
  const all = readMutants();
  const unknown = names.filter((n) => !all.some((m) => m.name === n));
  if (unknown.length > 0) {
    console.error(`unknown mutant(s): ${unknown.join(', ')}; known: ${all.map((m) => m.name).join(', ')}`);
    return 2;
  }
  const mutants = names.length > 0 ? all.filter((m) => names.includes(m.name)) : all;
  let bad = 0;
  if (baseline) {
    const files = [...new Set(mutants.flatMap((m) => m.guardedBy))];
    const dir = copyTree();
    const r = vitest(dir, files);
    rmSync(dir, { recursive: true, force: true });
    console.log(`baseline (no mutant) ${r.ok ? 'PASSES' : 'FAILS'}: ${files.join(' ')}`);
    if (!r.ok) {
      console.log(r.out.slice(-4000));
      return 1;
    }
  }
  const rows: string[][] = [];
  for (const m of mutants) {
    const t0 = performance.now();
    const dir = copyTree();
    let result: string;
    const applied = run('git', ['apply', join(MUTANTS, m.file)], dir);
    if (!applied.ok) {
      result = 'PATCH-DOES-NOT-APPLY';
      console.log(applied.out);
    } else {
      const r = vitest(dir, m.guardedBy);
      // A failure of the guarding tests is what we want; "no test files found" is not a kill.
      result = r.ok ? 'SURVIVED' : /No test files? found/i.test(r.out) ? 'NO-TESTS' : 'KILLED';
      const failed = [...r.out.matchAll(/^\s*(?:×|FAIL)\s+(.*)$/gm)].map((x) => x[1]!.trim()).slice(0, 6);
      if (result === 'KILLED') console.log(`${m.name}: failing: ${failed.join(' | ')}`);
    }
    rmSync(dir, { recursive: true, force: true });
    if (result !== 'KILLED') bad++;
    const seconds = ((performance.now() - t0) / 1000).toFixed(0);
    rows.push([m.name, result, `${seconds} s`, m.guardedBy.join(' ')]);
    console.log(`${m.name}: ${result} (${seconds} s)`);
  }
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length), 8));
  console.log();
  console.log(['mutant', 'result', 'time', 'guarded by'].map((h, i) => h.padEnd(widths[i]!)).join('  '));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  return bad > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
