import { describe, expect, it } from 'vitest';
import { SQL_MUTANTS, runGuard } from '../testing/sql-mutants.ts';

// Each deliberate bug in the pipeline's SQL strings must make its guarding scenario fail
// (the scenarios pass on the real SQL in dwells.test.ts and residents-rule.test.ts).
describe('SQL mutants are caught', () => {
  it.each(SQL_MUTANTS.map((m) => [m.name, m] as const))('%s', async (_, m) => {
    // An assertion of the scenario fails, not the SQL itself (a mutant that does not run proves nothing).
    await expect(runGuard(m)).rejects.toMatchObject({ name: 'AssertionError' });
  });
});
