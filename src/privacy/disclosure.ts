import { randomBytes } from 'node:crypto';
import type { Duck } from '../db/duck.ts';
import { UserError } from '../errors.ts';
import { uidHex } from '../db/uid.ts';

/**
 * Disclosure control: every count that leaves the platform goes through here.
 *
 * Method (README "Disclosure control"; methods.md "Disclosure control against
 * differencing"): the cell-key method of the Australian Bureau of Statistics
 * (Fraser and Wooton 2005; Thompson, Broadfoot and Elazar 2013) on fixed
 * published cells, plus suppression below k. Each pseudonymous user has a
 * fixed secret record key in [0, N); a cell's key is the sum of its users'
 * keys mod N; the cell's noise is read from the perturbation table below by
 * (count, cell key). The same cell always gets the same noise. Every other
 * figure (range totals, provinces, rankings) is a sum of published cells, so
 * a suppressed cell is in no figure at all.
 */
export interface Protected {
  count: number | null;
  suppressed: boolean;
}

/** A figure built from published cells: how many cells below k it leaves out. */
export interface Published extends Protected {
  suppressedCells: number;
}

/** Default minimum count k (design.md; the common small-cell threshold of statistical offices is 10-20). */
export const DEFAULT_K = 15;

/**
 * Record and cell keys lie in [0, CELL_KEY_MODULUS). ABS TableBuilder uses a
 * large key range so that the cell key of a cell with one or more units is
 * uniform (Thompson, Broadfoot and Elazar 2013); 1000 makes every probability
 * of the table below an exact multiple of 1/N, so the mean is exactly 0.
 */
export const CELL_KEY_MODULUS = 1000;

/** Largest |noise| the table adds to a published cell. */
export const NOISE_BOUND = 2;

/**
 * The perturbation table: for a cell of true count n >= k, the noise as a list
 * of (noise, number of cell keys that get it), cell keys taken in order from 0.
 * Rows at k and k+1 have restricted support so no published value is in 1..k-1.
 *   n >= k+2: -2, -1, 0, +1, +2 with probabilities 0.1, 0.2, 0.4, 0.2, 0.1 (variance 1.2)
 *   n  = k+1: -1, 0, +1 with probabilities 0.3, 0.4, 0.3 (variance 0.6)
 *   n  = k  : 0 (variance 0: mean 0 and "never below k" leave nothing else)
 */
export function perturbationRow(n: number, k: number): [noise: number, keys: number][] {
  if (n >= k + 2)
    return [
      [-2, 100],
      [-1, 200],
      [0, 400],
      [1, 200],
      [2, 100],
    ];
  if (n === k + 1)
    return [
      [-1, 300],
      [0, 400],
      [1, 300],
    ];
  return [[0, CELL_KEY_MODULUS]];
}

/** Stated variance of the noise of a cell of count n >= k (from the table). */
export function noiseVariance(n: number, k: number): number {
  return perturbationRow(n, k).reduce((s, [d, keys]) => s + (d * d * keys) / CELL_KEY_MODULUS, 0);
}

/** The noise of a published cell of count n >= k and key `cellKey`: the same cell always gets the same. */
export function noise(n: number, k: number, cellKey: number): number {
  if (!Number.isInteger(cellKey) || cellKey < 0 || cellKey >= CELL_KEY_MODULUS)
    throw new Error(`cell key ${cellKey} outside [0, ${CELL_KEY_MODULUS})`);
  let upTo = 0;
  for (const [d, keys] of perturbationRow(n, k)) {
    upTo += keys;
    if (cellKey < upTo) return d;
  }
  throw new Error(`perturbation row of ${n} does not cover ${CELL_KEY_MODULUS} keys`);
}

/** One fixed cell as it may be published: suppressed below k, otherwise perturbed by its cell key. */
export function protect(n: number, k: number, cellKey: number): Protected {
  return n >= k ? { count: n + noise(n, k, cellKey), suppressed: false } : { count: null, suppressed: true };
}

/**
 * Sum of published cells: a figure built only from cells that are not
 * suppressed. Suppressed when every one of its cells is (and there is at
 * least one); a figure with no cells at all is a true 0.
 */
export function sumPublished(cells: Protected[]): Published {
  let count = 0;
  let published = 0;
  let suppressedCells = 0;
  for (const c of cells) {
    if (c.suppressed) suppressedCells++;
    else {
      published++;
      count += c.count!;
    }
  }
  return published === 0 && suppressedCells > 0
    ? { count: null, suppressed: true, suppressedCells }
    : { count, suppressed: false, suppressedCells };
}

/** The method as stated in every answer, so a reader knows the figures are perturbed. */
export function methodNote(k: number): {
  name: 'cell-key';
  k: number;
  noiseBound: number;
  cellKeyModulus: number;
  cells: string;
} {
  return {
    name: 'cell-key',
    k,
    noiseBound: NOISE_BOUND,
    cellKeyModulus: CELL_KEY_MODULUS,
    cells: 'city-level (origin, destination, arrival day); returnees (home, source, day of return)',
  };
}

/** Table holding the workspace's record-key secret; created once, kept across `--rebuild`. */
export const CELL_KEY_SECRET_TABLE = `CREATE TABLE IF NOT EXISTS cell_key_secret (secret VARCHAR NOT NULL)`;

/**
 * Creates the workspace's record-key secret at first run (random, 256 bits).
 * Nobody using the API sees it, so nobody can compute a record key.
 */
export async function ensureCellKeySecret(
  db: Duck,
  random: () => string = () => randomBytes(32).toString('hex'),
): Promise<void> {
  await db.run(CELL_KEY_SECRET_TABLE);
  const has = await db.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM cell_key_secret`);
  if (!has?.n) await db.run(`INSERT INTO cell_key_secret VALUES ($1)`, [random()]);
}

/**
 * SQL for the record key of the user in column `userColumn` (a fixed name from
 * code, never from a request): the first 48 bits of sha256(secret || user_id)
 * mod N, a fixed pseudo-random integer in [0, N) per user. The user is hashed as its 32 hex
 * characters whichever type the column holds (UUID or text), so keys match those of format 1.
 */
export function recordKeySql(userColumn: string): string {
  return `(('0x' || substr(sha256((SELECT secret FROM cell_key_secret) || ${uidHex(userColumn)}), 1, 12))::UBIGINT % ${CELL_KEY_MODULUS})`;
}

/** Refuses a workspace whose od_daily was built before cell keys existed (a workspace not yet run passes). */
export async function requireCellKeys(db: Duck): Promise<void> {
  const r = await db.one<{ cols: number; ckey: number }>(
    `SELECT count(*)::INTEGER AS cols, count(*) FILTER (WHERE column_name = 'ckey')::INTEGER AS ckey
     FROM information_schema.columns WHERE table_name = 'od_daily'`,
  );
  if (r && r.cols > 0 && r.ckey === 0)
    throw new UserError(
      'this workspace was built before disclosure control by cell keys: run `epitrace run --rebuild` ' +
        '(or `epitrace demo --rebuild`) to rebuild its flows',
    );
}
