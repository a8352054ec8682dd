import { describe, expect, it } from 'vitest';
import { RetryLater } from './limits.ts';
import { MissCounter } from './tracing-misses.ts';

describe('MissCounter', () => {
  it('refuses an account after its misses in a window, per account, until the window ends', () => {
    let t = 1_000_000;
    const m = new MissCounter(() => t, { misses: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      m.check('a');
      m.miss('a');
    }
    expect(() => m.check('a')).toThrow(RetryLater);
    try {
      m.check('a');
    } catch (e) {
      expect((e as RetryLater).status).toBe(429);
      expect((e as RetryLater).retryAfterS).toBe(60);
    }
    // Another account is not affected.
    expect(() => m.check('b')).not.toThrow();
    t += 59_999;
    expect(() => m.check('a')).toThrow(RetryLater);
    t += 1;
    expect(() => m.check('a')).not.toThrow();
  });
});
