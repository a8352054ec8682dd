import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { cityList, realDailyEffects } from './report-daily.ts';

describe('report daily effects', () => {
  it('sleep leaves no abort listener behind (one per minute would pile up: MaxListenersExceededWarning)', async () => {
    const fx = realDailyEffects(() => undefined);
    const ac = new AbortController();
    for (let i = 0; i < 30; i++) await fx.sleep(1, ac.signal);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    // An abort still ends a sleep at once, and leaves nothing behind either.
    const t = Date.now();
    const long = fx.sleep(60_000, ac.signal);
    ac.abort();
    await long;
    expect(Date.now() - t).toBeLessThan(1_000);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('--cities takes city codes only', () => {
    expect(cityList('420100, 110100,420100')).toEqual(['420100', '110100']);
    expect(() => cityList('420000')).toThrow('--cities: 420000 is not a city code');
    expect(() => cityList('420102')).toThrow('--cities: 420102 is not a city code');
  });
});
