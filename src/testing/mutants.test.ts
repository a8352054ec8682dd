import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readMutants } from '../../scripts/check-mutants.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MUTANTS = fileURLToPath(new URL('../../test/mutants/', import.meta.url));

// Cheap checks that keep test/mutants usable (npm run check:mutants runs the expensive part): a patch
// that no longer applies, or names a test that is gone, would guard nothing.
describe('deliberate bugs in test/mutants', () => {
  const mutants = readMutants(MUTANTS);

  it('has at least the seven of issue 18', () => {
    expect(mutants.map((m) => m.name)).toEqual(
      expect.arrayContaining([
        'dwell-carry-off',
        'residents-daytime',
        'hmac-prehash-removed',
        'sim-pop-0.8',
        'outflow-plus-15',
        'gap-mean-plus-5',
        'gap-mean-plus-10',
      ]),
    );
  });

  it.each(mutants.map((m) => [m.name, m] as const))(
    '%s applies to this tree and names existing tests',
    (_, m) => {
      for (const f of m.guardedBy) expect(existsSync(`${ROOT}${f}`), f).toBe(true);
      expect(m.description.length).toBeGreaterThan(10);
      const r = spawnSync('git', ['apply', '--check', `${MUTANTS}${m.file}`], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    },
  );
});
