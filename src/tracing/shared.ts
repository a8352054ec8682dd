import type { Duck } from '../db/duck.ts';
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
  /** People never reported as companions (e.g. the case and first-degree companions when seeding degree 2). */
  exclude?: string[];
}

/** Metres per degree of latitude on the WGS 84 mean sphere (R = 6 371 008.8 m, IUGG mean radius). */
const EARTH_RADIUS_M = 6_371_008.8;

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function placeholders(n: number, from: number): string {
  return Array.from({ length: n }, (_, i) => `$${from + i}`).join(', ');
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
  const seedIn = placeholders(q.seeds.length, 3);
  // The seeds' pieces in the window, clipped to it (read by user: the zone maps of user_id prune).
  const seedSql = `SELECT user_id AS seed, cell_id, greatest(${lo}, $1::TIMESTAMP) AS a, least(${hi}, $2::TIMESTAMP) AS b
     FROM ${tables.byUser}
     WHERE user_id IN (${seedIn}) AND piece_start < $2::TIMESTAMP AND piece_end > $1::TIMESTAMP
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
  const exclude = [...q.seeds, ...(q.exclude ?? [])];
  // One statement (no temp tables: the API shares one connection between requests). Cells are bound as
  // an IN list, not a join, so the scan's zone maps skip the row groups of other cells and days.
  let k = 3 + q.seeds.length;
  const nearVals = near.map(() => `($${k++}::INTEGER, $${k++}::INTEGER)`).join(', ');
  const cellIn = placeholders(cells.length, k);
  k += cells.length;
  const exIn = placeholders(exclude.length, k);
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
     cand AS (
       SELECT user_id, cell_id, ${lo} AS lo, ${hi} AS hi FROM ${tables.byCell}
       WHERE cell_id IN (${cellIn})
         AND piece_start >= date_trunc('day', $1::TIMESTAMP) AND piece_start < $2::TIMESTAMP
         AND ${lo} < ${hi} AND user_id NOT IN (${exIn})),
     pairs AS (
       SELECT s.seed, t.user_id, t.cell_id, greatest(s.a, t.lo) AS a, least(s.b, t.hi) AS b
       FROM seed s JOIN near n ON n.src = s.cell_id
         JOIN cand t ON t.cell_id = n.dst AND t.lo < s.b AND t.hi > s.a)
     SELECT seed, user_id AS "userId", cell_id AS "cellId", sum(epoch(b) - epoch(a))::DOUBLE AS seconds,
            strftime(min(a), '%Y-%m-%d %H:%M:%S') AS first, strftime(max(b), '%Y-%m-%d %H:%M:%S') AS last
     FROM pairs GROUP BY ALL`,
    [q.window.from, q.window.to, ...q.seeds, ...near.flatMap((r) => [r.src, r.dst]), ...cells, ...exclude],
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
