import { describe, expect, it } from 'vitest';
import { screenFromSearch } from './screen.ts';

describe('screenFromSearch', () => {
  it('is the desk layout refreshed every 60 s by default', () => {
    expect(screenFromSearch('')).toEqual({ big: false, refreshSeconds: 60 });
  });

  it('reads ?screen=big and ?refresh=N, with a floor of 10 s', () => {
    expect(screenFromSearch('?screen=big')).toEqual({ big: true, refreshSeconds: 60 });
    expect(screenFromSearch('?screen=big&refresh=30')).toEqual({ big: true, refreshSeconds: 30 });
    expect(screenFromSearch('?refresh=2')).toEqual({ big: false, refreshSeconds: 10 });
    expect(screenFromSearch('?refresh=abc').refreshSeconds).toBe(60);
    expect(screenFromSearch('?refresh=0').refreshSeconds).toBe(60);
    expect(screenFromSearch('?screen=small').big).toBe(false);
  });
});
