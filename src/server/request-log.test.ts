import { describe, expect, it } from 'vitest';
import { RefusedFlood, loggable } from './request-log.ts';

describe('RefusedFlood', () => {
  it('logs the first N refused requests per address per minute and counts the rest', () => {
    let t = Date.parse('2020-01-23T10:00:00Z');
    const f = new RefusedFlood(() => t, 3);
    expect([1, 2, 3, 4, 5, 6].map(() => f.admit('1.1.1.1'))).toEqual([true, true, true, false, false, false]);
    expect(f.admit('2.2.2.2')).toBe(true);
    expect(f.takeDropped('1.1.1.1')).toBe(3);
    expect(f.takeDropped('1.1.1.1')).toBe(0);
    f.admit('1.1.1.1');
    t += 60_000;
    expect(f.admit('1.1.1.1')).toBe(true);
    expect(f.takeDropped('1.1.1.1')).toBe(1);
  });
});

describe('loggable', () => {
  it('redacts secret-looking keys and bounds values and keys', () => {
    const q = { password: 'hunter2hunter2', token: 'abc', origin: '420100', long: 'x'.repeat(1000) };
    expect(loggable(q)).toEqual({
      password: '[redacted]',
      token: '[redacted]',
      origin: '420100',
      long: 'x'.repeat(200),
    });
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    expect(Object.keys(loggable(many))).toHaveLength(20);
  });
});
