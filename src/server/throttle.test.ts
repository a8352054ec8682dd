import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './throttle.ts';

function clock() {
  let t = Date.parse('2020-01-23T00:00:00Z');
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('LoginThrottle', () => {
  it('locks a username after 5 failures for 1 minute, doubling each lockout up to the cap', () => {
    const c = clock();
    const th = new LoginThrottle(c.now, { user: 5, ip: 1000, base: 60_000, max: 240_000 });
    const locks: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 4; i++) {
        expect(th.check('u', '1.2.3.4').ok).toBe(true);
        expect(th.fail('u', '1.2.3.4')).toBe(0);
      }
      expect(th.check('u', '1.2.3.4').ok).toBe(true);
      locks.push(th.fail('u', '1.2.3.4'));
      const v = th.check('u', '1.2.3.4');
      expect(v).toEqual({ ok: false, retryAfterMs: locks.at(-1) });
      c.advance(locks.at(-1)! - 1);
      expect(th.check('u', '1.2.3.4').ok).toBe(false);
      c.advance(1);
      expect(th.check('u', '1.2.3.4').ok).toBe(true);
    }
    expect(locks).toEqual([60_000, 120_000, 240_000, 240_000, 240_000]);
    // Another username from another address is not affected.
    expect(th.check('v', '5.6.7.8').ok).toBe(true);
  });

  it('locks an address trying many usernames', () => {
    const c = clock();
    const th = new LoginThrottle(c.now, { user: 5, ip: 20, base: 60_000, max: 3_600_000 });
    for (let i = 0; i < 19; i++) th.fail(`user${i}`, '9.9.9.9');
    expect(th.check('fresh', '9.9.9.9').ok).toBe(true);
    expect(th.fail('user19', '9.9.9.9')).toBe(60_000);
    expect(th.check('fresh', '9.9.9.9').ok).toBe(false);
    expect(th.check('fresh', '8.8.8.8').ok).toBe(true);
  });

  it('counts refused attempts once instead of reporting each, and a success clears the username', () => {
    const c = clock();
    const th = new LoginThrottle(c.now);
    for (let i = 0; i < 5; i++) th.fail('u', '1.1.1.1');
    for (let i = 0; i < 1000; i++) expect(th.check('u', '1.1.1.1').ok).toBe(false);
    expect(th.takeRefused('u', '1.1.1.1')).toEqual({ 'u:u': 1000 });
    expect(th.takeRefused('u', '1.1.1.1')).toEqual({});
    c.advance(60_000);
    th.succeed('u');
    expect(th.fail('u', '1.1.1.1')).toBe(0);
  });
});
