import type { Duck } from '../db/duck.ts';
import { uid } from '../db/uid.ts';
import { DEFAULT_COMPANION_OPTIONS, requireLayout } from './companions.ts';
import { placesOf } from './places.ts';
import { requireTraceable } from './registry.ts';
import type { Trajectory, Window } from './types.ts';
import { resolveWindow } from './window.ts';

/**
 * A case's dwells in the window, in time order: each stay (the span of its records, clipped to the window)
 * with its place; the places ranked by minutes spent; a dwell as long as the companion threshold
 * (minMinutes, default 60) is marked as a possible transmission point.
 */
export async function trajectory(
  db: Duck,
  ref: string,
  window?: Window,
  minMinutes = DEFAULT_COMPANION_OPTIONS.minMinutes,
): Promise<Trajectory> {
  const c = await requireTraceable(db, ref);
  await requireLayout(db);
  const w = await resolveWindow(db, c, window);
  // Pieces of one stay share its cell and touch (cut at midnight): put back together by the records' span.
  const rows = await db.all<{ cellId: number; start: string; end: string; seconds: number }>(
    `WITH p AS (
       SELECT cell_id, greatest(start_ts, $2::TIMESTAMP) AS a, least(end_ts, $3::TIMESTAMP) AS b
       FROM trace_stays_user WHERE user_id = ${uid('$1')} AND piece_start < $3::TIMESTAMP AND piece_end > $2::TIMESTAMP
         AND start_ts <= end_ts),
     g AS (SELECT *, sum(CASE WHEN lag_cell = cell_id AND lag_b = a THEN 0 ELSE 1 END) OVER (ORDER BY a, b) AS grp
           FROM (SELECT *, lag(cell_id) OVER (ORDER BY a, b) AS lag_cell, lag(b) OVER (ORDER BY a, b) AS lag_b FROM p)
           WHERE a <= b)
     SELECT cell_id AS "cellId", strftime(min(a), '%Y-%m-%d %H:%M:%S') AS start,
            strftime(max(b), '%Y-%m-%d %H:%M:%S') AS "end", (epoch(max(b)) - epoch(min(a)))::DOUBLE AS seconds
     FROM g GROUP BY grp, cell_id ORDER BY min(a)`,
    [c.userId, w.from, w.to],
  );
  const places = await placesOf(
    db,
    rows.map((r) => r.cellId),
  );
  const dwells = rows.map((r) => ({
    ...places.get(r.cellId)!,
    start: r.start,
    end: r.end,
    minutes: r.seconds / 60,
    transmissionPoint: r.seconds >= minMinutes * 60,
  }));
  const ranked = new Map<number, { minutes: number; visits: number }>();
  for (const d of dwells) {
    const m = ranked.get(d.cellId) ?? { minutes: 0, visits: 0 };
    m.minutes += d.minutes;
    m.visits += 1;
    ranked.set(d.cellId, m);
  }
  return {
    case: c,
    window: w,
    dwells,
    places: [...ranked]
      .map(([id, m]) => ({ ...places.get(id)!, ...m }))
      .sort((a, b) => b.minutes - a.minutes || a.cellId - b.cellId),
  };
}
