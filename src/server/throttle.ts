/** Failures allowed before a key (username or IP) is locked. */
export const LOCK_AFTER = 5;
/** First lockout; each further lockout of the same key doubles it, up to LOCK_MAX_MS. */
export const LOCK_BASE_MS = 60_000;
export const LOCK_MAX_MS = 60 * 60_000;
/** An IP gets more failures than a username: several people may share one address (NAT). */
export const IP_LOCK_AFTER = 20;

interface State {
  failures: number;
  lockouts: number;
  lockedUntil: number;
  /** Attempts refused while locked, reported once (coalesced) instead of one audit row each. */
  refused: number;
  lastSeen: number;
}

/** What `check` says about an attempt. */
export type Verdict = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Login throttling with lockout and exponential backoff, per username and per
 * IP. Kept in memory: a restart clears it (documented in the README).
 * The clock is passed in so tests can move time.
 */
export class LoginThrottle {
  private readonly states = new Map<string, State>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly limits = { user: LOCK_AFTER, ip: IP_LOCK_AFTER, base: LOCK_BASE_MS, max: LOCK_MAX_MS },
  ) {}

  private state(key: string): State {
    let s = this.states.get(key);
    if (!s) {
      s = { failures: 0, lockouts: 0, lockedUntil: 0, refused: 0, lastSeen: this.now() };
      this.states.set(key, s);
    }
    s.lastSeen = this.now();
    return s;
  }

  private keys(username: string, ip: string): [string, number][] {
    return [
      [`u:${username}`, this.limits.user],
      [`ip:${ip}`, this.limits.ip],
    ];
  }

  /** Whether an attempt may be tried now; a refused attempt is counted, not reported. */
  check(username: string, ip: string): Verdict {
    const t = this.now();
    let wait = 0;
    for (const [k] of this.keys(username, ip)) {
      const s = this.states.get(k);
      if (s && s.lockedUntil > t) wait = Math.max(wait, s.lockedUntil - t);
    }
    if (wait === 0) return { ok: true };
    for (const [k] of this.keys(username, ip)) {
      const s = this.states.get(k);
      if (s && s.lockedUntil > t) s.refused++;
    }
    return { ok: false, retryAfterMs: wait };
  }

  /** Records a failed attempt; returns the lockout it started (ms), or 0. */
  fail(username: string, ip: string): number {
    let locked = 0;
    for (const [k, limit] of this.keys(username, ip)) {
      const s = this.state(k);
      if (++s.failures >= limit) {
        const ms = Math.min(this.limits.base * 2 ** s.lockouts, this.limits.max);
        s.lockouts++;
        s.failures = 0;
        s.lockedUntil = this.now() + ms;
        locked = Math.max(locked, ms);
      }
    }
    this.prune();
    return locked;
  }

  /** A success clears the username's failures and backoff (not the IP's). */
  succeed(username: string): void {
    this.states.delete(`u:${username}`);
  }

  /** Attempts refused during lockouts since the last call, per key; reset by reading. */
  takeRefused(username: string, ip: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k] of this.keys(username, ip)) {
      const s = this.states.get(k);
      if (s?.refused) {
        out[k] = s.refused;
        s.refused = 0;
      }
    }
    return out;
  }

  // Forget keys idle for longer than the longest lockout, so random usernames cannot grow the map forever.
  private prune(): void {
    if (this.states.size < 10_000) return;
    const cutoff = this.now() - this.limits.max;
    for (const [k, s] of this.states)
      if (s.lastSeen < cutoff && s.lockedUntil < this.now()) this.states.delete(k);
  }
}
