import { describe, it } from 'vitest';
import { checkCarriedDwell } from '../testing/sql-mutants.ts';

describe('dwell step', () => {
  // Guards test/mutants/dwell-carry-off.patch and the DWELLS_DAY_SQL mutants of src/testing/sql-mutants.ts.
  it('continues a dwell across midnight from the open dwell of the day before (20:00 to 08:00, not from 23:10)', async () => {
    await checkCarriedDwell();
  });
});
