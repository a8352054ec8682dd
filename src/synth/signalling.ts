import type { ScenarioParams } from './params.ts';
import type { Random } from './random.ts';
import type { TrueStay } from './itinerary.ts';

/** Event types as an operator logs them. */
export const EVENTS = ['data', 'call', 'sms', 'lu', 'handover'] as const;
const LU = 3;
const HANDOVER = 4;
// Shares of data sessions, calls and SMS among user-driven events: plausible, not measured.
const USER_EVENT_CUM = [0.6, 0.8, 1];

/** Kinds of malformed rows the generator injects (the ingest must quarantine each). */
export const BAD_KINDS = ['ok', 'missing id', 'unparsable time', 'unknown cell'] as const;

/** Receives one record: time (s since start), cell, event index, bad-row kind index (0 = a good row). */
export type Emit = (t: number, cell: number, event: number, bad: number) => void;

/**
 * Records for one person's presences, as an operator sees them: event-driven
 * with exponential gaps (Poisson events), a periodic location update when no
 * event happened for `periodicUpdateMinutes` (so gaps are min(Exp, T)), a record
 * at each stay's start and end, single handover records while moving, ping-pong
 * to the neighbouring cell inside a stay, and occasional duplicate or
 * malformed rows.
 */
export function signal(
  stays: readonly TrueStay[],
  neighbour: Int32Array,
  p: ScenarioParams,
  rng: Random,
  emit: Emit,
): void {
  const gapMean = p.gapMeanMinutes * 60;
  const period = p.periodicUpdateMinutes * 60;
  const out = (t: number, cell: number, ev: number): void => {
    emit(t, cell, ev, 0);
    if (p.duplicateRate > 0 && rng.chance(p.duplicateRate)) emit(t, cell, ev, 0);
    if (p.malformedRate > 0 && rng.chance(p.malformedRate))
      emit(t, cell, ev, 1 + rng.int(BAD_KINDS.length - 1));
  };
  const userEvent = (): number => rng.pick(USER_EVENT_CUM);
  for (const s of stays) {
    if (s.transit) {
      out(s.start, s.cell, HANDOVER);
      continue;
    }
    out(s.start, s.cell, userEvent());
    let t = s.start;
    for (;;) {
      let gap = rng.exp(gapMean);
      let ev: number;
      if (period > 0 && gap > period) {
        gap = period;
        ev = LU;
      } else ev = userEvent();
      t += Math.max(1, Math.round(gap));
      if (t >= s.end) break;
      const cell = p.pingPongRate > 0 && rng.chance(p.pingPongRate) ? neighbour[s.cell]! : s.cell;
      out(t, cell, ev);
    }
    if (s.end > s.start) out(s.end, s.cell, userEvent());
  }
}
