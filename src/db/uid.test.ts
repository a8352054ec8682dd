import { describe, expect, it } from 'vitest';
import { pseudonym } from '../ingest/pseudonymise.ts';
import { Duck } from './duck.ts';
import { uid, uidHex } from './uid.ts';

describe('uid', () => {
  it('round-trips a pseudonym through UUID, and orders UUIDs as their hex text', async () => {
    const db = await Duck.open({ path: ':memory:' });
    try {
      const key = Buffer.alloc(32, 7);
      const hex = Array.from({ length: 2000 }, (_, i) => pseudonym(key, `synthetic-${i}`));
      await db.run(`CREATE TABLE t (h VARCHAR)`);
      for (const h of hex) await db.run(`INSERT INTO t VALUES ($1)`, [h]);
      const r = await db.one<{ same: boolean; ordered: boolean; agnostic: boolean }>(
        `SELECT bool_and(${uidHex(uid('h'))} = h) AS same,
                list(h ORDER BY ${uid('h')}) = list(h ORDER BY h) AS ordered,
                bool_and(${uidHex('h')} = h AND ${uid(uid('h'))} = ${uid('h')}) AS agnostic FROM t`,
      );
      expect(r).toEqual({ same: true, ordered: true, agnostic: true });
    } finally {
      db.close();
    }
  });
});
