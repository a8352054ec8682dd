import { RetryLater } from './limits.ts';

/**
 * Case references an account may miss (unknown, or outside its regions) per window before its individual-level
 * queries are refused until the window ends. A tracer works from the case list and rarely misses; a run of
 * misses is someone guessing references. Policy values, not external figures.
 */
export const MISS_LIMIT = { misses: 10, windowMs: 10 * 60_000 };

/** Counts each account's missed case references in fixed windows; the clock is passed in. */
export class MissCounter {
  private readonly windows = new Map<string, { start: number; misses: number }>();

  constructor(
    private readonly now: () => number,
    private readonly limit = MISS_LIMIT,
  ) {}

  private current(username: string): { start: number; misses: number } {
    const t = this.now();
    let w = this.windows.get(username);
    if (!w || t - w.start >= this.limit.windowMs) {
      if (this.windows.size > 10_000) this.windows.clear();
      w = { start: t, misses: 0 };
      this.windows.set(username, w);
    }
    return w;
  }

  /** 429 with Retry-After when the account has used up its misses in this window. */
  check(username: string): void {
    const w = this.current(username);
    if (w.misses >= this.limit.misses) {
      const wait = Math.ceil((w.start + this.limit.windowMs - this.now()) / 1000);
      throw new RetryLater(
        429,
        `too many unknown case references (${w.misses} in ${this.limit.windowMs / 60_000} min): work from the case list, retry in ${wait} s`,
        wait,
      );
    }
  }

  /** Counts one missed reference. */
  miss(username: string): void {
    this.current(username).misses++;
  }
}
