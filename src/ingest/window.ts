import { UserError } from '../errors.ts';
import { RECORD_ZONE } from './time.ts';

/**
 * Earliest plausible record time by default: no mobile-network location feed this platform
 * reads predates 2000, and the far past (0001-01-01, epoch 0 read as 1970) is a placeholder
 * value, not a record. Lower it with --earliest for older archives.
 */
export const DEFAULT_EARLIEST = '2000-01-01';

/**
 * Hours a record may lie in the future by default: one day covers clock skew between the
 * operator and us and a feed written in another zone than declared; more is a bad clock.
 */
export const DEFAULT_MAX_FUTURE_HOURS = 24;

/** The plausible window of record times. */
export interface TimeWindow {
  /** First allowed instant, a RECORD_ZONE wall clock 'YYYY-MM-DD HH:MM:SS'. */
  earliest: string;
  /** Last allowed instant (inclusive), same clock. */
  latest: string;
}

/** A RECORD_ZONE wall clock 'YYYY-MM-DD HH:MM:SS' of an instant (the clock stored times use). */
export function recordClock(at: Date): string {
  // Swedish locale formats as ISO 8601 (YYYY-MM-DD HH:MM:SS).
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: RECORD_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

/**
 * The window [earliest 00:00, now + maxFutureHours] on the RECORD_ZONE clock; rows outside it
 * are quarantined as 'time outside plausible window'.
 */
export function plausibleWindow(
  now: Date,
  earliest = DEFAULT_EARLIEST,
  maxFutureHours = DEFAULT_MAX_FUTURE_HOURS,
): TimeWindow {
  const latest = recordClock(new Date(now.getTime() + maxFutureHours * 3_600_000));
  if (`${earliest} 00:00:00` > latest) {
    throw new UserError(`--earliest ${earliest} is later than now + --max-future-hours (${latest})`);
  }
  return { earliest: `${earliest} 00:00:00`, latest };
}
