import type { Duck } from '../db/duck.ts';
import { placeholders } from '../db/duck.ts';
import { uid, uidHex, uidPlaceholders } from '../db/uid.ts';
import type { Window } from './types.ts';

/** Source tables of a search: the layout (sorted copies) or, as a baseline, pieces built on the fly. */
export interface SearchTables {
  /** Relation with a person's pieces, sorted by user. */
  byUser: string;
  /** Relation with every piece, sorted by cell. */
  byCell: string;
}

export const LAYOUT_TABLES: SearchTables = { byUser: 'trace_stays_user', byCell: 'trace_stays' };

/** One seed-companion pair's shared time. */
export interface SharedRow {
  seed: string;
  userId: string;
  seconds: number;
  first: string;
  last: string;
}

/** Shared time of a pair at one cell (the companion's cell). */
export interface SharedPlaceRow {
  seed: string;
  userId: string;
  cellId: number;
  seconds: number;
}

export interface SharedQuery {
  seeds: string[];
  window: Window;
  minSeconds: number;
  toleranceMeters: number;
  /** Use the extended spans (half way to the neighbouring stays) rather than the records' spans. */
  extend: boolean;
  /** People never reported as companions (e.g. the case and first-degree companions when seeding degree 2); a seed is never its own. */
  exclude?: string[];
}

/** Mean Earth radius R1 of the IUGG (Moritz, Geodetic Reference System 1980): great-circle distances between cells. */
const EARTH_RADIUS_M = 6_371_008.8;

/** At most this many cell-id ranges in a search's filter (runs of consecutive ids; more are merged). */
const MAX_RANGES = 256;

/**
 * Sorted cell ids as at most `max` inclusive ranges: consecutive ids first, then the smallest gaps closed
 * until few enough remain (a closed gap may read a few unwanted cells' rows; the join drops them).
 */
export function cellRanges(cells: number[], max: number): [number, number][] {
  const r: [number, number][] = [];
  for (const c of cells) {
    const last = r[r.length - 1];
    if (last && c === last[1] + 1) last[1] = c;
    else r.push([c, c]);
  }
  while (r.length > max) {
    let best = 1;
    for (let i = 2; i < r.length; i++) if (r[i]![0] - r[i - 1]![1] < r[best]![0] - r[best - 1]![1]) best = i;
    r[best - 1]![1] = r[best]![1];
    r.splice(best, 1);
  }
  return r;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The seeds' companions: for each seed and each other person, the seconds during which both were at the
 * same cell (or cells within toleranceMeters of each other), inside the window, summed over all pairs of
 * their stay pieces, with first and last contact; kept when >= minSeconds. Two steps, so the second reads
 * only the seeds' cells and days: the seeds' pieces (pruned by user), then the pieces of those cells whose
 * start lies in [day(from), to) (pruned by cell and day), joined on cell and overlap.
 */
export async function sharedTime(
  db: Duck,
  q: SharedQuery,
  tables: SearchTables = LAYOUT_TABLES,
): Promise<{ pairs: SharedRow[]; places: SharedPlaceRow[] }> {
  if (q.seeds.length === 0) return { pairs: [], places: [] };
  const [lo, hi] = q.extend ? ['piece_start', 'piece_end'] : ['start_ts', 'end_ts'];
  const seedIn = uidPlaceholders(q.seeds.length, 3);
  // The seeds' pieces in the window, clipped to it (read by user: the zone maps of user_id prune). The
  // layout's user_id is UUID (layout.ts), where uid() on the column is a no-op and the bound 32-hex seeds
  // are cast; a baseline source of 32-hex text (bench/companions.ts on an old workspace) also works.
  const seedSql = `SELECT user_id AS seed, cell_id, greatest(${lo}, $1::TIMESTAMP) AS a, least(${hi}, $2::TIMESTAMP) AS b
     FROM ${tables.byUser}
     WHERE ${uid('user_id')} IN (${seedIn}) AND piece_start < $2::TIMESTAMP AND piece_end > $1::TIMESTAMP
       AND greatest(${lo}, $1::TIMESTAMP) < least(${hi}, $2::TIMESTAMP)`;
  const seedCells = (
    await db.all<{ c: number }>(`SELECT DISTINCT cell_id AS c FROM (${seedSql})`, [
      q.window.from,
      q.window.to,
      ...q.seeds,
    ])
  ).map((r) => r.c);
  if (seedCells.length === 0) return { pairs: [], places: [] };
  // Each seed cell with the cells that count as the same place: itself, and neighbours within tolerance.
  const near =
    q.toleranceMeters > 0
      ? await db.all<{ src: number; dst: number }>(
          `SELECT s.cell_id AS src, c.cell_id AS dst
           FROM cells s JOIN cells c
             ON 2 * ${EARTH_RADIUS_M} * asin(sqrt(pow(sin(radians(c.lat - s.lat) / 2), 2)
                  + cos(radians(s.lat)) * cos(radians(c.lat)) * pow(sin(radians(c.lon - s.lon) / 2), 2))) <= $1
           WHERE s.cell_id IN (${placeholders(seedCells.length, 2)})`,
          [q.toleranceMeters, ...seedCells],
        )
      : seedCells.map((c) => ({ src: c, dst: c }));
  const cells = [...new Set(near.map((r) => r.dst))].sort((a, b) => a - b);
  const exclude = q.exclude ?? [];
  // One statement (no temp tables: the API shares one connection between requests). The companions' pieces
  // are read with a filter on cell-id ranges and piece_start that DuckDB pushes into the scan and checks
  // against each row group's zone map, so row groups of other cells and days are skipped. Cells inside a
  // range but not wanted drop at the join.
  const ranges = cellRanges(cells, MAX_RANGES);
  let k = 3 + q.seeds.length;
  const nearVals = near.map(() => `($${k++}::INTEGER, $${k++}::INTEGER)`).join(', ');
  const notExcluded = exclude.length
    ? `AND ${uid('user_id')} NOT IN (${uidPlaceholders(exclude.length, k)})`
    : '';
  k += exclude.length;
  const cellFilter = ranges.map(() => `cell_id BETWEEN $${k++} AND $${k++}`).join(' OR ');
  const scans = `SELECT user_id, cell_id, ${lo} AS lo, ${hi} AS hi FROM ${tables.byCell}
       WHERE (${cellFilter}) AND piece_start >= date_trunc('day', $1::TIMESTAMP) AND piece_start < $2::TIMESTAMP`;
  const rows = await db.all<{
    seed: string;
    userId: string;
    cellId: number;
    seconds: number;
    first: string;
    last: string;
  }>(
    `WITH seed AS (${seedSql}),
     near(src, dst) AS (VALUES ${nearVals}),
     cand AS (SELECT * FROM (${scans}) WHERE lo < hi ${notExcluded}),
     pairs AS (
       SELECT s.seed, t.user_id, t.cell_id, greatest(s.a, t.lo) AS a, least(s.b, t.hi) AS b
       FROM seed s JOIN near n ON n.src = s.cell_id
         JOIN cand t ON t.cell_id = n.dst AND t.lo < s.b AND t.hi > s.a AND t.user_id <> s.seed)
     SELECT ${uidHex('seed')} AS seed, ${uidHex('user_id')} AS "userId", cell_id AS "cellId", sum(epoch(b) - epoch(a))::DOUBLE AS seconds,
            strftime(min(a), '%Y-%m-%d %H:%M:%S') AS first, strftime(max(b), '%Y-%m-%d %H:%M:%S') AS last
     FROM pairs GROUP BY ALL`,
    [
      q.window.from,
      q.window.to,
      ...q.seeds,
      ...near.flatMap((r) => [r.src, r.dst]),
      ...exclude,
      ...ranges.flatMap((r) => [r[0], r[1]]),
    ],
  );
  const byPair = new Map<string, SharedRow>();
  for (const r of rows) {
    const id = `${r.seed}\u0000${r.userId}`;
    const p = byPair.get(id);
    if (!p)
      byPair.set(id, { seed: r.seed, userId: r.userId, seconds: r.seconds, first: r.first, last: r.last });
    else {
      p.seconds += r.seconds;
      if (r.first < p.first) p.first = r.first;
      if (r.last > p.last) p.last = r.last;
    }
  }
  const pairs = [...byPair.values()]
    .filter((p) => p.seconds >= q.minSeconds)
    .sort((a, b) =>
      a.seed < b.seed ? -1 : a.seed > b.seed ? 1 : b.seconds - a.seconds || cmp(a.userId, b.userId),
    );
  const kept = new Set(pairs.map((p) => `${p.seed}\u0000${p.userId}`));
  const places = rows
    .filter((r) => kept.has(`${r.seed}\u0000${r.userId}`))
    .map((r) => ({ seed: r.seed, userId: r.userId, cellId: r.cellId, seconds: r.seconds }))
    .sort(
      (a, b) =>
        cmp(a.seed, b.seed) || cmp(a.userId, b.userId) || b.seconds - a.seconds || a.cellId - b.cellId,
    );
  return { pairs, places };
}
