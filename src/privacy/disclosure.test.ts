import { describe, expect, it } from 'vitest';
import { Duck } from '../db/duck.ts';
import {
  CELL_KEY_MODULUS,
  NOISE_BOUND,
  ensureCellKeySecret,
  noise,
  noiseVariance,
  perturbationRow,
  protect,
  recordKeySql,
  requireCellKeys,
  sumPublished,
} from './disclosure.ts';
import { UserError } from '../errors.ts';

const K = 15;
const keys = Array.from({ length: CELL_KEY_MODULUS }, (_, i) => i);

describe('perturbation table (cell-key method)', () => {
  it.each([K, K + 1, K + 2, K + 3, 100, 5000])(
    'row of n = %i covers every key, has mean 0 and the stated variance',
    (n) => {
      expect(perturbationRow(n, K).reduce((s, [, c]) => s + c, 0)).toBe(CELL_KEY_MODULUS);
      const d = keys.map((c) => noise(n, K, c));
      expect(d.reduce((s, x) => s + x, 0)).toBe(0);
      const variance = d.reduce((s, x) => s + x * x, 0) / CELL_KEY_MODULUS;
      expect(variance).toBeCloseTo(noiseVariance(n, K), 12);
      expect(variance).toBeCloseTo(n === K ? 0 : n === K + 1 ? 0.6 : 1.2, 12);
      expect(Math.max(...d.map(Math.abs))).toBeLessThanOrEqual(NOISE_BOUND);
    },
  );

  it('never publishes a value in 1..k-1, for every count and key, at several k', () => {
    for (const k of [1, 2, 3, 10, 15, 20])
      for (let n = 0; n < k + 10; n++)
        for (const c of keys) {
          const p = protect(n, k, c);
          if (p.suppressed) expect(p.count).toBeNull();
          else expect(p.count!).toBeGreaterThanOrEqual(k);
        }
  });

  it('is deterministic: the same cell always gets the same noise', () => {
    for (const c of [0, 99, 100, 299, 300, 699, 700, 899, 900, 999])
      expect(protect(40, K, c)).toEqual(protect(40, K, c));
    expect(keys.map((c) => noise(40, K, c)).slice(98, 102)).toEqual([-2, -2, -1, -1]);
    expect(() => noise(40, K, CELL_KEY_MODULUS)).toThrow();
  });

  // Guards the mutant `n >= k - 1` (test/mutants/protect-k-minus-1.patch).
  it('suppresses at k-1 and publishes at k and k+1 (boundary)', () => {
    for (const c of keys) {
      expect(protect(K - 1, K, c)).toEqual({ count: null, suppressed: true });
      expect(protect(K, K, c)).toEqual({ count: K, suppressed: false });
      expect(protect(K + 1, K, c).suppressed).toBe(false);
      expect(protect(0, K, c).suppressed).toBe(true);
    }
  });

  it('sums only published cells and counts the suppressed ones', () => {
    const s = sumPublished([protect(3, K, 5), protect(K, K, 5), protect(20, K, 950), protect(1, K, 0)]);
    expect(s).toEqual({ count: K + 22, suppressed: false, suppressedCells: 2 });
    expect(sumPublished([protect(3, K, 5)])).toEqual({ count: null, suppressed: true, suppressedCells: 1 });
    expect(sumPublished([])).toEqual({ count: 0, suppressed: false, suppressedCells: 0 });
  });
});

describe('record keys', () => {
  it('are fixed per user, spread over [0, N), and depend on the workspace secret', async () => {
    const db = await Duck.open({ path: ':memory:' });
    await ensureCellKeySecret(db, () => 'secret-a');
    await ensureCellKeySecret(db, () => 'secret-b'); // kept: created once
    const sql = `SELECT ${recordKeySql('u')}::INTEGER AS r FROM (SELECT 'user-' || i AS u FROM range(5000) t(i)) ORDER BY u`;
    const a = (await db.all<{ r: number }>(sql)).map((x) => x.r);
    expect((await db.all<{ r: number }>(sql)).map((x) => x.r)).toEqual(a);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a)).toBeLessThan(CELL_KEY_MODULUS);
    // Roughly uniform: each tenth of [0, N) holds 10% +/- 2 points of 5000 keys (binomial sd 0.42 points).
    for (let b = 0; b < 10; b++) {
      const share = a.filter((r) => Math.floor((r * 10) / CELL_KEY_MODULUS) === b).length / a.length;
      expect(Math.abs(share - 0.1)).toBeLessThan(0.02);
    }
    await db.run(`UPDATE cell_key_secret SET secret = 'secret-b'`);
    const b = (await db.all<{ r: number }>(sql)).map((x) => x.r);
    expect(b.filter((r, i) => r === a[i]).length).toBeLessThan(50);
    db.close();
  });
});

describe('workspaces built before cell keys', () => {
  it('are refused with the command that rebuilds them; new and not-yet-run ones pass', async () => {
    const db = await Duck.open({ path: ':memory:' });
    await expect(requireCellKeys(db)).resolves.toBeUndefined();
    await db.run(
      `CREATE TABLE od_daily (level VARCHAR, date DATE, origin VARCHAR, dest VARCHAR, users INTEGER)`,
    );
    await expect(requireCellKeys(db)).rejects.toThrow(/epitrace run --rebuild/);
    await expect(requireCellKeys(db)).rejects.toBeInstanceOf(UserError);
    await db.run(`ALTER TABLE od_daily ADD COLUMN ckey INTEGER`);
    await expect(requireCellKeys(db)).resolves.toBeUndefined();
    db.close();
  });
});
