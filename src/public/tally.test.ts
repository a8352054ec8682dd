import { describe, expect, it } from 'vitest';
import { PublicTally } from './tally.ts';

// Anonymous public hits are counted into at most one audit entry a minute (issue 17): a flood cannot grow the
// chain, and no hit goes uncounted.

function setup() {
  const entries: { user: string | null; action: string; detail: Record<string, unknown> }[] = [];
  let t = Date.UTC(2020, 0, 27, 8, 0, 0);
  const tally = new PublicTally(
    { record: (user, action, detail = {}) => void entries.push({ user, action, detail }) },
    () => t,
  );
  return { entries, tally, advance: (ms: number) => (t += ms) };
}

describe('public tally', () => {
  it('10,000 hits within a minute write nothing until the next minute, then one entry with every hit counted', () => {
    const { entries, tally, advance } = setup();
    for (let i = 0; i < 10_000; i++) tally.hit(i % 2 ? '/public' : '/api/public/levels');
    expect(entries).toEqual([]);
    advance(60_000);
    tally.hit('/public');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      user: null,
      action: 'public.hits',
      detail: { total: 10_000, hits: { '/api/public/levels': 5_000, '/public': 5_000 } },
    });
    // The hit that opened the new minute is pending, written at close.
    tally.flush();
    expect(entries).toHaveLength(2);
    expect(entries[1]!.detail['total']).toBe(1);
    tally.flush();
    expect(entries).toHaveLength(2);
  });

  it('one entry per minute however the hits are spread', () => {
    const { entries, tally, advance } = setup();
    for (let m = 0; m < 5; m++) {
      for (let i = 0; i < 100; i++) {
        tally.hit('/public');
        advance(500);
      }
      advance(10_000);
    }
    tally.flush();
    expect(entries.length).toBeLessThanOrEqual(5 + 1);
    expect(entries.reduce((s, e) => s + (e.detail['total'] as number), 0)).toBe(500);
  });
});
