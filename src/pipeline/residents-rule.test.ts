import { describe, it } from 'vitest';
import { checkNightResident } from '../testing/sql-mutants.ts';

describe('resident rule on hand-built stays', () => {
  // Guards test/mutants/residents-daytime.patch and the RESIDENTS_SQL mutants of src/testing/sql-mutants.ts.
  it('picks the county of most night-time (22:00-06:00) hours: a commuter, a night shift, an open night, a month end', async () => {
    await checkNightResident();
  });
});
