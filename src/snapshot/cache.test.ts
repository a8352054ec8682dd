import { describe, expect, it } from 'vitest';
import { POLICY } from '../server/policy.ts';
import { ResponseCache } from './cache.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('ResponseCache', () => {
  it('computes once for 20 concurrent identical misses, then answers from memory', async () => {
    const c = new ResponseCache(1);
    let computed = 0;
    const compute = async () => {
      computed++;
      await tick();
      return { rows: [1, 2, 3] };
    };
    const answers = await Promise.all(Array.from({ length: 20 }, () => c.get('k', compute)));
    expect(computed).toBe(1);
    expect(new Set(answers).size).toBe(1);
    expect(await c.get('k', compute)).toBe(answers[0]);
    expect(computed).toBe(1);
    expect(c.stats).toEqual({ hits: 1, misses: 20, computations: 1 });
    expect(c.bytes).toBe(JSON.stringify({ rows: [1, 2, 3] }).length);
  });

  it('keeps no failure: the next request computes again', async () => {
    const c = new ResponseCache(1);
    let n = 0;
    const flaky = async () => {
      n++;
      await tick();
      if (n === 1) throw new Error('busy');
      return n;
    };
    const first = await Promise.allSettled([c.get('k', flaky), c.get('k', flaky)]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await c.get('k', flaky)).toBe(2);
    expect(await c.get('k', flaky)).toBe(2);
  });

  it('stays within its size in bytes of JSON, dropping the least recently used', async () => {
    const c = new ResponseCache(1 / 1024); // 1 kB
    const big = (i: number) => async () => ({ i, pad: 'x'.repeat(300) });
    for (let i = 0; i < 10; i++) await c.get(`k${i}`, big(i));
    expect(c.bytes).toBeLessThanOrEqual(1024);
    expect(c.bytes).toBeGreaterThan(600);
    let again = 0;
    await c.get('k0', async () => ++again);
    expect(again).toBe(1); // k0 was dropped
  });

  it('computes every time when off (0 MB)', async () => {
    const c = new ResponseCache(0);
    let n = 0;
    await Promise.all([c.get('k', async () => ++n), c.get('k', async () => ++n)]);
    expect(n).toBe(2);
    expect(c.enabled).toBe(false);
  });

  it('is never used by individual-level routes', () => {
    for (const [route, p] of Object.entries(POLICY)) {
      if (p.caseRef || route.startsWith('GET /api/cases') || route.startsWith('GET /api/admin'))
        expect(p.cache, route).toBeFalsy();
    }
  });
});
